package report

import (
	"encoding/base64"
	"fmt"
	"html"
	"html/template"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/hotbench/hotbench/compare"
	"github.com/hotbench/hotbench/internal/safefile"
)

// chartRef is a rendered chart as a page links to it.
type chartRef struct {
	Alt string
	// Src is a data: URI in HTML, a relative file path in Markdown.
	Src  string
	W, H int
}

// Img is the chart's <img> attributes. They are assembled here rather
// than by html/template, which would escape every "+" of the base64 data
// as "&#43;" and grow the page by a tenth; Src is base64 or a path this
// package made, and the alt text is escaped.
func (c chartRef) Img() template.HTMLAttr {
	return template.HTMLAttr(fmt.Sprintf(`src="%s" width="%d" height="%d" alt="%s"`,
		html.EscapeString(c.Src), c.W, c.H, html.EscapeString(c.Alt)))
}

// placer turns a rendered chart into what a page links to.
type placer func(image) (chartRef, error)

// dataURI embeds the PNG in the page, so the HTML file stands alone.
func dataURI(img image) (chartRef, error) {
	src := "data:image/png;base64," + base64.StdEncoding.EncodeToString(img.PNG)
	return chartRef{Alt: img.Alt, Src: src, W: img.W, H: img.H}, nil
}

// pngFiles writes each chart to dir/NAME.png and links it as
// relPrefix/NAME.png.
func pngFiles(dir, relPrefix string) placer {
	return func(img image) (chartRef, error) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return chartRef{}, fmt.Errorf("create chart folder: %w", err)
		}
		name := img.Name + ".png"
		// The chart folder is the user's: a link or FIFO there is never
		// written through or replaced.
		if err := safefile.WriteFile(filepath.Join(dir, name), img.PNG, 0o644, safefile.RegularOnly()); err != nil {
			return chartRef{}, fmt.Errorf("write chart: %w", err)
		}
		src := name
		if relPrefix != "" {
			src = path.Join(filepath.ToSlash(relPrefix), name)
		}
		return chartRef{Alt: img.Alt, Src: src, W: img.W, H: img.H}, nil
	}
}

// css uses the system's fonts and nothing from outside the page.
const css = `
:root{--fg:#1c2330;--muted:#5d6676;--line:#dde2ea;--bg:#f3f5f8;--card:#fff;--head:#f7f8fa}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans","Liberation Sans",sans-serif}
main{max-width:1180px;margin:0 auto;padding:28px 36px 56px}
h1{font-size:30px;line-height:1.2;margin:0 0 4px}
h2{font-size:23px;margin:40px 0 12px;padding-bottom:6px;border-bottom:2px solid var(--line)}
h3{font-size:18px;margin:26px 0 8px}
h4{font-size:15px;margin:0 0 6px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
p{margin:6px 0}
.sub{color:var(--muted);margin:0 0 18px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px 20px;margin:14px 0}
.meta{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:10px 24px;margin:0}
.meta div{min-width:0}
.meta dt{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.meta dd{margin:0;font-weight:600;overflow-wrap:anywhere}
table{border-collapse:collapse;font-variant-numeric:tabular-nums;background:var(--card)}
th,td{padding:6px 12px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{background:var(--head);font-size:13px;color:var(--muted);font-weight:600;white-space:nowrap}
td.num,th.num{text-align:right;white-space:nowrap}
.nowrap{white-space:nowrap}
tbody tr:nth-child(even) td{background:#fafbfc}
.wide{width:100%}
.tables{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start;margin:10px 0 14px}
.tables .card{margin:0}
figure{margin:14px 0}
figure img{display:block;max-width:100%;height:auto;border:1px solid var(--line);border-radius:8px;background:#fff}
figcaption{font-size:13px;color:var(--muted);margin-top:4px}
code,.mono,.mono-h{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:13px}
.mono-h{font-size:.8em;font-weight:600}
.badge{display:inline-block;padding:1px 9px;border-radius:11px;font-size:13px;font-weight:600;white-space:nowrap}
.ok,.met,.improved,.pass{background:#e2f3e5;color:#1b6a2b}
.on-track{background:#e3edfb;color:#1d5ea8}
.off-track,.regressed,.fail,.bad{background:#fbe4e4;color:#a21f29}
.neutral,.unchanged,.cannot-tell,.no-data,.no-trend{background:#eceff3;color:#4d5666}
td.bad{background:#fdf0f0!important;color:#a21f29;font-weight:600}
.warn{background:#fff6df;border:1px solid #efc869;border-left:6px solid #dd9f00;border-radius:8px;padding:12px 18px;margin:14px 0}
.warn strong{display:block;margin-bottom:4px}
.warn ul{margin:4px 0 0;padding-left:20px}
.summary ul{margin:8px 0 0;padding-left:0;list-style:none}
.summary li{padding:5px 0;border-top:1px solid var(--line)}
.summary li:first-child{border-top:0}
.headline{font-size:17px;font-weight:600}
.evidence{color:var(--muted);font-size:14px}
details summary{cursor:pointer;font-weight:600;margin:8px 0}
.muted{color:var(--muted)}
.minutes ul{margin:6px 0;padding-left:20px}
tr.incident td{color:#8a8a8a;background:#f1f1f1!important}
.note{margin-top:4px;padding-left:10px;border-left:3px solid var(--line);font-style:italic}
.ann-release{background:#ece4f4;color:#6a3d9a}
.ann-deploy{background:#dff1f0;color:#1a6f6b}
.ann-incident{background:#fbe3cc;color:#8a4a12}
.ann-fix{background:#e2f3e5;color:#1b6a2b}
.ann-note{background:#eceff3;color:#4d5666}
pre{background:var(--head);border:1px solid var(--line);border-radius:6px;padding:10px 14px;white-space:pre-wrap;font-size:13px}
@media (max-width:900px){.meta{grid-template-columns:repeat(2,minmax(0,1fr))}main{padding:16px}}
`

// ownerCells are a hotspot's owner, team and ticket cells.
const ownerCells = `{{define "owner"}}<td>{{.Owner}}</td><td>{{.Team}}</td><td class="mono nowrap">{{.Ticket}}</td>{{end}}`

var htmlFuncs = template.FuncMap{
	"css":   func() template.CSS { return template.CSS(css) },
	"class": func(v any) string { return statusClass(fmt.Sprint(v)) },
}

// statusClass turns a Status, MonthChange or compare.Verdict (or a view's
// string of one) into a CSS class name.
func statusClass(s string) string {
	switch s {
	case string(compare.VerdictNoChange):
		return "unchanged"
	case string(StatusNoTrend):
		return "no-trend"
	case string(compare.VerdictInconclusive):
		return "cannot-tell"
	}
	return strings.ReplaceAll(s, " ", "-")
}

var runHTML = template.Must(template.Must(template.New("run").Funcs(htmlFuncs).Parse(ownerCells)).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Ref}} — hotbench run report</title>
<style>{{css}}</style>
</head>
<body>
<main>
<header>
<h1>{{.Scenario}} <span class="muted">@ {{.Label}}</span></h1>
<p class="sub">hotbench run report{{if .Description}} · {{.Description}}{{end}} · generated {{.Generated}}</p>
</header>
<section class="card">
<dl class="meta">
<div><dt>Date</dt><dd>{{.Date}}</dd></div>
<div><dt>Duration</dt><dd>{{if .Duration}}{{.Duration}}{{else}}unknown{{end}}</dd></div>
<div><dt>Repetitions</dt><dd>{{.Valid}} valid{{if .LeftOut}}, {{.LeftOut}} left out{{end}}</dd></div>
<div><dt>Complete</dt><dd>{{if .Complete}}<span class="badge ok">complete</span>{{else}}<span class="badge bad">incomplete</span>{{end}}</dd></div>
<div><dt>Host</dt><dd>{{.Host}}</dd></div>
<div><dt>Git commit</dt><dd class="mono">{{.Commit}}</dd></div>
<div><dt>Load</dt><dd>{{.Load}}</dd></div>
<div><dt>Versions</dt><dd>{{.Version}}</dd></div>
</dl>
</section>
{{if .Incident}}<div class="warn"><strong>This run was measured during an incident</strong>{{.Incident}}: month reports grey it and keep it out of trends.</div>{{end}}
{{if not .Complete}}<div class="warn"><strong>This run is incomplete.</strong>{{if .Incomplete}}{{.Incomplete}}. {{end}}What was measured is shown; it may not be comparable with complete runs.</div>{{end}}
{{if .Warnings}}<div class="warn"><strong>Warnings: read these before trusting the numbers</strong><ul>{{range .Warnings}}<li>{{.}}</li>{{end}}</ul></div>{{end}}
{{if .Hotspots}}<h2>Hotspots</h2>
<table class="wide">
<thead><tr><th>hotspot</th><th>metric</th><th class="num">objective</th><th>due</th><th class="num">this run</th><th class="num">interval</th><th>status</th>{{if .HotspotOwners}}<th>owner</th><th>team</th><th>ticket</th>{{end}}</tr></thead>
<tbody>
{{range .Hotspots}}<tr><td><strong>{{.Name}}</strong>{{if .Functions}}<div class="muted mono">{{.Functions}}</div>{{end}}</td><td>{{.Metric}}</td><td class="num">{{.Objective}}</td><td class="nowrap">{{.Due}}</td><td class="num">{{.Value}}</td><td class="num muted">{{.Interval}}</td><td><span class="badge {{.Class}}">{{.Status}}</span></td>{{if $.HotspotOwners}}{{template "owner" .Owner}}{{end}}</tr>
{{end}}</tbody>
</table>
<p class="muted">Each hotspot's value is the median of its metric over the valid repetitions (the error rate pooled over their requests), with its confidence interval: the value compare and the month report judge.</p>
{{end}}<h2>Summary</h2>
<table class="wide">
<thead><tr><th>endpoint</th><th class="num">requests</th><th class="num">errors</th><th class="num">throughput</th><th class="num">error rate</th><th class="num">p50</th><th class="num">p90</th><th class="num">p99</th><th class="num">p99.9</th><th class="num">max</th></tr></thead>
<tbody>
{{range .Summary}}<tr><td><strong>{{.Name}}</strong></td><td class="num">{{.Requests}}</td><td class="num">{{.Errors}}</td><td class="num">{{.RPS}}</td><td class="num{{if .Failing}} bad{{end}}">{{.ErrorRate}}</td><td class="num">{{.P50}}</td><td class="num">{{.P90}}</td><td class="num">{{.P99}}</td><td class="num">{{.P999}}</td><td class="num">{{.Max}}</td></tr>
{{end}}</tbody>
</table>
<p class="muted">Latency is measured from each request's scheduled send time, for the responses that met expect, over the valid repetitions merged{{if .LeftOut}} ({{.LeftOut}} invalid left out){{end}}.</p>
{{if .ErrorLatency}}<h3>Failed requests</h3>
<table><thead><tr><th>endpoint</th><th class="num">failed</th><th class="num">p50</th><th class="num">p90</th><th class="num">p99</th><th class="num">max</th></tr></thead><tbody>
{{range .ErrorLatency}}<tr><td><strong>{{.Name}}</strong></td><td class="num">{{.Failed}}</td><td class="num">{{.P50}}</td><td class="num">{{.P90}}</td><td class="num">{{.P99}}</td><td class="num">{{.Max}}</td></tr>
{{end}}</tbody></table>
<p class="muted">Failed requests (an unexpected status, a timeout, a transport error) are timed apart: they never make the latency above look faster.</p>{{end}}
<details{{if .LeftOut}} open{{end}}><summary>Repetitions: {{.Valid}} valid{{if .LeftOut}}, {{.LeftOut}} left out of every value{{end}}</summary>
<table><thead><tr><th class="num">repetition</th><th>valid</th><th>why not</th><th>retry</th></tr></thead><tbody>
{{range .RepRows}}<tr><td class="num">{{.Index}}</td><td>{{if .Valid}}<span class="badge ok">valid</span>{{else}}<span class="badge bad">invalid</span>{{end}}</td><td>{{.Reasons}}</td><td>{{.Retry}}</td></tr>
{{end}}</tbody></table></details>
{{range .Endpoints}}
<h2>{{.Name}}{{if .Path}} <span class="muted mono">{{.Method}} {{.Path}}</span>{{end}}</h2>
<div class="tables">
<div class="card"><h4>Status codes</h4>
{{if .Status}}<table><thead><tr><th>status</th><th class="num">responses</th><th class="num">share</th></tr></thead><tbody>
{{range .Status}}<tr><td{{if .Bad}} class="bad"{{end}}>{{.Key}}</td><td class="num">{{.Count}}</td><td class="num">{{.Share}}</td></tr>
{{end}}</tbody></table>{{else}}<p class="muted">No responses.</p>{{end}}
</div>
{{if .ErrorClasses}}<div class="card"><h4>Errors by class</h4>
<table><thead><tr><th>class</th><th class="num">count</th><th class="num">share</th></tr></thead><tbody>
{{range .ErrorClasses}}<tr><td>{{.Key}}</td><td class="num">{{.Count}}</td><td class="num">{{.Share}}</td></tr>
{{end}}</tbody></table>
{{if .ErrorSamples}}<p class="muted">First errors: {{range $i, $e := .ErrorSamples}}{{if $i}}; {{end}}<code>{{$e}}</code>{{end}}</p>{{end}}
</div>{{end}}
<div class="card"><h4>Send lag</h4>
<table><tbody><tr><td>p99</td><td class="num">{{.SendLagP99}}</td></tr><tr><td>max</td><td class="num">{{.SendLagMx}}</td></tr></tbody></table>
<p class="muted">How late the generator sent requests.</p>
</div>
</div>
{{range .Charts}}<figure><img {{.Img}}></figure>
{{end}}
{{end}}
<h2>Top CPU functions</h2>
{{if .CPU}}<p class="muted">Server CPU profiles of the valid repetitions merged: {{.CPUMerged}}. Flat: time in the function itself; cum: with its callees.</p>
{{if .CPUCaveat}}<div class="warn"><strong>Few samples</strong>{{.CPUCaveat}}: more load or a longer window gives more.</div>{{end}}
<table><thead><tr><th class="num">flat</th><th class="num">flat %</th><th class="num">cum</th><th class="num">cum %</th><th>function</th></tr></thead><tbody>
{{range .CPU}}<tr><td class="num">{{.Flat}}</td><td class="num">{{.FlatPct}}</td><td class="num">{{.Cum}}</td><td class="num">{{.CumPct}}</td><td class="mono">{{.Name}}</td></tr>
{{end}}</tbody></table>{{else}}<p class="muted">{{.CPUNote}}</p>{{end}}
</main>
</body>
</html>
`))

var monthHTML = template.Must(template.Must(template.New("month").Funcs(htmlFuncs).Parse(ownerCells)).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} — hotbench monthly report</title>
<style>{{css}}</style>
</head>
<body>
<main>
<header>
<h1>Performance report: {{.Title}}</h1>
<p class="sub">hotbench monthly report · runs from {{.From}} to {{.To}} (UTC) · generated {{.Generated}}</p>
</header>
<section class="card summary">
<p class="headline">{{.Headline}}</p>
{{if .Lines}}<ul>{{range .Lines}}<li><span class="badge {{class .Status}}">{{.Status}}</span> {{.Text}}</li>{{end}}</ul>{{end}}
</section>
<section class="card minutes">
<h4>For the minutes</h4>
<ul>{{range .Minutes}}<li>{{.}}</li>{{end}}</ul>
<details><summary>Markdown to paste</summary><pre>{{range .Minutes}}- {{.}}
{{end}}</pre></details>
</section>
{{with .Previous}}<h2>Since {{.Title}}</h2>
<p class="muted">Each hotspot against {{.Title}} ({{.Runs}} runs, {{.From}} to {{.To}}): its status then and now, and its last run without caveats then against now, compared as compare does.</p>
{{if .Warnings}}<div class="warn"><strong>Some runs of {{.Title}} could not be read</strong><ul>{{range .Warnings}}<li>{{.}}</li>{{end}}</ul></div>{{end}}
{{if .Moves}}<table class="wide">
<thead><tr><th>hotspot</th><th>movement</th><th>status then → now</th><th class="num">last run then → now</th><th>change</th>{{if .Owners}}<th>owner</th><th>team</th><th>ticket</th>{{end}}</tr></thead>
<tbody>
{{$owners := .Owners}}{{range .Moves}}<tr><td><strong>{{.Name}}</strong><div class="evidence">{{.Scenario}} · {{.Metric}}</div></td><td><span class="badge {{.MovementClass}}">{{.Movement}}</span>{{if .Why}}<div class="evidence">{{.Why}}</div>{{end}}</td><td>{{.StatusThen}} → {{.StatusNow}}</td><td class="num">{{.Values}}</td><td>{{if ne .Change "–"}}<span class="badge {{class .Change}}">{{.Change}}</span>{{else}}–{{end}}</td>{{if $owners}}{{template "owner" .Owner}}{{end}}</tr>
{{end}}</tbody>
</table>{{else}}<p class="muted">No hotspots to compare.</p>{{end}}
{{end}}
{{if .Warnings}}<div class="warn"><strong>Some results could not be read and are not in this report</strong><ul>{{range .Warnings}}<li>{{.}}</li>{{end}}</ul></div>{{end}}
{{if not .Scenarios}}<p>No runs and no saved verdicts in this month.</p>{{end}}
{{range .Scenarios}}
<h2>{{.Name}}</h2>
<p class="sub">{{if .Description}}{{.Description}} · {{end}}{{.Period}}</p>
{{if .Warnings}}<div class="warn"><strong>Left out of this scenario</strong><ul>{{range .Warnings}}<li>{{.}}</li>{{end}}</ul></div>{{end}}
{{if .Caveats}}<div class="warn"><strong>Runs with caveats: marked on the charts (red rings; grey rings inside an incident), left out of the trends</strong><ul>{{range .Caveats}}<li>{{.}}</li>{{end}}</ul></div>{{end}}
{{if .LeftOut}}<p class="muted">{{.LeftOut}}</p>{{end}}
{{if .Hotspots}}
<h3>Hotspots</h3>
<table class="wide">
<thead><tr><th>hotspot</th><th>metric</th><th class="num">objective</th><th>due</th><th class="num">first run</th><th class="num">last run</th><th class="num">best</th><th>since first run</th><th>status</th>{{if .HotspotOwners}}<th>owner</th><th>team</th><th>ticket</th>{{end}}</tr></thead>
<tbody>
{{$owners := .HotspotOwners}}{{range .Hotspots}}<tr><td><strong>{{.Name}}</strong></td><td>{{.Metric}}</td><td class="num">{{.Objective}}</td><td>{{.Due}}</td><td class="num">{{.First}}</td><td class="num">{{.Last}}</td><td class="num">{{.Best}}</td><td><span class="badge {{class .Change}}">{{.Change}}</span></td><td><span class="badge {{class .Status}}">{{.Status}}</span></td>{{if $owners}}{{template "owner" .Owner}}{{end}}</tr>
{{end}}</tbody>
</table>
{{if .AnnotationKey}}<p class="muted">{{.AnnotationKey}}</p>{{end}}
{{range .Hotspots}}
<h3>{{.Name}} <span class="badge {{class .Status}}">{{.Status}}</span></h3>
<p>{{.StatusText}}.{{if .Functions}} Functions: <code>{{.Functions}}</code>.{{end}}</p>
{{if .Evidence}}<p class="evidence">First run against last: {{.Evidence}}</p>{{end}}
{{with .Chart}}<figure><img {{.Img}}></figure>{{end}}
{{end}}
{{else}}<p class="muted">This scenario declares no hotspots.</p>{{end}}
{{if .Endpoints}}<h3>Throughput and errors</h3>
{{range .Endpoints}}{{with .Chart}}<figure><img {{.Img}}></figure>{{end}}
{{end}}{{end}}
{{if .Annotations}}<h3>Annotations this month</h3>
<table class="wide"><thead><tr><th>when (UTC)</th><th>kind</th><th>title</th><th>commit</th></tr></thead><tbody>
{{range .Annotations}}<tr><td class="nowrap">{{.When}}</td><td><span class="badge ann-{{.Kind}}">{{.Kind}}</span></td><td><strong>{{.Title}}</strong>{{if .Text}}<div class="evidence">{{.Text}}</div>{{end}}{{if .URL}}<div class="evidence mono">{{.URL}}</div>{{end}}</td><td class="mono">{{.Commit}}</td></tr>
{{end}}</tbody></table>{{end}}
<h3>Fixed this month</h3>
{{if .Fixes}}<table class="wide"><thead><tr><th>hotspot</th><th>ticket / PR</th><th>measured change</th></tr></thead><tbody>
{{range .Fixes}}<tr><td><strong>{{.Hotspot}}</strong><div class="evidence nowrap">{{.Date}}, {{.Kind}}</div></td><td class="mono">{{.Tracked}}</td><td>{{.Change}}
<div class="evidence">{{.Sides}}; commits {{.Commits}}</div>
<div class="evidence">Profile: {{.Profile}}</div>
{{if .Note}}<div class="note">“{{.Note}}”</div>{{end}}</td></tr>
{{end}}</tbody></table>{{else}}<p class="muted">No saved verdict this month found a hotspot improved (save one with compare, gate or ab --save, and --ticket, --pr, --note).</p>{{end}}
<h3>Verdicts this month</h3>
{{if .Verdicts}}<table class="wide"><thead><tr><th>date</th><th>kind</th><th>base → candidate</th><th>result</th></tr></thead><tbody>
{{range .Verdicts}}<tr><td class="nowrap">{{.Date}}</td><td>{{.Kind}}</td><td>{{.Base}} → {{.Candidate}}</td><td>{{if .Result}}<span class="badge {{.ResultClass}}">{{.Result}}</span>{{end}}
{{range .Hotspots}}<div><strong>{{.Name}}</strong>: <span class="badge {{class .Verdict}}">{{.Verdict}}</span> <span class="evidence">{{.Evidence}}</span></div>{{end}}
{{range .Failures}}<div class="evidence">gate failure: {{.}}</div>{{end}}</td></tr>
{{end}}</tbody></table>{{else}}<p class="muted">No compare or gate verdicts were saved this month.</p>{{end}}
<h3>Top CPU functions: last run against first</h3>
{{if .CPU}}<p class="muted">Merged server CPU profiles of the valid repetitions of {{.CPUFirst}} (first: {{.CPUFirstSamples}}) and {{.CPULast}} (last: {{.CPULastSamples}}), as shares of each profile; Δ is the change of a share in percentage points (pp).</p>
{{if .CPUCaveats}}<div class="warn"><strong>Few samples: these shares are noise</strong><ul>{{range .CPUCaveats}}<li>{{.}}</li>{{end}}</ul></div>{{end}}
<table class="wide"><thead><tr><th>function</th><th class="num">first cum</th><th class="num">last cum</th><th class="num">Δ cum</th><th class="num">first flat</th><th class="num">last flat</th><th class="num">Δ flat</th></tr></thead><tbody>
{{range .CPU}}<tr><td class="mono">{{.Name}}</td><td class="num">{{.BaseCum}}</td><td class="num">{{.CandCum}}</td><td class="num{{if .Better}} ok{{end}}{{if .Worse}} bad{{end}}">{{.DeltaCum}}</td><td class="num">{{.BaseFlat}}</td><td class="num">{{.CandFlat}}</td><td class="num">{{.DeltaFlat}}</td></tr>
{{end}}</tbody></table>{{else}}<p class="muted">{{.CPUNote}}</p>{{end}}
{{if .Runs}}<details><summary>All {{len .Runs}} runs of the month</summary>
<table class="wide"><thead><tr><th>date</th><th>run</th><th>commit</th><th class="num">valid repetitions</th><th>complete</th><th>caveats</th>{{range .HotspotNames}}<th class="num">{{.}}</th>{{end}}</tr></thead><tbody>
{{range .Runs}}<tr{{if .Incident}} class="incident"{{end}}><td>{{.Date}}</td><td>{{.Ref}}</td><td class="mono">{{.Commit}}</td><td class="num">{{.Repetitions}}</td><td>{{.Complete}}</td><td{{if and .Caveats (not .Incident)}} class="bad"{{end}}>{{.Caveats}}</td>{{range .Values}}<td class="num">{{.}}</td>{{end}}</tr>
{{end}}</tbody></table></details>{{end}}
{{end}}
</main>
</body>
</html>
`))
