package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Verdict is one saved compare or gate verdict of the month, as the
// compare package's JSON has it.
type Verdict struct {
	// Kind is results.VerdictCompare or results.VerdictGate.
	Kind            string
	At              time.Time
	Base, Candidate string
	// Pass is the gate's decision; nil for a compare.
	Pass *bool
	// Inconclusive is a gate that could not decide (too few valid
	// repetitions); Reason says why.
	Inconclusive       bool
	InconclusiveReason string
	Hotspots           []VerdictHotspot
	// Failures are the gate's reasons to fail, one line each.
	Failures []string
	Warnings []string
}

// VerdictHotspot is one hotspot's verdict with compare's evidence sentence.
type VerdictHotspot struct {
	Name, Verdict, Evidence string
}

// verdictJSON is the part of compare's JSON (DESIGN.md) that the report
// shows. Unknown fields are ignored: compare may add fields.
type verdictJSON struct {
	Base      *string  `json:"base"`
	Candidate string   `json:"candidate"`
	Warnings  []string `json:"warnings"`
	Hotspots  []struct {
		Name     string `json:"name"`
		Verdict  string `json:"verdict"`
		Evidence string `json:"evidence"`
	} `json:"hotspots"`
	Gate *struct {
		Pass               bool   `json:"pass"`
		Inconclusive       bool   `json:"inconclusive"`
		InconclusiveReason string `json:"inconclusive_reason"`
		Failures           []struct {
			Endpoint string `json:"endpoint"`
			Metric   string `json:"metric"`
			Reason   string `json:"reason"`
		} `json:"failures"`
	} `json:"gate"`
}

// parseVerdict decodes a saved verdict. It accepts any JSON object with
// compare's "base" field; what it cannot place is left out.
func parseVerdict(data []byte) (Verdict, error) {
	var j verdictJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return Verdict{}, fmt.Errorf("not a compare or gate verdict: %w", err)
	}
	if j.Base == nil {
		return Verdict{}, errors.New("not a compare or gate verdict: it has no \"base\" field")
	}
	v := Verdict{Base: *j.Base, Candidate: j.Candidate, Warnings: j.Warnings}
	for _, h := range j.Hotspots {
		v.Hotspots = append(v.Hotspots, VerdictHotspot{Name: h.Name, Verdict: h.Verdict, Evidence: h.Evidence})
	}
	if j.Gate != nil {
		pass := j.Gate.Pass
		v.Pass = &pass
		v.Inconclusive, v.InconclusiveReason = j.Gate.Inconclusive, j.Gate.InconclusiveReason
		for _, f := range j.Gate.Failures {
			v.Failures = append(v.Failures, fmt.Sprintf("%s %s: %s", f.Endpoint, f.Metric, f.Reason))
		}
	}
	return v, nil
}
