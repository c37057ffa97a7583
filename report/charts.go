package report

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
)

// Every chart of both reports is built here, from a few helpers, so that a
// colour, a font and a size mean the same thing everywhere.

// Colours: one meaning each, in every chart.
var (
	colP50        = rgb(0x1f77b4) // blue: p50, and the HDR distribution
	colP99        = rgb(0xff7f0e) // orange: p99
	colThroughput = rgb(0x2ca02c) // green: requests per second
	colErrors     = rgb(0xb8233a) // crimson: errors
	colObjective  = rgb(0xd62728) // red, dashed: an objective
	colTrend      = rgb(0x555555) // dark grey, dotted: a fitted trend
	colWarmup     = rgb(0xececec) // light grey: warm-up
	colEdge       = rgb(0x7f7f7f) // grey: the warm-up edge
	colGrid       = rgb(0xe3e3e3)
)

// metricColor gives each metric its colour, so that a p99 hotspot's trend
// is orange like the p99 line of the run report.
func metricColor(name string) color.Color {
	switch name {
	case metric.P50:
		return colP50
	case metric.P99:
		return colP99
	case metric.P90:
		return rgb(0x9467bd)
	case metric.P999:
		return rgb(0x8c564b)
	case metric.Mean:
		return rgb(0x17becf)
	case metric.Max:
		return rgb(0x7f7f7f)
	case metric.RPS:
		return colThroughput
	case metric.ErrorRate:
		return colErrors
	}
	return rgb(0xbcbd22)
}

func rgb(v uint32) color.RGBA {
	return color.RGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}
}

// faded is c at a quarter of its opacity, for the thin per-repetition lines.
func faded(c color.Color) color.Color {
	r, g, b, _ := c.RGBA()
	const a = 0x50
	// Premultiplied, as color.RGBA requires.
	return color.RGBA{R: uint8(r >> 8 * a / 0xff), G: uint8(g >> 8 * a / 0xff), B: uint8(b >> 8 * a / 0xff), A: a}
}

// Sizes: 19.5 cm wide, which at the default 144 dpi is the HTML page's
// content width (1105 px), so charts show at their natural size there.
var (
	chartWidth      = 19.5 * vg.Centimeter
	chartHeight     = 8 * vg.Centimeter
	chartPanel2High = 12.5 * vg.Centimeter
)

var (
	sans     = font.Font{Typeface: "Liberation", Variant: "Sans"}
	sansBold = font.Font{Typeface: "Liberation", Variant: "Sans", Weight: xfont.WeightBold}
)

// chart is one picture: one or more panels stacked over a shared x axis.
type chart struct {
	// name is the file stem, unique within a report.
	name string
	// alt describes the chart for people who cannot see it.
	alt    string
	panels []*plot.Plot
	w, h   vg.Length
}

// image is a rendered chart.
type image struct {
	Name, Alt string
	PNG       []byte
	W, H      int
}

// render draws the chart as a PNG at dpi. gonum/plot panics on some
// degenerate inputs; that becomes an error naming the chart, never a crash.
func (c *chart) render(dpi int) (img image, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("draw chart %s: %v", c.name, r)
		}
	}()
	cv := vgimg.NewWith(vgimg.UseWH(c.w, c.h), vgimg.UseDPI(dpi))
	dc := draw.New(cv)
	if len(c.panels) == 1 {
		c.panels[0].Draw(dc)
	} else {
		grid := make([][]*plot.Plot, len(c.panels))
		for i, p := range c.panels {
			grid[i] = []*plot.Plot{p}
		}
		tiles := draw.Tiles{Rows: len(c.panels), Cols: 1, PadY: 3 * vg.Millimeter}
		for i, cs := range plot.Align(grid, tiles, dc) {
			c.panels[i].Draw(cs[0])
		}
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: cv}).WriteTo(&buf); err != nil {
		return image{}, fmt.Errorf("encode chart %s: %w", c.name, err)
	}
	b := cv.Image().Bounds()
	return image{Name: c.name, Alt: c.alt, PNG: buf.Bytes(), W: b.Dx(), H: b.Dy()}, nil
}

// renderAll renders charts in order; nil charts (nothing to draw) are
// skipped.
func renderAll(dpi int, charts ...*chart) ([]image, error) {
	var out []image
	for _, c := range charts {
		if c == nil {
			continue
		}
		img, err := c.render(dpi)
		if err != nil {
			return nil, err
		}
		out = append(out, img)
	}
	return out, nil
}

// newPlot is a plot with the reports' fonts, a light grid and a legend in
// the top left corner.
func newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(sansBold, 11)
	p.Title.Padding = 2 * vg.Millimeter
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sans, 10)
		a.Tick.Label.Font = font.From(sans, 9)
		a.Padding = 0
	}
	p.X.Tick.Marker, p.Y.Tick.Marker = plainTicks, plainTicks
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	p.Legend.TextStyle.Font = font.From(sans, 9)
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs, p.Legend.YOffs = 2*vg.Millimeter, -1*vg.Millimeter
	p.Legend.ThumbnailWidth = 6 * vg.Millimeter
	p.Legend.Padding = vg.Points(2.5)
	g := plotter.NewGrid()
	g.Vertical.Color, g.Horizontal.Color = colGrid, colGrid
	g.Vertical.Width, g.Horizontal.Width = vg.Points(0.5), vg.Points(0.5)
	p.Add(g)
	return p
}

// plainTicks label an axis at 4 to 8 round values (steps of 1, 2, 2.5 or 5
// times a power of ten), with a minor tick between labels, written as
// people write numbers: "50" and "0.25", not "50.00".
var plainTicks = plot.TickerFunc(func(min, max float64) []plot.Tick {
	if !(max > min) || !finite(min) || !finite(max) {
		return plot.DefaultTicks{}.Ticks(min, max)
	}
	// The smallest round step that needs at most 8 labels.
	pow := math.Pow(10, math.Floor(math.Log10((max-min)/8)))
	step := 10 * pow
	for _, m := range []float64{1, 2, 2.5, 5} {
		if (max-min)/(m*pow) <= 7+1e-9 {
			step = m * pow
			break
		}
	}
	dec := 0 // as many decimals as the step has: 25 → 0, 2.5 → 1, 0.25 → 2
	for dec < 6 && math.Abs(step-math.Round(step*math.Pow(10, float64(dec)))/math.Pow(10, float64(dec))) > step*1e-9 {
		dec++
	}
	var ticks []plot.Tick
	for v := math.Ceil(min/step-1e-9) * step; v <= max+step*1e-9; v += step {
		label := strconv.FormatFloat(v, 'f', dec, 64)
		if label == "-0" || strings.Trim(label, "-0.") == "" {
			label = "0"
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: label})
		if half := v + step/2; half <= max {
			ticks = append(ticks, plot.Tick{Value: half})
		}
	}
	return ticks
})

// yRange fixes the vertical range from 0 (or the data's minimum when it is
// negative) to the data's maximum plus headroom for the legend.
func yRange(p *plot.Plot, max float64, legendRows int) {
	if max <= 0 || math.IsNaN(max) || math.IsInf(max, 0) {
		max = 1
	}
	p.Y.Min = math.Min(0, p.Y.Min)
	p.Y.Max = max * (1.05 + 0.12*float64(legendRows))
}

// xys keeps the finite points: gonum/plot refuses NaN and ±Inf.
func xys(x, y []float64) plotter.XYs {
	out := make(plotter.XYs, 0, len(x))
	for i := range x {
		if finite(x[i]) && finite(y[i]) {
			out = append(out, plotter.XY{X: x[i], Y: y[i]})
		}
	}
	return out
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// line adds a line through pts; nothing for fewer than one point.
func line(p *plot.Plot, pts plotter.XYs, c color.Color, width vg.Length, dashes []vg.Length) *plotter.Line {
	if len(pts) == 0 {
		return nil
	}
	l, err := plotter.NewLine(pts)
	if err != nil {
		return nil // xys already dropped what NewLine refuses
	}
	l.Color, l.Width, l.Dashes = c, width, dashes
	p.Add(l)
	return l
}

// hline adds a horizontal line across [x0, x1] at y, with a legend entry.
func hline(p *plot.Plot, x0, x1, y float64, c color.Color, dashes []vg.Length, legend string) {
	if l := line(p, xys([]float64{x0, x1}, []float64{y, y}), c, vg.Points(1.5), dashes); l != nil && legend != "" {
		p.Legend.Add(legend, l)
	}
}

var (
	dashed = []vg.Length{vg.Points(6), vg.Points(3)}
	dotted = []vg.Length{vg.Points(1.5), vg.Points(2.5)}
)

// shadeWarmup greys [x0, 0) to the top of the plot, draws the edge at 0 and
// labels it, and adds a legend entry.
func shadeWarmup(p *plot.Plot, x0, top float64) {
	if x0 >= 0 {
		return
	}
	poly, err := plotter.NewPolygon(plotter.XYs{{X: x0, Y: 0}, {X: 0, Y: 0}, {X: 0, Y: top}, {X: x0, Y: top}})
	if err != nil {
		return
	}
	poly.Color = colWarmup
	poly.LineStyle.Width = 0
	p.Add(poly)
	edge := line(p, xys([]float64{0, 0}, []float64{0, top}), colEdge, vg.Points(1.2), dashed)
	lbl, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: 0, Y: top}}, Labels: []string{"measurement starts "}})
	if err == nil {
		lbl.TextStyle[0].Font = font.From(sans, 8)
		lbl.TextStyle[0].Color = colEdge
		lbl.TextStyle[0].XAlign = draw.XRight
		lbl.TextStyle[0].YAlign = draw.YTop
		p.Add(lbl)
	}
	if edge != nil {
		p.Legend.Add("warm-up (not measured)", poly)
	}
}

// secondsTicks label a time axis in seconds at round steps that include 0,
// the start of the measured window.
var secondsTicks = plot.TickerFunc(func(min, max float64) []plot.Tick {
	step := 1.0
	for _, s := range []float64{1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600} {
		step = s
		if (max-min)/s <= 10 {
			break
		}
	}
	var ticks []plot.Tick
	for v := math.Ceil(min/step) * step; v <= max+1e-9; v += step {
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', -1, 64)})
		if half := v + step/2; step >= 2 && half < max {
			ticks = append(ticks, plot.Tick{Value: half})
		}
	}
	return ticks
})

// timeSeriesPlot is a plot over seconds of the measured window, its legend
// on the right, clear of the warm-up's label on the left.
func timeSeriesPlot(title, xLabel, yLabel string) *plot.Plot {
	p := newPlot(title, xLabel, yLabel)
	p.X.Tick.Marker = secondsTicks
	p.Legend.Left = false
	p.Legend.XOffs = -2 * vg.Millimeter
	return p
}

// latencyScale converts seconds to the unit that suits the largest value.
func latencyScale(max float64) unit { return metric.ScaleOf(metric.Seconds, max) }

// series is one endpoint's per-second points, one slice per repetition.
type series [][]results.Second

// column returns, per repetition, x = T and y = f(second).
func (s series) column(f func(results.Second) float64) (x, y [][]float64) {
	for _, rep := range s {
		var xr, yr []float64
		for _, p := range rep {
			xr = append(xr, float64(p.T))
			yr = append(yr, f(p))
		}
		x, y = append(x, xr), append(y, yr)
	}
	return x, y
}

// medianByT is the median over repetitions of y at each T.
func medianByT(x, y [][]float64) (mx, my []float64) {
	byT := map[float64][]float64{}
	for i := range x {
		for j := range x[i] {
			if finite(y[i][j]) {
				byT[x[i][j]] = append(byT[x[i][j]], y[i][j])
			}
		}
	}
	for t := range byT {
		mx = append(mx, t)
	}
	slices.Sort(mx)
	for _, t := range mx {
		my = append(my, median(byT[t]))
	}
	return mx, my
}

func (s series) firstT() float64 {
	first := 0.0
	for _, rep := range s {
		if len(rep) > 0 {
			first = math.Min(first, float64(rep[0].T))
		}
	}
	return first
}

func maxOf(ys ...[]float64) float64 {
	m := 0.0
	for _, y := range ys {
		for _, v := range y {
			if finite(v) && v > m {
				m = v
			}
		}
	}
	return m
}

// overlay draws each repetition thin and faded, and their median per
// second thick, in colour c; it returns the thick line for the legend.
func overlay(p *plot.Plot, x, y [][]float64, c color.Color) *plotter.Line {
	if len(x) > 1 {
		for i := range x {
			line(p, xys(x[i], y[i]), faded(c), vg.Points(0.8), nil)
		}
	}
	mx, my := medianByT(x, y)
	return line(p, xys(mx, my), c, vg.Points(2), nil)
}

func repsNote(n int) string {
	if n == 1 {
		return ""
	}
	return fmt.Sprintf(", median of %d repetitions", n)
}

// latencyColumns are the per-second p50 and p99 of every repetition. A
// second without one successful response has no latency (NaN, not drawn):
// its 0 would show a failing second as the fastest one.
func latencyColumns(s series) (x, p50, p99 [][]float64) {
	succeeded := func(v float64, p results.Second) float64 {
		if p.Requests > 0 && p.Errors >= p.Requests {
			return math.NaN()
		}
		return v
	}
	x, p50 = s.column(func(p results.Second) float64 { return succeeded(p.P50, p) })
	_, p99 = s.column(func(p results.Second) float64 { return succeeded(p.P99, p) })
	return x, p50, p99
}

// latencyOverTimeChart draws p50 and p99 per second, repetitions overlaid
// on the time since their measured window began, warm-up shaded.
func latencyOverTimeChart(name, endpoint string, s series) *chart {
	if len(s) == 0 {
		return nil
	}
	x, p50, p99 := latencyColumns(s)
	u := latencyScale(maxOf(p99...))
	scale := func(y [][]float64) [][]float64 {
		out := make([][]float64, len(y))
		for i := range y {
			for _, v := range y[i] {
				out[i] = append(out[i], v/u.Factor)
			}
		}
		return out
	}
	p50, p99 = scale(p50), scale(p99)
	top := maxOf(p99...) * 1.3
	if top <= 0 {
		top = 1
	}
	p := timeSeriesPlot(endpoint+": latency over time", "time since the measured window began (s)", "latency ("+u.Unit+")")
	shadeWarmup(p, s.firstT(), top)
	l99 := overlay(p, x, p99, colP99)
	l50 := overlay(p, x, p50, colP50)
	note := repsNote(len(s))
	if l99 != nil {
		p.Legend.Add("p99 per second"+note, l99)
	}
	if l50 != nil {
		p.Legend.Add("p50 per second"+note, l50)
	}
	yRange(p, top/1.3, 0)
	p.Y.Max = top
	return &chart{name: name, alt: endpoint + ": p50 and p99 latency per second", panels: []*plot.Plot{p}, w: chartWidth, h: chartHeight}
}

// throughputErrorsChart draws requests per second over the error share per
// second, sharing the time axis.
func throughputErrorsChart(name, endpoint string, s series) *chart {
	if len(s) == 0 {
		return nil
	}
	x, rps := s.column(func(p results.Second) float64 { return float64(p.Requests) })
	_, errs := s.column(func(p results.Second) float64 {
		if p.Requests == 0 {
			return 0
		}
		return 100 * float64(p.Errors) / float64(p.Requests)
	})
	note := repsNote(len(s))

	top := maxOf(rps...) * 1.3
	tp := timeSeriesPlot(endpoint+": throughput and errors", "", "throughput (req/s)")
	shadeWarmup(tp, s.firstT(), top)
	if l := overlay(tp, x, rps, colThroughput); l != nil {
		tp.Legend.Add("requests per second"+note, l)
	}
	yRange(tp, top/1.3, 0)
	tp.Y.Max = math.Max(top, 1)

	etop := math.Max(maxOf(errs...), 1) * 1.3
	ep := timeSeriesPlot("", "time since the measured window began (s)", "errors (%)")
	shadeWarmup(ep, s.firstT(), etop)
	if l := overlay(ep, x, errs, colErrors); l != nil {
		ep.Legend.Add("share of requests that failed"+note, l)
	}
	ep.Y.Min, ep.Y.Max = 0, etop
	return &chart{name: name, alt: endpoint + ": requests per second and error share per second",
		panels: []*plot.Plot{tp, ep}, w: chartWidth, h: chartPanel2High}
}

// nines is the HdrHistogram percentile axis: x = -log10(1 - q), so 90%,
// 99%, 99.9% … are evenly spaced.
func nines(q float64) float64 { return -math.Log10(1 - q) }

var ninesTicks = plot.TickerFunc(func(min, max float64) []plot.Tick {
	labels := []string{"0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"}
	var ticks []plot.Tick
	for i, l := range labels {
		if v := float64(i); v >= min-1e-9 && v <= max+1e-9 {
			ticks = append(ticks, plot.Tick{Value: v, Label: l})
		}
	}
	for _, q := range []float64{0.5, 0.75} { // minor ticks at the median and the third quartile
		if v := nines(q); v <= max {
			ticks = append(ticks, plot.Tick{Value: v})
		}
	}
	return ticks
})

// percentileCurve samples a histogram along the nines axis, up to the
// percentile its count can resolve.
func percentileCurve(h *results.Histogram, top float64) (x, y []float64) {
	if h.Count() == 0 {
		return nil, nil
	}
	xmax := math.Min(top, math.Log10(float64(h.Count())))
	const step = 0.02
	hdr := h.HDR()
	for v := 0.0; v <= xmax+1e-9; v += step {
		q := 1 - math.Pow(10, -v)
		x = append(x, v)
		y = append(y, float64(hdr.ValueAtQuantile(q*100))/1e6)
	}
	return x, y
}

// percentileChart is HdrHistogram's percentile distribution plot: latency
// against the percentile on a "nines" axis, all repetitions merged (thick)
// over each repetition (thin).
func percentileChart(name, endpoint string, merged *results.Histogram, reps []*results.Histogram) *chart {
	if merged.Count() == 0 {
		return nil
	}
	top := math.Min(5, math.Max(1, math.Ceil(math.Log10(float64(merged.Count())))))
	mx, my := percentileCurve(merged, top)
	u := latencyScale(maxOf(my))
	for i := range my {
		my[i] /= u.Factor
	}
	p := newPlot(endpoint+": latency by percentile", "percentile", "latency ("+u.Unit+")")
	p.X.Tick.Marker = ninesTicks
	if len(reps) > 1 {
		for _, h := range reps {
			x, y := percentileCurve(h, top)
			for i := range y {
				y[i] /= u.Factor
			}
			line(p, xys(x, y), faded(colP50), vg.Points(0.8), nil)
		}
	}
	if l := line(p, xys(mx, my), colP50, vg.Points(2), nil); l != nil {
		what := "all requests"
		if len(reps) > 1 {
			what = fmt.Sprintf("all %d repetitions merged (thin: each)", len(reps))
		}
		p.Legend.Add(what, l)
	}
	p.X.Min, p.X.Max = 0, top
	yRange(p, maxOf(my), 1)
	return &chart{name: name, alt: endpoint + ": latency at each percentile, HdrHistogram style", panels: []*plot.Plot{p}, w: chartWidth, h: chartHeight}
}

// monthTicks marks every day of a month, labelling the 1st, 8th, 15th,
// 22nd and 29th.
func monthTicks(min, max float64) []plot.Tick {
	var ticks []plot.Tick
	start := time.Unix(int64(min), 0).UTC()
	day := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC)
	month := start.Month()
	for d := day; float64(d.Unix()) <= max; d = d.AddDate(0, 0, 1) {
		v := float64(d.Unix())
		if v < min {
			continue
		}
		t := plot.Tick{Value: v}
		if (d.Day()-1)%7 == 0 && d.Day() < 30 && d.Month() == month {
			t.Label = d.Format("Jan 2")
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// timePoint is one run's value of a metric, with its interval.
type timePoint struct {
	At             time.Time
	Center, Lo, Hi float64
	// Marked: the run has caveats (invalid repetitions, warnings, an
	// incident); Incident: it started inside an incident.
	Marked, Incident bool
}

// runMarks are what drawRuns drew, for the legend; nil where nothing of
// the sort was drawn.
type runMarks struct {
	clean, marked, incident, clipped, none *plotter.Scatter
	bars                                   bool
}

// Marks of runs, the same in every trend chart: a run without caveats is
// a filled dot in the metric's colour, a run with caveats a red ring, a
// value above the chart a triangle at its top edge with the value written
// beside it, a run without a valid repetition a grey cross on the axis.
var (
	colMarked = rgb(0xd62728)
	colNone   = rgb(0x8a8a8a)
)

// valueAxis is a trend chart's value axis: its top in the chart's unit,
// and the side of the chart its legend goes in.
type valueAxis struct {
	top        float64
	legendLeft bool
}

// trendAxis lays out a trend chart's value axis. Its data reach to
// robustTop of the values of the runs without caveats (of all runs when
// every one has caveats) and floor (the objective), raised to show their
// intervals up to half as high again: a run with caveats or an outlier
// above that is drawn at the edge, so a broken run cannot set the scale
// of the good ones. The legend, legendRows rows from the top, goes in the
// half of the month where the runs are lower (after a fix, the right),
// and the axis rises until it clears them.
func trendAxis(pts []timePoint, floor float64, u unit, legendRows int, from, to time.Time) valueAxis {
	floor /= u.Factor
	data := robustTop(scaleCenters(trusted(pts), u.Factor), floor)
	bars := data
	for _, pt := range trusted(pts) {
		if finite(pt.Hi) && pt.Center/u.Factor <= data {
			bars = math.Max(bars, pt.Hi/u.Factor)
		}
	}
	data = math.Max(data, math.Min(bars, 1.5*data))
	if !(data > 0) || !finite(data) {
		data = 1
	}
	// The share of the plot's height the legend takes.
	legend := 0.05 + 0.085*float64(legendRows)
	mid := from.Add(to.Sub(from) / 2)
	sideTop := func(left bool) float64 {
		high := floor
		for _, pt := range pts {
			if pt.At.Before(mid) != left || !finite(pt.Center) {
				continue
			}
			v := pt.Center / u.Factor
			if v > 1.5*data {
				return math.Inf(1) // drawn at the top edge, where the legend is
			}
			if pt.Center/u.Factor <= data && finite(pt.Hi) {
				v = math.Max(v, math.Min(pt.Hi/u.Factor, bars))
			}
			high = math.Max(high, v)
		}
		return math.Max(1.05*data, high/(1-legend))
	}
	left, right := sideTop(true), sideTop(false)
	switch {
	case !finite(left) && !finite(right):
		return valueAxis{top: math.Max(1.05*data, data/(1-legend)), legendLeft: true}
	case right < left:
		return valueAxis{top: right}
	}
	return valueAxis{top: left, legendLeft: true}
}

// trendUnit picks the unit of a trend chart from the values that are kept
// on its axis: an outlier drawn at the edge must not make the others read
// "0.003 s".
func trendUnit(name string, pts []timePoint, floor float64) unit {
	return unitFor(name, robustTop(scaleCenters(trusted(pts), 1), floor), floor)
}

// trusted are the points of runs without caveats, or all points when
// every run has caveats.
func trusted(pts []timePoint) []timePoint {
	var out []timePoint
	for _, pt := range pts {
		if !pt.Marked {
			out = append(out, pt)
		}
	}
	if len(out) == 0 {
		return pts
	}
	return out
}

func scaleCenters(pts []timePoint, div float64) []float64 {
	out := make([]float64, len(pts))
	for i, pt := range pts {
		out[i] = pt.Center / div
	}
	return out
}

// drawRuns draws one mark per run: values divided by u.Factor, the runs
// without caveats joined by a thin line, error bars where the interval is
// bounded. A value above clipAt (in the chart's unit) is drawn at the top
// edge and written beside it with format; runs without a value (noValue)
// are crossed on the time axis.
func drawRuns(p *plot.Plot, pts []timePoint, noValue []time.Time, u unit, c color.Color, clipAt float64, format func(float64) string) runMarks {
	var m runMarks
	var bars plotter.XYs
	var errs plotter.YErrors
	var clean, marked, incident, clipped, joined plotter.XYs
	var labels []string
	edge := clipAt * 0.965 // a triangle just inside the edge shows whole
	for _, pt := range pts {
		if !finite(pt.Center) {
			continue
		}
		at := float64(pt.At.Unix())
		y := pt.Center / u.Factor
		if finite(pt.Lo) && finite(pt.Hi) && y <= clipAt {
			bars = append(bars, plotter.XY{X: at, Y: y})
			errs = append(errs, struct{ Low, High float64 }{y - pt.Lo/u.Factor, pt.Hi/u.Factor - y})
		}
		switch {
		case y > clipAt:
			clipped = append(clipped, plotter.XY{X: at, Y: edge})
			labels = append(labels, "  "+format(pt.Center))
			if pt.Incident {
				incident = append(incident, plotter.XY{X: at, Y: edge})
			} else if pt.Marked {
				marked = append(marked, plotter.XY{X: at, Y: edge})
			}
		case pt.Incident:
			incident = append(incident, plotter.XY{X: at, Y: y})
		case pt.Marked:
			marked = append(marked, plotter.XY{X: at, Y: y})
		default:
			clean = append(clean, plotter.XY{X: at, Y: y})
		}
		if !pt.Marked {
			joined = append(joined, plotter.XY{X: at, Y: math.Min(y, edge)})
		}
	}
	if len(bars) > 0 {
		p.Add(&plotter.YErrorBars{XYs: bars, YErrors: errs, LineStyle: draw.LineStyle{Color: c, Width: vg.Points(1)}, CapWidth: vg.Points(4)})
		m.bars = true
	}
	line(p, joined, faded(c), vg.Points(1), nil)
	radius := vg.Points(2.5)
	if len(pts) > 40 { // a month of daily runs: smaller dots stay apart
		radius = vg.Points(1.6)
	}
	scatter := func(xy plotter.XYs, g draw.GlyphStyle) *plotter.Scatter {
		if len(xy) == 0 {
			return nil
		}
		sc, err := plotter.NewScatter(xy)
		if err != nil {
			return nil
		}
		sc.GlyphStyle = g
		p.Add(sc)
		return sc
	}
	m.clean = scatter(clean, draw.GlyphStyle{Color: c, Radius: radius, Shape: draw.CircleGlyph{}})
	m.clipped = scatter(clipped, draw.GlyphStyle{Color: c, Radius: radius * 1.4, Shape: draw.PyramidGlyph{}})
	m.marked = scatter(marked, draw.GlyphStyle{Color: colMarked, Radius: radius * 1.5, Shape: draw.RingGlyph{}})
	m.incident = scatter(incident, draw.GlyphStyle{Color: colIncRun, Radius: radius * 1.5, Shape: draw.RingGlyph{}})
	if m.clipped != nil {
		if lbl, err := plotter.NewLabels(plotter.XYLabels{XYs: clipped, Labels: labels}); err == nil {
			for i := range lbl.TextStyle {
				lbl.TextStyle[i].Font = font.From(sans, 8)
				lbl.TextStyle[i].Color = c
				lbl.TextStyle[i].XAlign = draw.XLeft
				lbl.TextStyle[i].YAlign = draw.YCenter
			}
			p.Add(lbl)
		}
	}
	var none plotter.XYs
	for _, at := range noValue {
		none = append(none, plotter.XY{X: float64(at.Unix()), Y: 0})
	}
	m.none = scatter(none, draw.GlyphStyle{Color: colNone, Radius: radius * 1.3, Shape: draw.CrossGlyph{}})
	return m
}

// addRunLegend names the marks drawRuns drew: what names the runs'
// values ("median of each run's valid repetitions"), marked the runs with
// caveats; without marked, only the values are named.
func addRunLegend(p *plot.Plot, m runMarks, what, marked string) {
	if m.clean != nil {
		p.Legend.Add(what, m.clean)
	}
	if marked == "" {
		return
	}
	if m.marked != nil {
		p.Legend.Add(marked, m.marked)
	}
	if m.incident != nil {
		p.Legend.Add("run inside an incident: not in the trend", m.incident)
	}
	if m.clipped != nil {
		p.Legend.Add("above the chart: value written beside it", m.clipped)
	}
	if m.none != nil {
		p.Legend.Add("run without a valid repetition: no value", m.none)
	}
}

// monthAxis spans the whole month, so every trend chart of a report lines
// up day for day.
func monthAxis(p *plot.Plot, from, to time.Time) {
	p.X.Min, p.X.Max = float64(from.Unix()), float64(to.Unix())
	p.X.Tick.Marker = plot.TickerFunc(monthTicks)
}

// hotspotChart draws a hotspot's month: each run's value with its
// interval, the objective as a red dashed line and the trend fitted to the
// runs without caveats. The value axis comes from axisTop, so one broken
// run cannot flatten the others.
func hotspotChart(name string, h *HotspotMonth, from, to time.Time, confidence float64, annotations []results.Annotation) *chart {
	if len(h.Points) == 0 {
		return nil
	}
	floor := 0.0
	hasObjective := !h.Objective.Relative && h.Objective.Value > 0
	if hasObjective {
		floor = h.Objective.Value
	}
	pts := make([]timePoint, len(h.Points))
	anyMarked, anyIncident := false, false
	for i, pt := range h.Points {
		pts[i] = timePoint{At: pt.At, Center: pt.Center, Lo: pt.Lo, Hi: pt.Hi, Marked: pt.Marked, Incident: pt.Incident}
		anyMarked = anyMarked || (pt.Marked && !pt.Incident)
		anyIncident = anyIncident || pt.Incident
	}
	var noValue []time.Time
	for _, r := range h.NoValue {
		noValue = append(noValue, r.Start)
	}
	u := trendUnit(h.Metric, pts, floor)
	// Legend rows: the runs, the objective, the trend, and the marks of
	// runs with caveats, values above the chart and runs without a value.
	titles, titleRows := layoutTitles(annotations, from, to, plotWidthPts())
	rows := 1 + btoi(hasObjective) + btoi(h.trendOK) + btoi(anyMarked) + btoi(anyIncident) + btoi(len(noValue) > 0) + titleRows
	axis := trendAxis(pts, floor, u, rows, from, to)
	for _, pt := range pts {
		if pt.Center/u.Factor > axis.top {
			axis = trendAxis(pts, floor, u, rows+1, from, to) // the clipped values' legend row
			break
		}
	}
	p := newPlot(fmt.Sprintf("%s: %s of %s", h.Name, metricLabel(h.Metric), h.Endpoint), "run date (UTC)", axisLabel(h.Metric, u))
	p.Legend.Left = axis.legendLeft
	if !axis.legendLeft {
		p.Legend.XOffs = -2 * vg.Millimeter
	}
	monthAxis(p, from, to)
	x0, x1 := float64(from.Unix()), float64(to.Unix())
	c := metricColor(h.Metric)
	drawAnnotations(p, annotations, from, to, axis.top, titles, titleRows)
	marks := drawRuns(p, pts, noValue, u, c, belowTitles(axis.top, titleRows, chartHeight), func(v float64) string { return formatMetric(h.Metric, v) })
	what := "median of each run's valid repetitions"
	if h.Metric == metric.ErrorRate {
		what = "errors over requests of each run's valid repetitions"
	}
	if marks.bars {
		what += fmt.Sprintf(" (bars: %.0f%% interval)", confidence*100)
	}
	addRunLegend(p, marks, what, "run with invalid repetitions or warnings: not in the trend")
	if hasObjective {
		hline(p, x0, x1, h.Objective.Value/u.Factor, colObjective, dashed, "objective "+h.objectiveText())
	}
	if h.trendOK {
		clean := h.cleanPoints()
		ta, tb := float64(clean[0].At.Unix()), float64(clean[len(clean)-1].At.Unix())
		ya, yb := (h.trendA+h.trendB*ta)/u.Factor, (h.trendA+h.trendB*tb)/u.Factor
		if yb < 0 && ya > 0 { // no metric goes below zero: stop the line there
			tb = ta + (tb-ta)*ya/(ya-yb)
			yb = 0
		}
		if l := line(p, xys([]float64{ta, tb}, []float64{ya, yb}), colTrend, vg.Points(1.5), dotted); l != nil {
			what := fmt.Sprintf("linear trend of the %d runs without caveats", len(clean))
			if h.Status == StatusOnTrack || h.Status == StatusOffTrack {
				what = fmt.Sprintf("linear trend: %s by %s", formatMetric(h.Metric, h.Projected), h.judgedDate())
			}
			p.Legend.Add(what, l)
		}
	}
	// Last: adding plotters widens the axis to their data.
	p.Y.Min, p.Y.Max = 0, axis.top
	return &chart{name: name, alt: h.Name + ": " + metricLabel(h.Metric) + " per run this month against its objective", panels: []*plot.Plot{p}, w: chartWidth, h: chartHeight}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func axisLabel(name string, u unit) string {
	l := metricLabel(name)
	if u.Unit == "" {
		return l
	}
	return fmt.Sprintf("%s (%s)", l, u.Unit)
}

// endpointTrendChart draws an endpoint's throughput over its error rate,
// one point per run of the month, each from the run's valid repetitions
// pooled: requests over the windows' seconds, errors over requests.
func endpointTrendChart(name string, e *EndpointMonth, from, to time.Time, annotations []results.Annotation) *chart {
	if len(e.Points) == 0 {
		return nil
	}
	var rps, errs []timePoint
	anyMarked, anyIncident := false, false
	for _, pt := range e.Points {
		rps = append(rps, timePoint{At: pt.At, Center: pt.RPS, Lo: math.NaN(), Hi: math.NaN(), Marked: pt.Marked, Incident: pt.Incident})
		errs = append(errs, timePoint{At: pt.At, Center: pt.ErrorRate, Lo: math.NaN(), Hi: math.NaN(), Marked: pt.Marked, Incident: pt.Incident})
		anyMarked = anyMarked || (pt.Marked && !pt.Incident)
		anyIncident = anyIncident || pt.Incident
	}
	var noValue []time.Time
	for _, r := range e.NoValue {
		noValue = append(noValue, r.Start)
	}
	// The marks of runs with caveats and without a value are named in the
	// upper panel only.
	panel := func(title, xLabel string, pts []timePoint, u unit, c color.Color, floor float64, what, marked string, format func(float64) string) *plot.Plot {
		rows := 1
		// The annotations' titles go in the upper panel.
		var titles []annotationTitle
		titleRows := 0
		if marked != "" {
			titles, titleRows = layoutTitles(annotations, from, to, plotWidthPts())
			rows += btoi(anyMarked) + btoi(anyIncident) + btoi(len(noValue) > 0) + titleRows
		}
		p := newPlot(title, xLabel, axisLabel("", u))
		axis := trendAxis(pts, floor, u, rows, from, to)
		for _, pt := range pts {
			if pt.Center/u.Factor > axis.top {
				axis = trendAxis(pts, floor, u, rows+1, from, to)
				break
			}
		}
		p.Legend.Left = axis.legendLeft
		if !axis.legendLeft {
			p.Legend.XOffs = -2 * vg.Millimeter
		}
		monthAxis(p, from, to)
		drawAnnotations(p, annotations, from, to, axis.top, titles, titleRows)
		addRunLegend(p, drawRuns(p, pts, noValue, u, c, belowTitles(axis.top, titleRows, chartPanel2High/2), format), what, marked)
		p.Y.Min, p.Y.Max = 0, axis.top
		return p
	}
	tp := panel(e.Name+": throughput and error rate per run", "", rps, unit{Factor: 1, Unit: "req/s"}, colThroughput, 0,
		"requests per second, valid repetitions", "run with invalid repetitions or warnings", formatRPS)
	tp.Y.Label.Text = "throughput (req/s)"
	ep := panel("", "run date (UTC)", errs, unit{Factor: 0.01, Unit: "%"}, colErrors, 0.001,
		"failed requests, valid repetitions pooled", "", formatPercent)
	ep.Y.Label.Text = "error rate (%)"
	return &chart{name: name, alt: e.Name + ": throughput and error rate of each run this month",
		panels: []*plot.Plot{tp, ep}, w: chartWidth, h: chartPanel2High}
}

// chartName makes a file stem from parts: lower case, [a-z0-9-].
func chartName(parts ...string) string {
	var b strings.Builder
	for _, part := range parts {
		if b.Len() > 0 {
			b.WriteByte('-')
		}
		dash := false
		for _, c := range strings.ToLower(part) {
			if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
				b.WriteRune(c)
				dash = false
			} else if !dash {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	return strings.Trim(b.String(), "-")
}
