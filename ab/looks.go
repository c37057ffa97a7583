package ab

import (
	"fmt"
	"math"
	"strings"

	"github.com/hotbench/hotbench/ab/sequential"
	"github.com/hotbench/hotbench/compare"
	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// Look is the evidence at one planned look.
type Look struct {
	// Index counts looks from 1; Of is the number planned; Blocks the
	// blocks seen; Level the nominal two-sided level of each gated row's
	// test at this look (the design's, over Gated rows).
	Index, Of, Blocks int
	Level             float64
	Gated             int
	Rows              []RowDecision
	// Stop is true when the session ends here; Summary says why (or what
	// is still open).
	Stop    bool
	Summary string
}

// RowDecision is one gated row at a look.
type RowDecision struct {
	Endpoint, Metric string
	// Decision is the sequential test's; for error-rate rows, tested on
	// pooled counts with Fisher's exact test at the look's level.
	Decision sequential.Decision
	// Ratio is the candidate over the base (the geometric mean of the
	// blocks' ratios) with its interval at the look's level; error-rate
	// rows hold the pooled rates' difference in Diff instead.
	Ratio, Lo, Hi float64
	Diff          float64
	P             float64
	Blocks        int
	// Allowance is the row's max_regression.
	Allowance scenarios.Quantity
	Sentence  string
}

// decider holds the sequential design and the gate's policy.
type decider struct {
	policy compare.Policy
	alpha  float64
	// plan says which numbers of blocks are looks (the looks do not depend
	// on alpha); design is built at the first look, when the gated family
	// is known, with its share of alpha.
	minB, maxB int
	plan       sequential.Design
	design     *sequential.Design
	gated      int
}

func newDecider(policy compare.Policy, minB, maxB int) (*decider, error) {
	alpha := policy.Alpha
	if alpha == 0 {
		alpha = compare.DefaultAlpha
	}
	// Built now, with the family's size unknown, so a bad --max-runs is
	// said before any build.
	plan, err := sequential.NewDesign(alpha, minB, maxB)
	if err != nil {
		return nil, err
	}
	return &decider{policy: policy, alpha: alpha, minB: minB, maxB: maxB, plan: plan}, nil
}

// look judges the evidence after blocks blocks when that is a planned look.
func (d *decider) look(blocks int, a, b *sideState) (Look, bool) {
	k, ok := d.plan.Look(blocks)
	if !ok {
		return Look{}, false
	}
	family, cmp := d.family(a, b)
	if d.design == nil {
		// Bonferroni over the gated rows: each row's sequential test runs
		// at alpha/m (see the package documentation).
		d.gated = max(len(family), 1)
		des, err := sequential.NewDesign(sequential.PerMetricAlpha(d.alpha, d.gated), d.minB, d.maxB)
		if err != nil {
			return Look{}, false
		}
		d.design = &des
	}
	level := d.design.Level(k)
	look := Look{Index: k, Of: len(d.design.Looks()), Blocks: blocks, Level: level, Gated: d.gated}
	open, regressed := 0, 0
	for _, tr := range family {
		allow, _ := d.policy.Allowance(tr.Endpoint, tr.Metric)
		var rd RowDecision
		if row := cmp.Row(tr.Endpoint, tr.Metric); row != nil && row.Test == compare.TestFisher {
			rd = errorRateDecision(*row, allow, level, blocks)
		} else {
			rd = d.blockDecision(tr.Endpoint, tr.Metric, allow, a, b)
		}
		switch rd.Decision {
		case sequential.Undecided:
			open++
		case sequential.Regressed:
			regressed++
		}
		look.Rows = append(look.Rows, rd)
	}
	last := k == len(d.design.Looks())
	switch {
	case regressed > 0:
		look.Stop = true
		look.Summary = "stopped early, a regression is decided: " + sentences(look.Rows, sequential.Regressed)
	case open == 0:
		look.Stop = true
		look.Summary = fmt.Sprintf("stopped after %d blocks at look %d of %d: every gated row is decided (%s)",
			blocks, k, look.Of, tally(look.Rows))
	case last:
		look.Stop = true
		look.Summary = fmt.Sprintf("ran all %d blocks: %s still undecided, so no significant regression",
			blocks, plural(open, "gated row", "gated rows"))
	default:
		look.Summary = fmt.Sprintf("%s undecided (%s): going on", plural(open, "gated row", "gated rows"), tally(look.Rows))
	}
	return look, true
}

// family is the gate's family of gated rows on the runs so far, and the
// comparison it came from.
func (d *decider) family(a, b *sideState) ([]compare.TestedRow, *compare.Comparison) {
	base, cand := a.session.Run(), b.session.Run()
	c, err := compare.Compare([]*results.Run{base}, []*results.Run{cand},
		compare.Options{Alpha: d.alpha, Metrics: d.policy.Metrics(), Force: true})
	if err != nil {
		return nil, &compare.Comparison{}
	}
	g := compare.Gate(c, d.policy)
	return g.Tested, c
}

// blockDecision runs the blocked sequential test on one row's values. A
// block where a side has no valid value is passed empty, and the test
// leaves it out.
func (d *decider) blockDecision(endpoint, name string, allow scenarios.Quantity, a, b *sideState) RowDecision {
	var blocks []sequential.Block
	for i := range min(len(a.blocks), len(b.blocks)) {
		va, _ := blockValues(a, i, endpoint, name)
		vb, _ := blockValues(b, i, endpoint, name)
		blocks = append(blocks, sequential.Block{A: va, B: vb})
	}
	higher := false
	if m, err := metric.Parse(name); err == nil {
		higher = m.HigherIsBetter()
	}
	allowance := allow.Value
	if !allow.Relative && allow.Value != 0 {
		// An absolute allowance as a share of the base's level.
		if lvl := baseLevel(blocks); lvl > 0 {
			allowance = allow.Value / lvl
		}
	}
	rd := RowDecision{Endpoint: endpoint, Metric: name, Allowance: allow, Ratio: math.NaN(), Lo: math.NaN(), Hi: math.NaN(), P: math.NaN()}
	v, err := d.design.Decide(sequential.Criterion{Metric: label(endpoint, name), Allowance: allowance, HigherIsBetter: higher}, blocks)
	if err != nil {
		rd.Sentence = label(endpoint, name) + ": " + err.Error()
		return rd
	}
	rd.Decision, rd.Ratio, rd.Lo, rd.Hi, rd.P, rd.Blocks = v.Decision, v.Ratio, v.Lo, v.Hi, v.P, v.N
	rd.Sentence = v.String()
	return rd
}

// blockValues are side s's valid values in block i: every one of its
// repetitions there must be valid, or the block is left out for all rows.
func blockValues(s *sideState, i int, endpoint, name string) ([]float64, bool) {
	run := s.session.Run()
	var v []float64
	for _, idx := range s.blocks[i] {
		rep := &run.Repetitions[idx]
		if !rep.Valid() {
			return nil, false
		}
		x, ok := value(rep, endpoint, name)
		if !ok {
			return nil, false
		}
		v = append(v, x)
	}
	return v, len(v) > 0
}

// value is a repetition's value of a comparison row: the server's rows
// (compare.ServerEndpoint) are read through any endpoint, since server
// statistics cover the whole window.
func value(rep *results.Repetition, endpoint, name string) (float64, bool) {
	if endpoint == compare.ServerEndpoint && len(rep.Endpoints) > 0 {
		endpoint = rep.Endpoints[0].Name
	}
	return rep.Value(endpoint, name)
}

func baseLevel(blocks []sequential.Block) float64 {
	var s float64
	n := 0
	for _, b := range blocks {
		for _, x := range b.A {
			s += x
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return s / float64(n)
}

// errorRateDecision judges an error-rate row on pooled counts: Fisher's
// p against the look's level. Equivalence needs an allowance; with none
// (error_rate: 0), a row where neither side lost a request holds nothing
// open, and any failure keeps it open until a look decides it or the
// session ends.
func errorRateDecision(r compare.Row, allow scenarios.Quantity, level float64, blocks int) RowDecision {
	rd := RowDecision{Endpoint: r.Endpoint, Metric: r.Metric, P: r.P, Allowance: allow,
		Diff: r.Candidate.Center - r.Base.Center, Blocks: blocks, Ratio: math.NaN()}
	counts := fmt.Sprintf("%d/%d → %d/%d requests failed", r.Base.Errors, r.Base.Requests, r.Candidate.Errors, r.Candidate.Requests)
	switch {
	case !math.IsNaN(r.P) && r.P <= level && rd.Diff > allow.Value:
		rd.Decision = sequential.Regressed
		rd.Sentence = fmt.Sprintf("%s error rate regressed: %s, Fisher p=%.2g ≤ %.2g", r.Endpoint, counts, r.P, level)
	case !math.IsNaN(r.P) && r.P <= level && rd.Diff < 0:
		rd.Decision = sequential.Improved
		rd.Sentence = fmt.Sprintf("%s error rate improved: %s, Fisher p=%.2g ≤ %.2g", r.Endpoint, counts, r.P, level)
	case r.Base.Errors == 0 && r.Candidate.Errors == 0:
		rd.Decision = sequential.Equivalent
		rd.Sentence = fmt.Sprintf("%s error rate: no request failed on either side", r.Endpoint)
	default:
		rd.Decision = sequential.Undecided
		rd.Sentence = fmt.Sprintf("%s error rate: %s, Fisher p=%.2g > %.2g", r.Endpoint, counts, r.P, level)
	}
	return rd
}

func label(endpoint, name string) string {
	m, err := metric.Parse(name)
	if err != nil {
		return endpoint + " " + name
	}
	return endpoint + " " + m.Label
}

func sentences(rows []RowDecision, d sequential.Decision) string {
	var out []string
	for _, r := range rows {
		if r.Decision == d {
			out = append(out, r.Sentence)
		}
	}
	return strings.Join(out, "; ")
}

func tally(rows []RowDecision) string {
	counts := map[sequential.Decision]int{}
	var order []sequential.Decision
	for _, r := range rows {
		if counts[r.Decision] == 0 {
			order = append(order, r.Decision)
		}
		counts[r.Decision]++
	}
	var parts []string
	for _, d := range order {
		parts = append(parts, fmt.Sprintf("%d %v", counts[d], d))
	}
	return strings.Join(parts, ", ")
}
