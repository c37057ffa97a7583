package report

import (
	htmltemplate "html/template"
	"text/template"
)

var beforeAfterHTML = htmltemplate.Must(htmltemplate.Must(htmltemplate.New("beforeafter").Funcs(htmlFuncs).Parse(ownerCells)).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Base}} → {{.Candidate}} — hotbench before/after report</title>
<style>{{css}}</style>
</head>
<body>
<main>
<header>
<h1>{{.Scenario}}: <span class="mono-h">{{.Base}}</span> → <span class="mono-h">{{.Candidate}}</span></h1>
<p class="sub">hotbench before/after report · changes need p ≤ {{.Alpha}} (Mann–Whitney U, as benchstat) · {{.Confidence}} intervals · generated {{.Generated}}</p>
</header>
<section class="card summary"><p class="headline">{{.Headline}}</p></section>
<table class="wide">
<thead><tr><th>side</th><th>name</th><th class="num">runs</th><th class="num">valid repetitions</th><th>dates (UTC)</th><th>commits</th></tr></thead>
<tbody>
{{range .Sides}}<tr><td><strong>{{.Role}}</strong></td><td class="mono">{{.Name}}</td><td class="num">{{.Runs}}</td><td class="num">{{.Repetitions}}</td><td>{{.Dates}}</td><td class="mono">{{.Commits}}</td></tr>
{{end}}</tbody>
</table>
{{range .Sides}}{{if .Caveats}}<div class="warn"><strong>The {{.Role}}'s runs have caveats</strong><ul>{{range .Caveats}}<li>{{.}}</li>{{end}}</ul></div>{{end}}{{end}}
{{if .Warnings}}<div class="warn"><strong>Read these before trusting the comparison</strong><ul>{{range .Warnings}}<li>{{.}}</li>{{end}}</ul></div>{{end}}
{{if .TooFewRuns}}<div class="warn"><strong>Too few repetitions</strong>{{.TooFewRuns}}</div>{{end}}
<h2>Hotspots</h2>
{{if .Hotspots}}<table class="wide">
<thead><tr><th>hotspot</th><th>metric</th><th class="num">objective</th><th>candidate</th><th>verdict</th>{{if .HotspotOwners}}<th>owner</th><th>team</th><th>ticket</th>{{end}}</tr></thead>
<tbody>
{{range .Hotspots}}<tr><td><strong>{{.Name}}</strong></td><td>{{.Metric}}</td><td class="num">{{.Objective}}</td><td>{{.ObjectiveMet}}</td><td><span class="badge {{class .Verdict}}">{{.Verdict}}</span></td>{{if $.HotspotOwners}}{{template "owner" .Owner}}{{end}}</tr>
<tr><td></td><td colspan="{{if $.HotspotOwners}}7{{else}}4{{end}}" class="evidence">{{.Evidence}}</td></tr>
{{end}}</tbody>
</table>
<p class="muted">A verdict joins the hotspot's metric with its functions' share of the profile samples, per repetition: both must agree.</p>
{{else}}<p class="muted">The scenario declares no hotspots.</p>{{end}}
{{range .Endpoints}}
<h2>{{.Name}}</h2>
{{with .Chart}}<figure><img {{.Img}}></figure>{{end}}
<table class="wide">
<thead><tr><th>metric</th><th class="num">base</th><th class="num">interval</th><th class="num">candidate</th><th class="num">interval</th><th class="num">Δ</th><th class="num">p</th><th class="num">n</th></tr></thead>
<tbody>
{{range .Rows}}<tr><td{{if .Share}} class="mono"{{end}}>{{.Metric}}</td><td class="num">{{.Base}}</td><td class="num muted">{{.BaseCI}}</td><td class="num">{{.Candidate}}</td><td class="num muted">{{.CandidateCI}}</td><td class="num">{{if .Change}}<span class="badge {{.Change}}">{{.Delta}}</span>{{else}}{{.Delta}}{{end}}</td><td class="num">{{.P}}</td><td class="num">{{.N}}</td></tr>
{{end}}</tbody>
</table>
{{end}}
<p class="muted">Each value is the median of per-repetition values with its confidence interval, as benchstat computes them; the error rate is pooled over the requests with Wilson's interval and Fisher's exact test. Δ is the relative change of the medians (in percentage points, pp, for shares and pooled rates), shown only where p ≤ {{.Alpha}}; “~” is no significant change. The percentile curves merge every valid repetition's histogram.</p>
<h2>Profiles: what changed where</h2>
{{range .Profiles}}
<h3>{{.Title}} <span class="muted">({{.Kind}} profiles)</span></h3>
{{if .Rows}}<p class="muted">Merged profiles of the valid repetitions: base {{.BaseSources}}; candidate {{.CandidateSources}}. Functions by the change of their share of each profile, in percentage points (pp); cum includes callees.</p>
{{if .Caveats}}<div class="warn"><strong>Few samples: these shares are noise</strong><ul>{{range .Caveats}}<li>{{.}}</li>{{end}}</ul></div>{{end}}
<table class="wide"><thead><tr><th>function</th><th class="num">base cum</th><th class="num">candidate cum</th><th class="num">Δ cum</th><th class="num">base flat</th><th class="num">candidate flat</th><th class="num">Δ flat</th></tr></thead><tbody>
{{range .Rows}}<tr><td class="mono">{{.Name}}</td><td class="num">{{.BaseCum}}</td><td class="num">{{.CandCum}}</td><td class="num{{if .Better}} ok{{end}}{{if .Worse}} bad{{end}}">{{.DeltaCum}}</td><td class="num">{{.BaseFlat}}</td><td class="num">{{.CandFlat}}</td><td class="num">{{.DeltaFlat}}</td></tr>
{{end}}</tbody></table>{{else}}<p class="muted">{{.Note}}</p>{{end}}
{{else}}<p class="muted">Neither side captured profiles: set profiles.pprof (or profiles.command) in the scenario.</p>{{end}}
</main>
</body>
</html>
`))

var beforeAfterMarkdown = template.Must(template.Must(template.New("beforeafter.md").Funcs(mdFuncs).Parse(mdOwnerCells)).Parse(`# {{md .Scenario}}: {{md .Base}} → {{md .Candidate}}

hotbench before/after report · changes need p ≤ {{.Alpha}} (Mann–Whitney U, as benchstat) · {{.Confidence}} intervals · generated {{.Generated}}

**{{md .Headline}}**

| side | name | runs | valid repetitions | dates (UTC) | commits |
|---|---|---:|---:|---|---|
{{range .Sides}}| **{{.Role}}** | {{md .Name}} | {{.Runs}} | {{.Repetitions}} | {{.Dates}} | {{md .Commits}} |
{{end}}{{range .Sides}}{{if .Caveats}}
> **The {{.Role}}'s runs have caveats**
{{range .Caveats}}>
> - {{md .}}
{{end}}{{end}}{{end}}{{if .Warnings}}
> **Read these before trusting the comparison**
{{range .Warnings}}>
> - {{md .}}
{{end}}{{end}}{{if .TooFewRuns}}
> **Too few repetitions.** {{md .TooFewRuns}}
{{end}}
## Hotspots
{{if .Hotspots}}
| hotspot | metric | objective | candidate | verdict | evidence |{{if .HotspotOwners}} owner | team | ticket |{{end}}
|---|---|---:|---|---|---|{{if .HotspotOwners}}---|---|---|{{end}}
{{range .Hotspots}}| **{{md .Name}}** | {{md .Metric}} | {{.Objective}} | {{.ObjectiveMet}} | **{{.Verdict}}** | {{md .Evidence}} |{{if $.HotspotOwners}}{{template "owner" .Owner}}{{end}}
{{end}}
A verdict joins the hotspot's metric with its functions' share of the profile samples, per repetition: both must agree.
{{else}}
The scenario declares no hotspots.
{{end}}{{range .Endpoints}}
## {{md .Name}}
{{with .Chart}}
![{{md .Alt}}]({{.Src}})
{{end}}
| metric | base | interval | candidate | interval | Δ | p | n |
|---|---:|---:|---:|---:|---:|---:|---:|
{{range .Rows}}| {{if .Share}}{{code .Metric}}{{else}}{{md .Metric}}{{end}} | {{.Base}} | {{.BaseCI}} | {{.Candidate}} | {{.CandidateCI}} | {{if .Change}}**{{.Delta}}** ({{.Change}}){{else}}{{.Delta}}{{end}} | {{.P}} | {{.N}} |
{{end}}{{end}}
Each value is the median of per-repetition values with its confidence interval, as benchstat computes them; the error rate is pooled over the requests with Wilson's interval and Fisher's exact test. Δ is the relative change of the medians (in percentage points, pp, for shares and pooled rates), shown only where p ≤ {{.Alpha}}; “~” is no significant change. The percentile curves merge every valid repetition's histogram.

## Profiles: what changed where
{{range .Profiles}}
### {{.Title}} ({{.Kind}} profiles)
{{if .Rows}}
Merged profiles of the valid repetitions: base {{.BaseSources}}; candidate {{.CandidateSources}}. Functions by the change of their share of each profile, in percentage points (pp); cum includes callees.
{{if .Caveats}}
> **Few samples: these shares are noise**
{{range .Caveats}}>
> - {{md .}}
{{end}}{{end}}
| function | base cum | candidate cum | Δ cum | base flat | candidate flat | Δ flat |
|---|---:|---:|---:|---:|---:|---:|
{{range .Rows}}| {{code .Name}} | {{.BaseCum}} | {{.CandCum}} | {{.DeltaCum}} | {{.BaseFlat}} | {{.CandFlat}} | {{.DeltaFlat}} |
{{end}}{{else}}
{{md .Note}}
{{end}}{{else}}
Neither side captured profiles: set profiles.pprof (or profiles.command) in the scenario.
{{end}}`))
