package compare

import (
	"fmt"
	"io"
	"math"
	"strings"
	"unicode/utf8"

	"golang.org/x/perf/benchmath"

	"github.com/hotbench/hotbench/metric"
)

// Formats lists the output formats Write accepts.
var Formats = []string{"text", "markdown", "json", "junit"}

// Write writes the comparison, and the gate's decision when g is not nil,
// in one of Formats.
func Write(w io.Writer, c *Comparison, g *GateResult, format string) error {
	if c == nil {
		return fmt.Errorf("nothing to write: no comparison")
	}
	var err error
	switch format {
	case "text":
		err = writeText(w, c, g)
	case "markdown":
		err = writeMarkdown(w, c, g)
	case "json":
		err = writeJSON(w, c, g)
	case "junit":
		err = writeJUnit(w, c, g)
	default:
		return fmt.Errorf("unknown format %q: use one of %s", format, strings.Join(Formats, ", "))
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", format, err)
	}
	return nil
}

// cells is a row's values formatted for tables.
type cells struct {
	base, cand     string
	baseCI, candCI string // "± 8%", or "[0%, 0.0192%]" for a pooled rate
	delta          string // "-8.33%", "+4.17 pp", "~", "? (n too small)", "input"
	pn             string // benchstat's "p=0.000 n=10", or what stands in for it
}

func rowCells(r Row) cells {
	c := cells{
		base:   formatValue(r.Metric, r.Base.Center),
		baseCI: ciString(r.Metric, r.Test, r.Base),
		cand:   formatValue(r.Metric, r.Candidate.Center),
		candCI: ciString(r.Metric, r.Test, r.Candidate),
		pn:     pnString(r),
	}
	switch {
	case r.Input:
		c.delta = "input"
	case r.TooFewSamples:
		c.delta = fmt.Sprintf("too few samples (%d)", r.MinSamples)
	case r.TooFewRuns:
		c.delta = "? (n too small)"
	case !r.Significant:
		c.delta = "~"
	case inPP(r):
		c.delta = formatPP(r.DeltaPP)
	default:
		c.delta = formatChange(r.Delta)
	}
	return c
}

// inPP reports whether a row's change reads in percentage points: profile
// shares and pooled error rates, which are fractions themselves.
func inPP(r Row) bool { return metric.IsShare(r.Metric) || r.Test == TestFisher }

// ciString is benchstat's ± range as a percentage of the center, or for a
// pooled rate its interval, which a percentage of 0 % cannot express.
func ciString(name, test string, s Stat) string {
	if test == TestFisher {
		if math.IsInf(s.Lo, 0) || math.IsInf(s.Hi, 0) {
			return "[?]"
		}
		return "[" + formatValue(name, s.Lo) + ", " + formatValue(name, s.Hi) + "]"
	}
	return "± " + benchmath.Summary{Center: s.Center, Lo: s.Lo, Hi: s.Hi}.PctRangeString()
}

// pnString is benchmath's "p=0.000 n=10" (or "n=3+4"); pooled rates show
// their counts, rows without a test say so.
func pnString(r Row) string {
	switch {
	case r.Input:
		return "target " + formatTarget(r.Target)
	case math.IsNaN(r.P):
		return benchmath.Comparison{N1: r.Base.N, N2: r.Candidate.N}.String() + ", not tested"
	case r.Test == TestFisher:
		return fmt.Sprintf("p=%0.3f failed %d/%d → %d/%d", r.P, r.Base.Errors, r.Base.Requests, r.Candidate.Errors, r.Candidate.Requests)
	}
	return benchmath.Comparison{P: r.P, N1: r.Base.N, N2: r.Candidate.N}.String()
}

// geomean is benchstat's summary row over an endpoint's latency metrics:
// geomeans of the centers, and the geomean of the per-row ratios.
type geomean struct {
	base, cand, ratio float64
	ok, ratioOK       bool
}

func latencyGeomean(rows []Row) geomean {
	var g geomean
	var lb, lc, lr float64
	n := 0
	g.ok, g.ratioOK = true, true
	for _, r := range rows {
		if m, _ := metric.Lookup(r.Metric); !m.IsLatency() {
			continue
		}
		n++
		b, c := r.Base.Center, r.Candidate.Center
		if b <= 0 || c <= 0 {
			g.ok = false
		} else {
			lb += math.Log(b)
			lc += math.Log(c)
		}
		switch {
		case b == c:
			// benchstat treats 0/0 as 1.
		case b == 0 || c == 0:
			g.ratioOK = false
		default:
			lr += math.Log(c / b)
		}
	}
	if n < 2 {
		return geomean{}
	}
	g.base, g.cand, g.ratio = math.Exp(lb/float64(n)), math.Exp(lc/float64(n)), math.Exp(lr/float64(n))
	return g
}

// failuresOf indexes a gate's failures by endpoint and metric.
func failuresOf(g *GateResult) map[[2]string][]Failure {
	m := map[[2]string][]Failure{}
	if g == nil {
		return m
	}
	for _, f := range g.Failures {
		k := [2]string{f.Endpoint, f.Metric}
		m[k] = append(m[k], f)
	}
	return m
}

func rowsOf(c *Comparison, endpoint string) []Row {
	var rows []Row
	for _, r := range c.Rows {
		if r.Endpoint == endpoint {
			rows = append(rows, r)
		}
	}
	return rows
}

// table lays out cells in aligned columns.
type table struct {
	rows  [][]string
	right []bool // per column
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) write(w io.Writer, indent string) error {
	var width []int
	for _, r := range t.rows {
		for i, c := range r {
			if i >= len(width) {
				width = append(width, 0)
			}
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	var b strings.Builder
	for _, r := range t.rows {
		b.WriteString(indent)
		var line strings.Builder
		for i, c := range r {
			if i > 0 {
				line.WriteString("  ")
			}
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if i < len(t.right) && t.right[i] {
				line.WriteString(pad + c)
			} else {
				line.WriteString(c + pad)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// footnotes numbers distinct warnings, as benchstat does.
type footnotes struct {
	list  []string
	index map[string]int
}

func (f *footnotes) mark(ws []string) string {
	if f.index == nil {
		f.index = map[string]int{}
	}
	var marks []string
	for _, w := range ws {
		i, ok := f.index[w]
		if !ok {
			f.list = append(f.list, w)
			i = len(f.list)
			f.index[w] = i
		}
		marks = append(marks, superscript(i))
	}
	return strings.Join(marks, " ")
}

var superDigits = []rune("⁰¹²³⁴⁵⁶⁷⁸⁹")

func superscript(i int) string {
	var r []rune
	for ; i > 0; i /= 10 {
		r = append([]rune{superDigits[i%10]}, r...)
	}
	if len(r) == 0 {
		return string(superDigits[0])
	}
	return string(r)
}
