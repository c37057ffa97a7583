package compare

import (
	"encoding/json"
	"io"
	"math"
	"strconv"

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
		NeedRuns        int           `json:"need_runs"`
		RecommendedRuns int           `json:"recommended_runs"`
		TooFewRuns      bool          `json:"too_few_runs"`
		Warnings        []string      `json:"warnings,omitempty"`
		Rows            []jsonRow     `json:"rows"`
		Hotspots        []jsonHotspot `json:"hotspots"`
		Gate            *jsonGate     `json:"gate,omitempty"`
	}
	jsonStat struct {
		Center number `json:"center"`
		Lo     number `json:"lo"`
		Hi     number `json:"hi"`
		N      int    `json:"n"`
	}
	jsonRow struct {
		Endpoint    string   `json:"endpoint"`
		Metric      string   `json:"metric"`
		Base        jsonStat `json:"base"`
		Candidate   jsonStat `json:"candidate"`
		Delta       number   `json:"delta"`
		P           number   `json:"p"`
		Significant bool     `json:"significant"`
		Change      string   `json:"change"`
		TooFewRuns  bool     `json:"too_few_runs,omitempty"`
		Warnings    []string `json:"warnings,omitempty"`
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
		P              number `json:"p"`
		Change         string `json:"change"`
		Missing        string `json:"missing,omitempty"`
	}
	jsonGate struct {
		Pass     bool          `json:"pass"`
		Alpha    float64       `json:"alpha"`
		Blind    bool          `json:"blind"`
		Failures []jsonFailure `json:"failures"`
		Warnings []string      `json:"warnings,omitempty"`
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
		NeedRuns: c.NeedRuns, RecommendedRuns: c.RecommendedRuns, TooFewRuns: c.TooFewRuns,
		Warnings: c.Warnings,
		Rows:     []jsonRow{},
		Hotspots: []jsonHotspot{},
	}
	stat := func(s Stat) jsonStat { return jsonStat{number(s.Center), number(s.Lo), number(s.Hi), s.N} }
	for _, r := range c.Rows {
		j.Rows = append(j.Rows, jsonRow{
			Endpoint: r.Endpoint, Metric: r.Metric, Base: stat(r.Base), Candidate: stat(r.Candidate),
			Delta: number(r.Delta), P: number(r.P), Significant: r.Significant, Change: r.Change,
			TooFewRuns: r.TooFewRuns, Warnings: r.Warnings,
		})
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
				P: number(f.P), Change: f.Change, Missing: f.Missing,
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
	jg := &jsonGate{Pass: g.Pass, Alpha: g.Alpha, Blind: g.Blind, Failures: []jsonFailure{}, Warnings: g.Warnings}
	for _, f := range g.Failures {
		jg.Failures = append(jg.Failures, jsonFailure{f.Endpoint, f.Metric, f.Kind, f.Reason})
	}
	return jg
}
