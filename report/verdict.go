package report

import (
	"fmt"
	"time"

	"github.com/hotbench/hotbench/compare"
)

// Verdict is one saved compare or gate verdict of the month, the part of
// compare's JSON (compare.VerdictJSON) that the report shows.
type Verdict struct {
	// Kind is results.VerdictCompare, results.VerdictGate or results.VerdictAB.
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
	Name     string
	Verdict  compare.Verdict
	Evidence string
}

// parseVerdict decodes a saved verdict with compare.ReadVerdict: any JSON
// object with compare's "base" field.
func parseVerdict(data []byte) (Verdict, error) {
	j, err := compare.ReadVerdict(data)
	if err != nil {
		return Verdict{}, err
	}
	v := Verdict{Base: j.Base, Candidate: j.Candidate, Warnings: j.Warnings}
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
