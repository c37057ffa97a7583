package compare

import (
	"encoding/json"
	"io"
	"math"
	"strconv"

	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/scenarios"
)

// number is a float64 that JSON writes as null when it is NaN or ±Inf
// (an undefined delta, an interval too wide to bound), which plain
// encoding/json refuses to encode.
type number float64

func (n number) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

// The JSON shape is DESIGN.md's; fields may be added, never renamed.
type (
	jsonComparison struct {
		Base            string        `json:"base"`
		Candidate       string        `json:"candidate"`
		Alpha           float64       `json:"alpha"`
		Confidence      float64       `json:"confidence"`
		Scenario        string        `json:"scenario"`
		BasePaths       []string      `json:"base_paths,omitempty"`
		CandidatePaths  []string      `json:"candidate_paths,omitempty"`
		BaseRuns        int           `json:"base_runs"`
		CandidateRuns   int           `json:"candidate_runs"`
		BaseLeftOut     int           `json:"base_left_out"`
		CandLeftOut     int           `json:"candidate_left_out"`
		PCorrection     string        `json:"p_correction"`
		NeedRuns        int           `json:"need_runs"`
		RecommendedRuns int           `json:"recommended_runs"`
		TooFewRuns      bool          `json:"too_few_runs"`
		Warnings        []string      `json:"warnings,omitempty"`
		Rows            []jsonRow     `json:"rows"`
		Hotspots        []jsonHotspot `json:"hotspots"`
		Gate            *jsonGate     `json:"gate,omitempty"`
	}
	jsonStat struct {
		Center   number `json:"center"`
		Lo       number `json:"lo"`
		Hi       number `json:"hi"`
		N        int    `json:"n"`
		Errors   *int64 `json:"errors,omitempty"`
		Requests *int64 `json:"requests,omitempty"`
	}
	jsonRow struct {
		Endpoint      string   `json:"endpoint"`
		Metric        string   `json:"metric"`
		Base          jsonStat `json:"base"`
		Candidate     jsonStat `json:"candidate"`
		Delta         number   `json:"delta"`
		DeltaPP       *number  `json:"delta_pp,omitempty"`
		P             number   `json:"p"`
		Test          string   `json:"test,omitempty"`
		Significant   bool     `json:"significant"`
		Change        string   `json:"change"`
		TooFewRuns    bool     `json:"too_few_runs,omitempty"`
		Input         bool     `json:"input,omitempty"`
		Target        *number  `json:"target,omitempty"`
		MinSamples    *int64   `json:"min_samples,omitempty"`
		TooFewSamples bool     `json:"too_few_samples,omitempty"`
		Warnings      []string `json:"warnings,omitempty"`
	}
	jsonHotspot struct {
		Name         string              `json:"name"`
		Endpoint     string              `json:"endpoint"`
		Metric       string              `json:"metric"`
		Verdict      string              `json:"verdict"`
		Evidence     string              `json:"evidence"`
		Reason       string              `json:"reason,omitempty"`
		Objective    *scenarios.Quantity `json:"objective,omitempty"`
		ObjectiveMet *bool               `json:"objective_met,omitempty"`
		Functions    []jsonFunction      `json:"functions"`
	}
	jsonFunction struct {
		Name           string `json:"name"`
		Kind           string `json:"kind"`
		BaseShare      number `json:"base_share"`
		CandidateShare number `json:"candidate_share"`
		DeltaPP        number `json:"delta_pp"`
		P              number `json:"p"`
		Change         string `json:"change"`
		MinSamples     int64  `json:"min_samples"`
		TooFewSamples  bool   `json:"too_few_samples,omitempty"`
		Note           string `json:"note,omitempty"`
		Missing        string `json:"missing,omitempty"`
	}
	jsonGate struct {
		Pass  bool    `json:"pass"`
		Alpha float64 `json:"alpha"`
		// Blind is the field's name before issue 8; it now says what
		// inconclusive says.
		Blind              bool          `json:"blind"`
		Inconclusive       bool          `json:"inconclusive"`
		InconclusiveReason string        `json:"inconclusive_reason,omitempty"`
		Correction         string        `json:"correction"`
		GatedRows          int           `json:"gated_rows"`
		Tested             []jsonTested  `json:"tested"`
		Failures           []jsonFailure `json:"failures"`
		Warnings           []string      `json:"warnings,omitempty"`
	}
	jsonTested struct {
		Endpoint  string `json:"endpoint"`
		Metric    string `json:"metric"`
		P         number `json:"p"`
		AdjustedP number `json:"adjusted_p"`
		Rejected  bool   `json:"rejected"`
	}
	jsonFailure struct {
		Endpoint string `json:"endpoint"`
		Metric   string `json:"metric"`
		Kind     string `json:"kind"`
		Reason   string `json:"reason"`
	}
)

// MarshalJSON writes DESIGN.md's compare shape, without the gate.
func (c Comparison) MarshalJSON() ([]byte, error) {
	return json.Marshal(toJSON(&c, nil))
}

// MarshalJSON writes the gate's decision as Write's "gate" field.
func (g GateResult) MarshalJSON() ([]byte, error) {
	return json.Marshal(gateJSON(&g))
}

func writeJSON(w io.Writer, c *Comparison, g *GateResult) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(toJSON(c, g))
}

func toJSON(c *Comparison, g *GateResult) jsonComparison {
	j := jsonComparison{
		Base: c.Base, Candidate: c.Candidate, Alpha: c.Alpha, Confidence: c.Confidence, Scenario: c.Scenario,
		BasePaths: c.BasePaths, CandidatePaths: c.CandidatePaths,
		BaseRuns: c.BaseRuns, CandidateRuns: c.CandidateRuns,
		BaseLeftOut: c.LeftOut.Base, CandLeftOut: c.LeftOut.Candidate,
		// The table's p-values are per row, as benchstat's; the gate's
		// correction is in gate.correction.
		PCorrection: "none",
		NeedRuns:    c.NeedRuns, RecommendedRuns: c.RecommendedRuns, TooFewRuns: c.TooFewRuns,
		Warnings: c.Warnings,
		Rows:     []jsonRow{},
		Hotspots: []jsonHotspot{},
	}
	for _, r := range c.Rows {
		counted := r.Test == TestFisher
		stat := func(s Stat) jsonStat {
			js := jsonStat{Center: number(s.Center), Lo: number(s.Lo), Hi: number(s.Hi), N: s.N}
			if counted {
				js.Errors, js.Requests = &s.Errors, &s.Requests
			}
			return js
		}
		jr := jsonRow{
			Endpoint: r.Endpoint, Metric: r.Metric, Base: stat(r.Base), Candidate: stat(r.Candidate),
			Delta: number(r.Delta), P: number(r.P), Test: r.Test, Significant: r.Significant, Change: r.Change,
			TooFewRuns: r.TooFewRuns, Input: r.Input, TooFewSamples: r.TooFewSamples, Warnings: r.Warnings,
		}
		if inPP(r) {
			pp := number(r.DeltaPP)
			jr.DeltaPP = &pp
		}
		if r.Input {
			t := number(r.Target)
			jr.Target = &t
		}
		if metric.IsShare(r.Metric) {
			ms := r.MinSamples
			jr.MinSamples = &ms
		}
		j.Rows = append(j.Rows, jr)
	}
	for _, h := range c.Hotspots {
		jh := jsonHotspot{
			Name: h.Name, Endpoint: h.Endpoint, Metric: h.Metric, Verdict: h.Verdict,
			Evidence: h.Evidence, Reason: h.Reason, ObjectiveMet: h.ObjectiveMet,
			Functions: []jsonFunction{},
		}
		if h.Objective != (scenarios.Quantity{}) {
			o := h.Objective
			jh.Objective = &o
		}
		for _, f := range h.Functions {
			jh.Functions = append(jh.Functions, jsonFunction{
				Name: f.Name, Kind: f.Kind, BaseShare: number(f.BaseShare), CandidateShare: number(f.CandidateShare),
				DeltaPP: number(f.DeltaPP), P: number(f.P), Change: f.Change,
				MinSamples: f.MinSamples, TooFewSamples: f.TooFewSamples, Note: f.Note, Missing: f.Missing,
			})
		}
		j.Hotspots = append(j.Hotspots, jh)
	}
	if g != nil {
		j.Gate = gateJSON(g)
	}
	return j
}

func gateJSON(g *GateResult) *jsonGate {
	jg := &jsonGate{Pass: g.Pass, Alpha: g.Alpha, Blind: g.Inconclusive,
		Inconclusive: g.Inconclusive, InconclusiveReason: g.InconclusiveReason,
		Correction: g.Correction, GatedRows: g.Gated, Tested: []jsonTested{},
		Failures: []jsonFailure{}, Warnings: g.Warnings}
	for _, t := range g.Tested {
		jg.Tested = append(jg.Tested, jsonTested{t.Endpoint, t.Metric, number(t.P), number(t.AdjustedP), t.Rejected})
	}
	for _, f := range g.Failures {
		jg.Failures = append(jg.Failures, jsonFailure{f.Endpoint, f.Metric, f.Kind, f.Reason})
	}
	return jg
}
