package compare

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/hotbench/hotbench/metric"
)

// writeMarkdown writes a pull-request comment: the gate's line, warnings,
// hotspot verdicts, then a table per endpoint.
func writeMarkdown(w io.Writer, c *Comparison, g *GateResult) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## hotbench: %s → %s\n\n", md(c.Base), md(c.Candidate))
	if g != nil {
		switch {
		case len(g.Failures) > 0:
			fmt.Fprintf(&b, "❌ **Gate failed** (%d):\n\n", len(g.Failures))
			for _, f := range g.Failures {
				fmt.Fprintf(&b, "- `%s` %s: %s\n", f.Endpoint, md(f.Metric), md(f.Reason))
			}
			if g.Inconclusive {
				fmt.Fprintf(&b, "- also %s\n", md(g.InconclusiveReason))
			}
			b.WriteString("\n")
		case g.Inconclusive:
			fmt.Fprintf(&b, "❔ **Gate inconclusive**: %s\n\n", md(strings.TrimPrefix(g.InconclusiveReason, "inconclusive: ")))
		default:
			b.WriteString("✅ **Gate passed**\n\n")
		}
		fmt.Fprintf(&b, "<sub>%s.</sub>\n\n", md(capitalize(familyLine(g))))
	}
	var warns []string
	warns = append(warns, c.Warnings...)
	if g != nil {
		warns = append(warns, g.Warnings...)
	}
	for _, warn := range warns {
		fmt.Fprintf(&b, "> ⚠️ %s\n", md(warn))
	}
	if len(warns) > 0 {
		b.WriteString("\n")
	}

	if len(c.Hotspots) > 0 {
		b.WriteString("### Hotspots\n\n| Hotspot | Endpoint | Metric | Verdict | Evidence |\n|---|---|---|---|---|\n")
		for _, h := range c.Hotspots {
			fmt.Fprintf(&b, "| %s | %s | %s | %s %s | %s |\n", md(h.Name), md(h.Endpoint), md(h.Metric), verdictIcon(h.Verdict), h.Verdict, md(h.Evidence))
		}
		b.WriteString("\n")
	}

	fails := failuresOf(g)
	for _, e := range c.Endpoints() {
		rows := rowsOf(c, e)
		fmt.Fprintf(&b, "### %s\n\n| Metric | Base | Candidate | Δ | p | n |\n|---|--:|--:|--:|--:|--:|\n", md(e))
		// Endpoint metrics, their geomean, then the profile shares.
		ordered := slices.DeleteFunc(slices.Clone(rows), func(r Row) bool { return metric.IsShare(r.Metric) })
		nMetrics := len(ordered)
		for _, r := range rows {
			if metric.IsShare(r.Metric) {
				ordered = append(ordered, r)
			}
		}
		for i, r := range ordered {
			if i == nMetrics {
				writeGeomeanMD(&b, rows)
			}
			cl := rowCells(r)
			delta := md(cl.delta)
			switch r.Change {
			case Improved:
				delta = "**" + delta + "** 🟢"
			case Regressed:
				delta = "**" + delta + "** 🔴"
			}
			if len(fails[[2]string{r.Endpoint, r.Metric}]) > 0 {
				delta += " ❌"
			}
			p := formatP(r.P)
			switch {
			case r.Input:
				p = "target " + formatTarget(r.Target)
			case math.IsNaN(r.P):
				p = "not tested"
			case r.Test == TestFisher:
				p += fmt.Sprintf(" (%d/%d → %d/%d failed)", r.Base.Errors, r.Base.Requests, r.Candidate.Errors, r.Candidate.Requests)
			}
			fmt.Fprintf(&b, "| %s | %s %s | %s %s | %s | %s | %d+%d |\n",
				md(r.Metric), cl.base, md(cl.baseCI), cl.cand, md(cl.candCI), delta, p, r.Base.N, r.Candidate.N)
		}
		if nMetrics == len(ordered) {
			writeGeomeanMD(&b, rows)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "<sub>Medians of per-run values with %g%% confidence intervals; a change needs p ≤ %g (Mann–Whitney U, as benchstat); %d+%d valid runs. %s.</sub>\n",
		c.Confidence*100, c.Alpha, c.BaseRuns, c.CandidateRuns, md(capitalize(perRowNote(c, g))))
	_, err := io.WriteString(w, b.String())
	return err
}

// writeGeomeanMD writes benchstat's geomean row over the latency metrics.
func writeGeomeanMD(b *strings.Builder, rows []Row) {
	if gm := latencyGeomean(rows); gm.ok && gm.ratioOK {
		fmt.Fprintf(b, "| geomean | %s | %s | %s | | |\n",
			metric.Format(gm.base, metric.Seconds), metric.Format(gm.cand, metric.Seconds), formatChange(gm.ratio-1))
	}
}

// capitalize upper-cases a sentence's first letter.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func verdictIcon(v Verdict) string {
	switch v {
	case VerdictImproved:
		return "✅"
	case VerdictRegressed:
		return "❌"
	case VerdictInconclusive:
		return "❔"
	}
	return "➖"
}

// mdEscaper keeps names like manuals.(*Store).StepsFor and /a|b/ patterns
// from turning into emphasis or breaking table cells.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`",
	"<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`, "\n", " ")

func md(s string) string { return mdEscaper.Replace(s) }
