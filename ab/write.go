package ab

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/hotbench/hotbench/compare"
	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
)

// SessionJSON is the "ab" object of `ab --json`.
type SessionJSON struct {
	Blocks    int        `json:"blocks"`
	Order     []string   `json:"order"`
	Seed      int64      `json:"seed"`
	Stopped   string     `json:"stopped"`
	Base      SourceJSON `json:"base"`
	Candidate SourceJSON `json:"candidate"`
	Looks     []LookJSON `json:"looks"`
}

// SourceJSON is one side's build and stored run.
type SourceJSON struct {
	Ref    string `json:"ref"`
	Commit string `json:"commit"`
	Dirty  bool   `json:"dirty,omitempty"`
	Run    string `json:"run"`
}

// LookJSON is one look: its level and each gated row's decision.
type LookJSON struct {
	Look   int           `json:"look"`
	Of     int           `json:"of"`
	Blocks int           `json:"blocks"`
	Level  float64       `json:"level"`
	Stop   bool          `json:"stop"`
	Rows   []LookRowJSON `json:"rows"`
}

// LookRowJSON is a gated row at a look; ratio and its interval are the
// candidate over the base (null for error-rate rows, which carry diff).
type LookRowJSON struct {
	Endpoint string          `json:"endpoint"`
	Metric   string          `json:"metric"`
	Decision string          `json:"decision"`
	Ratio    *compare.Number `json:"ratio"`
	Lo       *compare.Number `json:"lo"`
	Hi       *compare.Number `json:"hi"`
	Diff     *compare.Number `json:"diff,omitempty"`
	P        compare.Number  `json:"p"`
	Blocks   int             `json:"blocks"`
}

// Session is the result's "ab" object.
func (r *Result) Session() SessionJSON {
	s := SessionJSON{Blocks: r.Blocks, Order: r.Order, Seed: r.Seed, Stopped: r.Stopped}
	for i, run := range []*SourceJSON{&s.Base, &s.Candidate} {
		rr := r.Base
		if i == 1 {
			rr = r.Candidate
		}
		if rr == nil {
			continue
		}
		run.Run = rr.Ref()
		if rr.AB != nil {
			run.Ref, run.Commit, run.Dirty = rr.AB.Ref, rr.AB.Commit, rr.AB.Dirty
		}
	}
	num := func(v float64) *compare.Number {
		if math.IsNaN(v) {
			return nil
		}
		n := compare.Number(v)
		return &n
	}
	for _, l := range r.Looks {
		lj := LookJSON{Look: l.Index, Of: l.Of, Blocks: l.Blocks, Level: l.Level, Stop: l.Stop, Rows: []LookRowJSON{}}
		for _, row := range l.Rows {
			rj := LookRowJSON{Endpoint: row.Endpoint, Metric: row.Metric, Decision: row.Decision.String(),
				Ratio: num(row.Ratio), Lo: num(row.Lo), Hi: num(row.Hi), P: compare.Number(row.P), Blocks: row.Blocks}
			if row.Metric == metric.ErrorRate {
				rj.Diff = num(row.Diff)
			}
			lj.Rows = append(lj.Rows, rj)
		}
		s.Looks = append(s.Looks, lj)
	}
	if s.Order == nil {
		s.Order = []string{}
	}
	return s
}

// Write prints the session in a format of compare.Formats: compare's
// table, hotspot verdicts and gate, then (text, markdown) the session's
// blocks and looks, or (json) compare's object with "ab" added.
func Write(w io.Writer, r *Result, gate bool, format string) error {
	var g *compare.GateResult
	if gate {
		g = &r.Gate
	}
	if format == "json" {
		v := compare.NewVerdictJSON(r.Comparison, g)
		if v.Gate == nil {
			// The session decided with the gate's policy either way: show it.
			v.Gate = compare.NewVerdictJSON(r.Comparison, &r.Gate).Gate
		}
		raw, err := json.Marshal(r.Session())
		if err != nil {
			return err
		}
		v.AB = raw
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	if format == "junit" {
		return compare.Write(w, r.Comparison, &r.Gate, format)
	}
	if err := compare.Write(w, r.Comparison, g, format); err != nil {
		return err
	}
	if format == "markdown" {
		_, err := io.WriteString(w, "\n"+r.markdown())
		return err
	}
	_, err := io.WriteString(w, "\n"+r.text())
	return err
}

// text is the session's part of the text output.
func (r *Result) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ab: base %s against candidate %s: %s interleaved (%s), seed %d\n",
		sideName(r.Base), sideName(r.Candidate), plural(r.Blocks, "block", "blocks"), strings.Join(r.Order, " "), r.Seed)
	fmt.Fprintf(&b, "ab: %s\n", r.Stopped)
	if len(r.Looks) > 0 {
		l := r.Looks[len(r.Looks)-1]
		fmt.Fprintf(&b, "ab: the decision (blocked t-test on log ratios within blocks, level %.3g at look %d of %d, Bonferroni over %s):\n",
			l.Level, l.Index, l.Of, plural(l.Gated, "gated row", "gated rows"))
		for _, row := range l.Rows {
			fmt.Fprintf(&b, "  %-16v %s\n", row.Decision, row.Sentence)
		}
	}
	if !r.Gate.Pass {
		fmt.Fprintf(&b, "ab: gate %s\n", gateWord(r.Gate))
	} else {
		b.WriteString("ab: gate pass\n")
	}
	return b.String()
}

// markdown is the session's part of a pull-request comment.
func (r *Result) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "**ab:** base %s against candidate %s: %s interleaved (`%s`), seed `%d`. %s.\n\n",
		sideName(r.Base), sideName(r.Candidate), plural(r.Blocks, "block", "blocks"), strings.Join(r.Order, " "), r.Seed, capitalize(r.Stopped))
	if len(r.Looks) > 0 {
		l := r.Looks[len(r.Looks)-1]
		fmt.Fprintf(&b, "| gated row | decision | evidence |\n|---|---|---|\n")
		for _, row := range l.Rows {
			fmt.Fprintf(&b, "| %s %s | %v | %s |\n", row.Endpoint, row.Metric, row.Decision, strings.ReplaceAll(row.Sentence, "|", "\\|"))
		}
		fmt.Fprintf(&b, "\nBlocked t-test on log ratios within ABBA/BAAB blocks, level %.3g at look %d of %d, Bonferroni over %s.\n",
			l.Level, l.Index, l.Of, plural(l.Gated, "gated row", "gated rows"))
	}
	return b.String()
}

// sideName is a side's ref and short commit: "origin/main (3a53ee4)",
// "working tree (3a53ee4 + changes)".
func sideName(run *results.Run) string {
	if run == nil || run.AB == nil {
		return "?"
	}
	c := run.AB.Commit
	if len(c) > 7 {
		c = c[:7]
	}
	ref := run.AB.Ref
	if ref == "" {
		ref = "working tree"
	}
	if run.AB.Dirty {
		c += " + changes"
	}
	return ref + " (" + c + ")"
}

func gateWord(g compare.GateResult) string {
	if len(g.Failures) > 0 {
		return "FAIL"
	}
	if g.Inconclusive {
		return "INCONCLUSIVE: " + g.InconclusiveReason
	}
	return "pass"
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
