package scenarios

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// Hash identifies a scenario's content: the hex SHA-256 of its JSON with
// File and Calibration left out, so the same file loaded from two paths
// hashes the same, recalibrating (a record of noise, not a setting) makes
// no new version, and any change to what is run or gated (load, runs,
// endpoints, headers, gate …) changes it;
// a body read from body_file counts through its digest (see
// Endpoint.MarshalJSON), so the hash is the same for a scenario read back
// from run.json, which has no such body.
// encoding/json writes struct fields in order and map keys sorted, which
// makes the JSON canonical. A scenario that cannot be written as JSON (a NaN
// that Validate would reject) hashes as "".
func Hash(s *Scenario) string {
	c := *s
	c.File, c.Calibration = "", nil
	b, err := json.Marshal(c)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
