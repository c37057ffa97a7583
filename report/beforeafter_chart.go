package report

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/hotbench/hotbench/results"
)

// In a before/after chart the base is grey and the candidate has the HDR
// distribution's blue: the new curve reads as the run report's curve, the
// old one as what it is measured against.
var colBase = rgb(0x7a7a7a)

// objectiveLine is a latency objective drawn across a percentile chart,
// with a mark where its percentile is.
type objectiveLine struct {
	Label    string
	Value    float64 // seconds
	Quantile float64 // 0 for mean and max
}

// percentileOverlayChart draws an endpoint's latency by percentile, base
// and candidate overlaid on HdrHistogram's "nines" axis, each from its
// side's valid repetitions merged, with the hotspots' objectives on it.
// Nil when neither side has a latency.
func percentileOverlayChart(name, endpoint string, base, cand *results.Histogram, baseName, candName string, objectives []objectiveLine) *chart {
	count := func(h *results.Histogram) int64 {
		if h == nil {
			return 0
		}
		return h.Count()
	}
	if count(base) == 0 && count(cand) == 0 {
		return nil
	}
	// The axis ends where the larger side's curve ends: at the percentile
	// its count resolves.
	most := max(count(base), count(cand))
	top := math.Min(5, math.Max(1, math.Log10(float64(most))))
	var bx, by, cx, cy []float64
	if count(base) > 0 {
		bx, by = percentileCurve(base, top)
	}
	if count(cand) > 0 {
		cx, cy = percentileCurve(cand, top)
	}
	highest := maxOf(by, cy)
	for _, o := range objectives {
		highest = math.Max(highest, o.Value)
	}
	u := latencyScale(highest)
	scale := func(y []float64) {
		for i := range y {
			y[i] /= u.Factor
		}
	}
	scale(by)
	scale(cy)
	p := newPlot(endpoint+": latency by percentile, base and candidate", "percentile", "latency ("+u.Unit+")")
	p.X.Tick.Marker = ninesTicks
	if l := line(p, xys(bx, by), colBase, vg.Points(2), nil); l != nil {
		p.Legend.Add(fmt.Sprintf("base %s (%s requests)", baseName, formatCount(count(base))), l)
	}
	if l := line(p, xys(cx, cy), colP50, vg.Points(2), nil); l != nil {
		p.Legend.Add(fmt.Sprintf("candidate %s (%s requests)", candName, formatCount(count(cand))), l)
	}
	for _, o := range objectives {
		y := o.Value / u.Factor
		hline(p, 0, top, y, colObjective, dashed, o.Label)
		if o.Quantile > 0 && nines(o.Quantile) <= top {
			// Where the objective's percentile meets it.
			if sc, err := plotter.NewScatter(plotter.XYs{{X: nines(o.Quantile), Y: y}}); err == nil {
				sc.GlyphStyle = draw.GlyphStyle{Color: colObjective, Radius: vg.Points(3.5), Shape: draw.RingGlyph{}}
				p.Add(sc)
			}
		}
	}
	p.X.Min, p.X.Max = 0, top
	yRange(p, highest/u.Factor, 1+len(objectives))
	return &chart{name: name, alt: endpoint + ": latency at each percentile, base against candidate, HdrHistogram style",
		panels: []*plot.Plot{p}, w: chartWidth, h: chartHeight}
}
