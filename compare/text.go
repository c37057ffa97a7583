package compare

import (
	"fmt"
	"io"
	"strings"
)

// writeText writes a benchstat-like table per endpoint, the hotspot
// verdicts and the gate's decision.
func writeText(w io.Writer, c *Comparison, g *GateResult) error {
	var b strings.Builder
	fmt.Fprintf(&b, "hotbench compare: %s → %s\n", c.Base, c.Candidate)
	fmt.Fprintf(&b, "medians of per-run values with %g%% confidence intervals; changes need p ≤ %g; %d+%d runs\n",
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
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// gateLine is the one-line decision, loud when the gate was blind.
func gateLine(g *GateResult) string {
	switch {
	case !g.Pass:
		n := len(g.Failures)
		s := "s"
		if n == 1 {
			s = ""
		}
		return fmt.Sprintf("gate: FAIL (%d failure%s)", n, s)
	case g.Blind:
		return "gate: PASS, BUT BLIND TO REGRESSIONS (too few runs; only SLOs were checked)"
	}
	return "gate: PASS"
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
			note = append(note, r.Change)
		}
		if len(fails[[2]string{r.Endpoint, r.Metric}]) > 0 {
			note = append(note, "FAIL")
		}
		if m := notes.mark(r.Warnings); m != "" {
			note = append(note, m)
		}
		t.add(r.Metric, c.base, "± "+c.baseCI, c.cand, "± "+c.candCI, c.delta, "("+c.pn+")", strings.Join(note, " "))
	}
	for _, r := range rows {
		if isShare(r.Metric) {
			shares = true
			continue
		}
		emit(r)
	}
	if gm := latencyGeomean(rows); gm.ok || gm.ratioOK {
		base, cand, ratio := "?", "?", "?"
		if gm.ok {
			base, cand = formatPair("p50", gm.base, gm.cand)
		}
		if gm.ratioOK {
			ratio = formatDeltaSigned(gm.ratio - 1)
		}
		t.add("geomean", base, "", cand, "", ratio, "", "")
	}
	if shares {
		t.add("profile shares", "", "", "", "", "", "", "")
		for _, r := range rows {
			if isShare(r.Metric) {
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
