package compare

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// Number is a float64 that JSON writes as null when it is NaN or ±Inf (an
// undefined delta, an interval too wide to bound), which plain
// encoding/json refuses to encode, and reads back from null as NaN.
type Number float64

// MarshalJSON writes n as a JSON number, or null when it is not finite.
func (n Number) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

// UnmarshalJSON reads a JSON number, or null as NaN.
func (n *Number) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = Number(math.NaN())
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*n = Number(f)
	return nil
}

// VerdictJSON is the one schema of a compare or gate verdict in JSON
// (docs/design.md's shape): what Write prints with format "json", what
// `compare --save` and `gate --save` store, and what ReadVerdict reads back
// for the monthly report. Fields may be added, never renamed.
type VerdictJSON struct {
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
	Rows            []RowJSON     `json:"rows"`
	Hotspots        []HotspotJSON `json:"hotspots"`
	// Gate is the gate's decision; nil for a compare.
	Gate *GateJSON `json:"gate,omitempty"`
	// AB is `hotbench ab`'s session (blocks, order, seed, why it stopped,
	// its looks), which package ab defines; nil for compare and gate.
	AB json.RawMessage `json:"ab,omitempty"`
	// Ticket, PR and Note are a saved verdict's fix log (--ticket, --pr
	// and --note with --save): where the work is tracked, the change that
	// made it and what the group learned. Commits are the git commits each
	// side ran (RunCommits). Set by WithFixLog; compare's own output
	// leaves them out.
	Ticket  string       `json:"ticket,omitempty"`
	PR      string       `json:"pr,omitempty"`
	Note    string       `json:"note,omitempty"`
	Commits *CommitsJSON `json:"commits,omitempty"`
}

// CommitsJSON names the git commits each side's runs measured, so a fix
// log can say which commits a fix spans. A run's commit is the one its ab
// record built, else the one of the working directory it ran in; a side
// pooled from runs of several commits lists each once, in run order.
// BaseDirty and CandidateDirty say some run of that side had uncommitted
// changes, so its commit alone does not say what ran.
type CommitsJSON struct {
	Base           []string `json:"base,omitempty"`
	Candidate      []string `json:"candidate,omitempty"`
	BaseDirty      bool     `json:"base_dirty,omitempty"`
	CandidateDirty bool     `json:"candidate_dirty,omitempty"`
}

// RunCommits returns the commits of two sides' runs, or nil when no run
// recorded a commit (hotbench ran outside a git repository).
func RunCommits(base, cand []*results.Run) *CommitsJSON {
	side := func(runs []*results.Run) (commits []string, dirty bool) {
		for _, r := range runs {
			commit, d := r.Git.Commit, r.Git.Dirty
			if r.AB != nil && r.AB.Commit != "" {
				commit, d = r.AB.Commit, r.AB.Dirty
			}
			if commit != "" && !slices.Contains(commits, commit) {
				commits = append(commits, commit)
			}
			dirty = dirty || d
		}
		return commits, dirty
	}
	var c CommitsJSON
	c.Base, c.BaseDirty = side(base)
	c.Candidate, c.CandidateDirty = side(cand)
	if len(c.Base) == 0 && len(c.Candidate) == 0 {
		return nil
	}
	return &c
}

// FixLog is what a saved verdict records of the fix it measured, for the
// month report's fix log: see VerdictJSON's fields of the same names.
type FixLog struct {
	Ticket, PR, Note string
	Commits          *CommitsJSON
}

// WithFixLog returns a verdict's JSON (what Write prints as "json", or
// ab's, which adds its session) with the fix log's fields set, indented
// as Write indents it; every other field is kept as it was. Text is
// trimmed; an empty field and nil Commits leave the verdict's own value.
func WithFixLog(data []byte, f FixLog) ([]byte, error) {
	v, err := ReadVerdict(data)
	if err != nil {
		return nil, err
	}
	for _, set := range []struct {
		to  *string
		val string
	}{{&v.Ticket, f.Ticket}, {&v.PR, f.PR}, {&v.Note, f.Note}} {
		if t := strings.TrimSpace(set.val); t != "" {
			*set.to = t
		}
	}
	if f.Commits != nil {
		v.Commits = f.Commits
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("verdict with its fix log: %w", err)
	}
	return buf.Bytes(), nil
}

// StatJSON is one side of a row. Errors and Requests are the pooled
// counts of an error_rate row (Fisher's test), nil otherwise.
type StatJSON struct {
	Center   Number `json:"center"`
	Lo       Number `json:"lo"`
	Hi       Number `json:"hi"`
	N        int    `json:"n"`
	Errors   *int64 `json:"errors,omitempty"`
	Requests *int64 `json:"requests,omitempty"`
}

// RowJSON is a Row: one (endpoint, metric) of both sides.
type RowJSON struct {
	Endpoint      string   `json:"endpoint"`
	Metric        string   `json:"metric"`
	Base          StatJSON `json:"base"`
	Candidate     StatJSON `json:"candidate"`
	Delta         Number   `json:"delta"`
	DeltaPP       *Number  `json:"delta_pp,omitempty"`
	P             Number   `json:"p"`
	Test          string   `json:"test,omitempty"`
	Significant   bool     `json:"significant"`
	Change        Change   `json:"change"`
	TooFewRuns    bool     `json:"too_few_runs,omitempty"`
	Input         bool     `json:"input,omitempty"`
	Target        *Number  `json:"target,omitempty"`
	MinSamples    *int64   `json:"min_samples,omitempty"`
	TooFewSamples bool     `json:"too_few_samples,omitempty"`
	Warnings      []string `json:"warnings,omitempty"`
}

// HotspotJSON is a HotspotVerdict.
type HotspotJSON struct {
	Name         string              `json:"name"`
	Endpoint     string              `json:"endpoint"`
	Metric       string              `json:"metric"`
	Verdict      Verdict             `json:"verdict"`
	Evidence     string              `json:"evidence"`
	Reason       string              `json:"reason,omitempty"`
	Objective    *scenarios.Quantity `json:"objective,omitempty"`
	ObjectiveMet *bool               `json:"objective_met,omitempty"`
	Functions    []FunctionJSON      `json:"functions"`
}

// FunctionJSON is a FunctionChange.
type FunctionJSON struct {
	Name           string `json:"name"`
	Kind           string `json:"kind"`
	BaseShare      Number `json:"base_share"`
	CandidateShare Number `json:"candidate_share"`
	DeltaPP        Number `json:"delta_pp"`
	P              Number `json:"p"`
	Change         Change `json:"change"`
	MinSamples     int64  `json:"min_samples"`
	TooFewSamples  bool   `json:"too_few_samples,omitempty"`
	Note           string `json:"note,omitempty"`
	Missing        string `json:"missing,omitempty"`
}

// GateJSON is a GateResult.
type GateJSON struct {
	Pass  bool    `json:"pass"`
	Alpha float64 `json:"alpha"`
	// Blind is the field's name before issue 8; it now says what
	// inconclusive says.
	Blind              bool          `json:"blind"`
	Inconclusive       bool          `json:"inconclusive"`
	InconclusiveReason string        `json:"inconclusive_reason,omitempty"`
	Correction         string        `json:"correction"`
	GatedRows          int           `json:"gated_rows"`
	Tested             []TestedJSON  `json:"tested"`
	Failures           []FailureJSON `json:"failures"`
	Warnings           []string      `json:"warnings,omitempty"`
}

// TestedJSON is a TestedRow.
type TestedJSON struct {
	Endpoint  string `json:"endpoint"`
	Metric    string `json:"metric"`
	P         Number `json:"p"`
	AdjustedP Number `json:"adjusted_p"`
	Rejected  bool   `json:"rejected"`
}

// FailureJSON is a Failure.
type FailureJSON struct {
	Endpoint string `json:"endpoint"`
	Metric   string `json:"metric"`
	Kind     string `json:"kind"`
	Reason   string `json:"reason"`
}

// ReadVerdict reads a verdict that Write printed as JSON (a saved one,
// say). It accepts any JSON object with a "base" field: fields it does not
// know are ignored, since a newer hotbench may have added them, and fields
// an older one had not written yet stay zero.
func ReadVerdict(data []byte) (*VerdictJSON, error) {
	var probe struct {
		Base *string `json:"base"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("not a compare or gate verdict: %w", err)
	}
	if probe.Base == nil {
		return nil, errors.New("not a compare or gate verdict: it has no \"base\" field")
	}
	var v VerdictJSON
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("not a compare or gate verdict: %w", err)
	}
	return &v, nil
}

// MarshalJSON writes docs/design.md's compare shape, without the gate.
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

// NewVerdictJSON is the JSON of a comparison and, when g is not nil, the
// gate's decision: what Write prints as "json", for callers that add to it
// (ab adds its session).
func NewVerdictJSON(c *Comparison, g *GateResult) VerdictJSON { return toJSON(c, g) }

func toJSON(c *Comparison, g *GateResult) VerdictJSON {
	j := VerdictJSON{
		Base: c.Base, Candidate: c.Candidate, Alpha: c.Alpha, Confidence: c.Confidence, Scenario: c.Scenario,
		BasePaths: c.BasePaths, CandidatePaths: c.CandidatePaths,
		BaseRuns: c.BaseRuns, CandidateRuns: c.CandidateRuns,
		BaseLeftOut: c.LeftOut.Base, CandLeftOut: c.LeftOut.Candidate,
		// The table's p-values are per row, as benchstat's; the gate's
		// correction is in gate.correction.
		PCorrection: "none",
		NeedRuns:    c.NeedRuns, RecommendedRuns: c.RecommendedRuns, TooFewRuns: c.TooFewRuns,
		Warnings: c.Warnings,
		Rows:     []RowJSON{},
		Hotspots: []HotspotJSON{},
	}
	for _, r := range c.Rows {
		counted := r.Test == TestFisher
		stat := func(s Stat) StatJSON {
			js := StatJSON{Center: Number(s.Center), Lo: Number(s.Lo), Hi: Number(s.Hi), N: s.N}
			if counted {
				js.Errors, js.Requests = &s.Errors, &s.Requests
			}
			return js
		}
		jr := RowJSON{
			Endpoint: r.Endpoint, Metric: r.Metric, Base: stat(r.Base), Candidate: stat(r.Candidate),
			Delta: Number(r.Delta), P: Number(r.P), Test: r.Test, Significant: r.Significant, Change: r.Change,
			TooFewRuns: r.TooFewRuns, Input: r.Input, TooFewSamples: r.TooFewSamples, Warnings: r.Warnings,
		}
		if inPP(r) {
			pp := Number(r.DeltaPP)
			jr.DeltaPP = &pp
		}
		if r.Input {
			t := Number(r.Target)
			jr.Target = &t
		}
		if metric.IsShare(r.Metric) {
			ms := r.MinSamples
			jr.MinSamples = &ms
		}
		j.Rows = append(j.Rows, jr)
	}
	for _, h := range c.Hotspots {
		jh := HotspotJSON{
			Name: h.Name, Endpoint: h.Endpoint, Metric: h.Metric, Verdict: h.Verdict,
			Evidence: h.Evidence, Reason: h.Reason, ObjectiveMet: h.ObjectiveMet,
			Functions: []FunctionJSON{},
		}
		if h.Objective != (scenarios.Quantity{}) {
			o := h.Objective
			jh.Objective = &o
		}
		for _, f := range h.Functions {
			jh.Functions = append(jh.Functions, FunctionJSON{
				Name: f.Name, Kind: f.Kind, BaseShare: Number(f.BaseShare), CandidateShare: Number(f.CandidateShare),
				DeltaPP: Number(f.DeltaPP), P: Number(f.P), Change: f.Change,
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

func gateJSON(g *GateResult) *GateJSON {
	jg := &GateJSON{Pass: g.Pass, Alpha: g.Alpha, Blind: g.Inconclusive,
		Inconclusive: g.Inconclusive, InconclusiveReason: g.InconclusiveReason,
		Correction: g.Correction, GatedRows: g.Gated, Tested: []TestedJSON{},
		Failures: []FailureJSON{}, Warnings: g.Warnings}
	for _, t := range g.Tested {
		jg.Tested = append(jg.Tested, TestedJSON{t.Endpoint, t.Metric, Number(t.P), Number(t.AdjustedP), t.Rejected})
	}
	for _, f := range g.Failures {
		jg.Failures = append(jg.Failures, FailureJSON{f.Endpoint, f.Metric, f.Kind, f.Reason})
	}
	return jg
}
