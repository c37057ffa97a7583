package report

import (
	"fmt"
	"image/color"
	"math"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/hotbench/hotbench/results"
)

// Annotations on the trend charts, one look per kind in every chart:
// a release is a solid purple line and a deploy a dashed teal one, each
// with its title written up along it; an incident is a pale orange span
// with its title, and the runs that started in it are grey rings, out of
// the trend; a fix is a green square on the top edge over a dotted line,
// with its title. Notes are listed under the charts, not drawn.
var (
	colRelease  = rgb(0x6a3d9a)
	colDeploy   = rgb(0x1a8f8a)
	colIncident = rgb(0xfbe3cc)
	colFix      = rgb(0x1b7837)
	colIncRun   = rgb(0x8a8a8a)
)

// incidentCaveat is a run's caveat for an incident it started in:
// `inside incident "db failover" (2026-11-19 08:00 UTC to 2026-11-19 12:00 UTC)`.
func incidentCaveat(a *results.Annotation) string {
	span := formatDateTime(a.Time)
	if a.End != nil {
		span += " to " + formatDateTime(*a.End)
	}
	return fmt.Sprintf("inside incident %q (%s)", a.Title, span)
}

// drawn reports whether a trend chart draws an annotation of this kind.
func drawn(kind string) bool {
	switch kind {
	case results.AnnotationRelease, results.AnnotationDeploy, results.AnnotationIncident, results.AnnotationFix:
		return true
	}
	return false
}

// annotationKey says under a scenario's charts what each annotation mark
// means, for the kinds its charts draw; "" when they draw none. It is a
// caption, not legend rows: a legend that grew with every kind would push
// the runs down into the bottom of the chart.
func annotationKey(as []results.Annotation) string {
	kinds := map[string]bool{}
	for _, a := range as {
		kinds[a.Kind] = drawn(a.Kind)
	}
	var parts []string
	for _, k := range []struct{ kind, text string }{
		{results.AnnotationRelease, "releases are solid purple lines"},
		{results.AnnotationDeploy, "deploys dashed teal lines"},
		{results.AnnotationFix, "fixes green squares over dotted lines"},
		{results.AnnotationIncident, "incidents pale orange spans (a run that started in one is a grey ring, left out of the trends)"},
	} {
		if kinds[k.kind] {
			parts = append(parts, k.text)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "On the trend charts " + strings.Join(parts, ", ") + ", each with its title."
}

// Titles of annotations go in rows at the top of a trend chart, above the
// legend, which moves down by as many rows: a title starts at its line
// (ends at it near the right edge), and one that would overlap the title
// before it in its row goes a row lower. Past maxTitleRows a title is left
// out; its mark is still drawn, and the month's list of annotations names
// it.
const (
	maxTitleRows = 3
	titleSize    = 7.5
	// titleRow is a row's height in points, a legend row's.
	titleRow = 11.5
)

// annotationTitle is one title placed in its row.
type annotationTitle struct {
	x     float64
	text  string
	color color.Color
	row   int
	left  bool // ends at its line rather than starting at it
}

// markColor is the colour of an annotation kind's mark and title.
func markColor(kind string) color.Color {
	switch kind {
	case results.AnnotationDeploy:
		return colDeploy
	case results.AnnotationFix:
		return colFix
	case results.AnnotationIncident:
		return rgb(0xb5651d)
	}
	return colRelease
}

// layoutTitles places the titles of the drawn annotations in rows; it
// returns them and the number of rows used. widthPts is the plot area's
// width in points, near enough to keep titles apart.
func layoutTitles(as []results.Annotation, from, to time.Time, widthPts float64) ([]annotationTitle, int) {
	x0, x1 := float64(from.Unix()), float64(to.Unix())
	perPt := (x1 - x0) / widthPts
	face := font.DefaultCache.Lookup(sans, titleSize)
	rowEnd := make([]float64, maxTitleRows) // where each row's last title ends
	for i := range rowEnd {
		rowEnd[i] = math.Inf(-1)
	}
	var out []annotationTitle
	rows := 0
	for _, a := range as {
		if !drawn(a.Kind) || a.Title == "" {
			continue
		}
		x := math.Max(x0, float64(a.Time.Unix()))
		if x > x1 {
			continue
		}
		text := shorten(a.Title, 40)
		w := (float64(face.Width(text)) + 4) * perPt
		t := annotationTitle{x: x, text: text, color: markColor(a.Kind)}
		lo, hi := x, x+w
		if hi > x1 { // near the right edge: end at the line
			t.left, lo, hi = true, x-w, x
		}
		placed := false
		for r := range rowEnd {
			if lo > rowEnd[r] {
				t.row, rowEnd[r], placed = r, hi, true
				break
			}
		}
		if !placed {
			continue
		}
		rows = max(rows, t.row+1)
		out = append(out, t)
	}
	return out, rows
}

// belowTitles is where a trend chart clips its values: under the rows of
// annotation titles at its top, so a clipped value and its label do not
// write over a title. height is the panel's, of which about 50 points are
// its title and time axis.
func belowTitles(top float64, rows int, height vg.Length) float64 {
	if rows == 0 {
		return top
	}
	area := math.Max(float64(height/vg.Points(1))-50, 60)
	return top * (1 - titleRow*float64(rows)/area)
}

// plotWidthPts is a trend chart's plot area, roughly: the chart less its
// value axis.
func plotWidthPts() float64 { return float64(chartWidth/vg.Points(1)) - 60 }

// drawAnnotations draws annotations on a trend chart whose x axis spans
// [from, to] in Unix seconds and whose y axis is [0, top]: incidents as
// spans under everything else, releases, deploys and fixes as vertical
// lines, and titles (layoutTitles) in rows at the top; the legend moves
// down below them. What the marks mean is annotationKey's caption.
func drawAnnotations(p *plot.Plot, as []results.Annotation, from, to time.Time, top float64, titles []annotationTitle, rows int) {
	x0, x1 := float64(from.Unix()), float64(to.Unix())
	clamp := func(t time.Time) float64 { return math.Min(x1, math.Max(x0, float64(t.Unix()))) }
	// Spans first: they lie under the lines and the runs.
	for _, a := range as {
		if a.Kind != results.AnnotationIncident {
			continue
		}
		end := a.Time
		if a.End != nil {
			end = *a.End
		}
		a0, a1 := clamp(a.Time), clamp(end)
		if a1-a0 < (x1-x0)/400 { // a moment: wide enough to see
			a1 = a0 + (x1-x0)/400
		}
		poly, err := plotter.NewPolygon(plotter.XYs{{X: a0, Y: 0}, {X: a1, Y: 0}, {X: a1, Y: top}, {X: a0, Y: top}})
		if err != nil {
			continue
		}
		poly.Color = colIncident
		poly.LineStyle.Width = 0
		p.Add(poly)
	}
	for _, a := range as {
		x := float64(a.Time.Unix())
		if x < x0 || x > x1 {
			continue
		}
		var dashes []vg.Length
		switch a.Kind {
		case results.AnnotationRelease:
		case results.AnnotationDeploy:
			dashes = dashed
		case results.AnnotationFix:
			dashes = dotted
		default:
			continue
		}
		if line(p, plotter.XYs{{X: x, Y: 0}, {X: x, Y: top}}, markColor(a.Kind), vg.Points(1.2), dashes) == nil {
			continue
		}
		if a.Kind == results.AnnotationFix {
			if sc, err := plotter.NewScatter(plotter.XYs{{X: x, Y: top}}); err == nil {
				sc.GlyphStyle = draw.GlyphStyle{Color: colFix, Radius: vg.Points(3), Shape: draw.BoxGlyph{}}
				p.Add(sc)
			}
		}
	}
	// One set of labels per row and side: a set shares its offset.
	for r := 0; r < rows; r++ {
		for _, left := range []bool{false, true} {
			var xy plotter.XYLabels
			var styles []draw.TextStyle
			for _, t := range titles {
				if t.row != r || t.left != left {
					continue
				}
				xy.XYs = append(xy.XYs, plotter.XY{X: t.x, Y: top})
				xy.Labels = append(xy.Labels, t.text)
				st := draw.TextStyle{Color: t.color, Font: font.From(sans, titleSize), XAlign: draw.XLeft, YAlign: draw.YTop,
					Handler: plot.DefaultTextHandler}
				if left {
					st.XAlign = draw.XRight
				}
				styles = append(styles, st)
			}
			if len(xy.XYs) == 0 {
				continue
			}
			lbl, err := plotter.NewLabels(xy)
			if err != nil {
				continue
			}
			copy(lbl.TextStyle, styles)
			dx := vg.Points(3)
			if left {
				dx = -dx
			}
			lbl.Offset = vg.Point{X: dx, Y: -vg.Points(2 + titleRow*float64(r))}
			p.Add(lbl)
		}
	}
	p.Legend.YOffs -= vg.Points(titleRow * float64(rows))
}

// shorten cuts s to n runes with an ellipsis.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
