package scenarios

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
)

// Hash identifies a scenario's content: the hex SHA-256 of its JSON with
// File, Calibration and the hotspots' owner, team and ticket left out, so
// the same file loaded from two paths hashes the same, recalibrating or
// naming a hotspot's owner (records, not settings) makes no new version,
// and any change to what is run or gated (load, runs, endpoints, headers,
// gate …) changes it;
// a body read from body_file counts through its digest (see
// Endpoint.MarshalJSON), so the hash is the same for a scenario read back
// from run.json, which has no such body.
// encoding/json writes struct fields in order and map keys sorted, which
// makes the JSON canonical. A scenario that cannot be written as JSON (a NaN
// that Validate would reject) hashes as "".
func Hash(s *Scenario) string {
	c := *s
	c.File, c.Calibration = "", nil
	c.Hotspots = slices.Clone(c.Hotspots)
	for i := range c.Hotspots {
		h := &c.Hotspots[i]
		h.Owner, h.Team, h.Ticket = "", "", ""
	}
	b, err := json.Marshal(c)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
