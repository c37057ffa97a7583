package compare

import (
	"fmt"
	"io"
	"strings"

	"github.com/hotbench/hotbench/metric"
)

// writeText writes a benchstat-like table per endpoint, the hotspot
// verdicts and the gate's decision.
func writeText(w io.Writer, c *Comparison, g *GateResult) error {
	var b strings.Builder
	fmt.Fprintf(&b, "hotbench compare: %s → %s\n", c.Base, c.Candidate)
	fmt.Fprintf(&b, "medians of per-run values with %g%% confidence intervals; error rates pooled over runs; changes need p ≤ %g; %d+%d valid runs\n",
		c.Confidence*100, c.Alpha, c.BaseRuns, c.CandidateRuns)
	for _, warn := range c.Warnings {
		fmt.Fprintf(&b, "WARNING: %s\n", warn)
	}
	if g != nil {
		for _, warn := range g.Warnings {
			fmt.Fprintf(&b, "WARNING: %s\n", warn)
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}

	fails := failuresOf(g)
	for _, e := range c.Endpoints() {
		if _, err := io.WriteString(w, "\n"); err != nil {
			return err
		}
		if err := endpointText(w, e, rowsOf(c, e), fails); err != nil {
			return err
		}
	}

	b.Reset()
	if len(c.Rows) > 0 {
		fmt.Fprintf(&b, "\n%s\n", perRowNote(c, g))
	}
	if len(c.Hotspots) > 0 {
		b.WriteString("\nhotspots\n")
		for _, h := range c.Hotspots {
			fmt.Fprintf(&b, "  %s (%s %s): %s\n", h.Name, h.Endpoint, h.Metric, h.Verdict)
			fmt.Fprintf(&b, "    %s\n", h.Evidence)
			if h.ObjectiveMet != nil {
				state := "not met"
				if *h.ObjectiveMet {
					state = "met"
				}
				fmt.Fprintf(&b, "    objective %s %s: %s\n", h.Metric, h.Objective, state)
			}
		}
	}
	if g != nil {
		b.WriteString("\n" + gateLine(g) + "\n")
		for _, f := range g.Failures {
			fmt.Fprintf(&b, "  %s %s: %s\n", f.Endpoint, f.Metric, f.Reason)
		}
		if g.Inconclusive && len(g.Failures) > 0 {
			fmt.Fprintf(&b, "  also %s\n", g.InconclusiveReason)
		}
		fmt.Fprintf(&b, "  %s\n", familyLine(g))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// gateLine is the one-line decision: failures first, then an
// inconclusive gate, which is no pass.
func gateLine(g *GateResult) string {
	switch {
	case len(g.Failures) > 0:
		n := len(g.Failures)
		return fmt.Sprintf("gate: FAIL (%d %s)", n, plural(n, "failure", "failures"))
	case g.Inconclusive:
		return "gate: INCONCLUSIVE (" + strings.TrimPrefix(g.InconclusiveReason, "inconclusive: ") + ")"
	}
	return "gate: PASS"
}

// familyLine says how the gate controls its false alarms.
func familyLine(g *GateResult) string {
	if g.Gated == 0 {
		return "no row was gated for regressions; SLOs were checked"
	}
	if g.Correction != CorrectionHolm && g.Correction != "" {
		// Another decision (ab's sequential test) says how it holds alpha.
		return fmt.Sprintf("regressions decided by %s at overall alpha %g; SLOs checked on the candidate", g.Correction, g.Alpha)
	}
	return fmt.Sprintf("regressions tested on %d %s at family-wise alpha %g (Holm's step-down method); SLOs checked on the candidate",
		g.Gated, plural(g.Gated, "row", "rows"), g.Alpha)
}

// perRowNote marks the table's p-values as benchstat's, per row.
func perRowNote(c *Comparison, g *GateResult) string {
	s := fmt.Sprintf("p-values are per row, as benchstat prints them, not corrected for comparing %d %s at once; error_rate rows pool all requests of the valid runs (Fisher's exact test)",
		len(c.Rows), plural(len(c.Rows), "row", "rows"))
	if g != nil && (g.Correction == CorrectionHolm || g.Correction == "") {
		return s + "; the gate corrects for the rows it gates (Holm)"
	}
	if g != nil {
		return s + "; the gate decides on its own test, below"
	}
	return s
}

func endpointText(w io.Writer, endpoint string, rows []Row, fails map[[2]string][]Failure) error {
	t := table{right: []bool{false, true, false, true, false, true, false, false}}
	t.add(endpoint, "base", "", "candidate", "", "", "", "")
	t.add("", "median", "± CI", "median", "± CI", "vs base", "", "")
	var notes footnotes
	shares := false
	emit := func(r Row) {
		c := rowCells(r)
		var note []string
		if r.Change != NoChange {
			note = append(note, string(r.Change))
		}
		if len(fails[[2]string{r.Endpoint, r.Metric}]) > 0 {
			note = append(note, "FAIL")
		}
		if m := notes.mark(r.Warnings); m != "" {
			note = append(note, m)
		}
		t.add(r.Metric, c.base, c.baseCI, c.cand, c.candCI, c.delta, "("+c.pn+")", strings.Join(note, " "))
	}
	for _, r := range rows {
		if metric.IsShare(r.Metric) {
			shares = true
			continue
		}
		emit(r)
	}
	if gm := latencyGeomean(rows); gm.ok || gm.ratioOK {
		base, cand, ratio := "?", "?", "?"
		if gm.ok {
			base, cand = metric.Format(gm.base, metric.Seconds), metric.Format(gm.cand, metric.Seconds)
		}
		if gm.ratioOK {
			ratio = formatChange(gm.ratio - 1)
		}
		t.add("geomean", base, "", cand, "", ratio, "", "")
	}
	if shares {
		t.add("profile shares", "", "", "", "", "", "", "")
		for _, r := range rows {
			if metric.IsShare(r.Metric) {
				emit(r)
			}
		}
	}
	if err := t.write(w, ""); err != nil {
		return err
	}
	var b strings.Builder
	for i, n := range notes.list {
		fmt.Fprintf(&b, "%s %s\n", superscript(i+1), n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
