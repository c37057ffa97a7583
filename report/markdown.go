package report

import (
	"strings"
	"text/template"
)

// md escapes text for a Markdown table cell or line: pipes would split a
// cell, and newlines would end the row.
func md(s string) string {
	r := strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ", "<", "&lt;", ">", "&gt;", "*", `\*`, "_", `\_`, "`", "'")
	return r.Replace(s)
}

// code writes a function name as inline code, where nothing needs
// escaping but a pipe.
func code(s string) string {
	return "`" + strings.ReplaceAll(strings.ReplaceAll(s, "`", "'"), "|", `\|`) + "`"
}

var mdFuncs = template.FuncMap{"md": md, "code": code}

// mdOwnerCells are a hotspot's owner, team and ticket cells.
const mdOwnerCells = `{{define "owner"}} {{md .Owner}} | {{md .Team}} | {{md .Ticket}} |{{end}}`

var runMarkdown = template.Must(template.Must(template.New("run.md").Funcs(mdFuncs).Parse(mdOwnerCells)).Parse(`# {{md .Scenario}} @ {{md .Label}}

hotbench run report{{if .Description}} · {{md .Description}}{{end}} · generated {{.Generated}}

| date | duration | valid repetitions | complete | host | git commit | load | versions |
|---|---|---:|---|---|---|---|---|
| {{.Date}} | {{if .Duration}}{{.Duration}}{{else}}unknown{{end}} | {{.Valid}} | {{if .Complete}}yes{{else}}**no**{{end}} | {{md .Host}} | {{code .Commit}} | {{md .Load}} | {{md .Version}} |
{{if .Incident}}
> **This run was measured during an incident:** {{md .Incident}}: month reports grey it and keep it out of trends.
{{end}}{{if not .Complete}}
> **This run is incomplete.**{{if .Incomplete}} {{md .Incomplete}}.{{end}} What was measured is shown; it may not be comparable with complete runs.
{{end}}{{if .Warnings}}
> **Warnings: read these before trusting the numbers**
{{range .Warnings}}>
> - {{md .}}
{{end}}{{end}}{{if .Hotspots}}
## Hotspots

| hotspot | metric | objective | due | this run | interval | status |{{if .HotspotOwners}} owner | team | ticket |{{end}}
|---|---|---:|---|---:|---:|---|{{if .HotspotOwners}}---|---|---|{{end}}
{{range .Hotspots}}| **{{md .Name}}** | {{md .Metric}} | {{.Objective}} | {{.Due}} | {{.Value}} | {{.Interval}} | **{{.Status}}** |{{if $.HotspotOwners}}{{template "owner" .Owner}}{{end}}
{{end}}
Each hotspot's value is the median of its metric over the valid repetitions (the error rate pooled over their requests), with its confidence interval: the value compare and the month report judge.
{{end}}
## Summary

| endpoint | requests | errors | throughput | error rate | p50 | p90 | p99 | p99.9 | max |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
{{range .Summary}}| **{{md .Name}}** | {{.Requests}} | {{.Errors}} | {{.RPS}} | {{.ErrorRate}} | {{.P50}} | {{.P90}} | {{.P99}} | {{.P999}} | {{.Max}} |
{{end}}
Latency is measured from each request's scheduled send time, for the responses that met expect, over the valid repetitions merged{{if .LeftOut}} ({{.LeftOut}} invalid left out){{end}}.
{{if .ErrorLatency}}
### Failed requests

| endpoint | failed | p50 | p90 | p99 | max |
|---|---:|---:|---:|---:|---:|
{{range .ErrorLatency}}| **{{md .Name}}** | {{.Failed}} | {{.P50}} | {{.P90}} | {{.P99}} | {{.Max}} |
{{end}}
Failed requests (an unexpected status, a timeout, a transport error) are timed apart: they never make the latency above look faster.
{{end}}
### Repetitions

| repetition | valid | why not | retry |
|---:|---|---|---|
{{range .RepRows}}| {{.Index}} | {{if .Valid}}yes{{else}}**no**{{end}} | {{md .Reasons}} | {{.Retry}} |
{{end}}{{range .Endpoints}}
## {{md .Name}}{{if .Path}} ({{code (print .Method " " .Path)}}){{end}}

| status | responses | share |
|---|---:|---:|
{{range .Status}}| {{if .Bad}}**{{.Key}}**{{else}}{{.Key}}{{end}} | {{.Count}} | {{.Share}} |
{{end}}{{if .ErrorClasses}}
| error class | count | share |
|---|---:|---:|
{{range .ErrorClasses}}| {{md .Key}} | {{.Count}} | {{.Share}} |
{{end}}{{end}}
Send lag (how late the generator sent requests): p99 {{.SendLagP99}}, max {{.SendLagMx}}.
{{range .Charts}}
![{{md .Alt}}]({{.Src}})
{{end}}{{end}}
## Top CPU functions
{{if .CPU}}
Server CPU profiles of the valid repetitions merged: {{.CPUMerged}}. Flat: time in the function itself; cum: with its callees.
{{if .CPUCaveat}}
> **Few samples:** {{md .CPUCaveat}}: more load or a longer window gives more.
{{end}}
| flat | flat % | cum | cum % | function |
|---:|---:|---:|---:|---|
{{range .CPU}}| {{.Flat}} | {{.FlatPct}} | {{.Cum}} | {{.CumPct}} | {{code .Name}} |
{{end}}{{else}}
{{.CPUNote}}
{{end}}`))

var monthMarkdown = template.Must(template.Must(template.New("month.md").Funcs(mdFuncs).Parse(mdOwnerCells)).Parse(`# Performance report: {{.Title}}

hotbench monthly report · runs from {{.From}} to {{.To}} (UTC) · generated {{.Generated}}

## For the minutes
{{range .Minutes}}
- {{md .}}{{end}}

## Summary

{{md .Headline}}
{{range .Lines}}
- {{md .Text}}{{end}}
{{with .Previous}}
## Since {{.Title}}

Each hotspot against {{.Title}} ({{.Runs}} runs, {{.From}} to {{.To}}): its status then and now, and its last run without caveats then against now, compared as compare does.
{{if .Moves}}
| hotspot | metric | movement | status then → now | last run then → now | change |{{if .Owners}} owner | team | ticket |{{end}}
|---|---|---|---|---:|---|{{if .Owners}}---|---|---|{{end}}
{{$owners := .Owners}}{{range .Moves}}| **{{md .Scenario}} / {{md .Name}}** | {{md .Metric}} | **{{.Movement}}**{{if .Why}}: {{md .Why}}{{end}} | {{.StatusThen}} → {{.StatusNow}} | {{.Values}} | {{.Change}} |{{if $owners}}{{template "owner" .Owner}}{{end}}
{{end}}{{else}}
No hotspots to compare.
{{end}}{{if .Warnings}}
> **Some runs of {{.Title}} could not be read**
{{range .Warnings}}>
> - {{md .}}
{{end}}{{end}}{{end}}{{if .Warnings}}
> **Some results could not be read and are not in this report**
{{range .Warnings}}>
> - {{md .}}
{{end}}{{end}}{{if not .Scenarios}}
No runs and no saved verdicts in this month.
{{end}}{{range .Scenarios}}
## {{md .Name}}

{{if .Description}}{{md .Description}} · {{end}}{{.Period}}
{{if .Warnings}}
> **Left out of this scenario**
{{range .Warnings}}>
> - {{md .}}
{{end}}{{end}}{{if .Caveats}}
> **Runs with caveats: marked on the charts (red rings; grey rings inside an incident), left out of the trends**
{{range .Caveats}}>
> - {{md .}}
{{end}}{{end}}{{if .LeftOut}}
{{.LeftOut}}
{{end}}
### Hotspots
{{if .Hotspots}}
| hotspot | metric | objective | due | first run | last run | best | since first run | status |{{if .HotspotOwners}} owner | team | ticket |{{end}}
|---|---|---:|---|---:|---:|---:|---|---|{{if .HotspotOwners}}---|---|---|{{end}}
{{$owners := .HotspotOwners}}{{range .Hotspots}}| **{{md .Name}}** | {{md .Metric}} | {{.Objective}} | {{.Due}} | {{.First}} | {{.Last}} | {{.Best}} | {{.Change}} | **{{.Status}}** |{{if $owners}}{{template "owner" .Owner}}{{end}}
{{end}}{{if .AnnotationKey}}
{{md .AnnotationKey}}
{{end}}{{range .Hotspots}}
#### {{md .Name}}: {{.Status}}

{{md .StatusText}}.{{if .Functions}} Functions: {{code .Functions}}.{{end}}
{{if .Evidence}}
First run against last: {{md .Evidence}}
{{end}}{{with .Chart}}
![{{md .Alt}}]({{.Src}})
{{end}}{{end}}{{else}}
This scenario declares no hotspots.
{{end}}{{if .Endpoints}}
### Throughput and errors
{{range .Endpoints}}{{with .Chart}}
![{{md .Alt}}]({{.Src}})
{{end}}{{end}}{{end}}{{if .Annotations}}
### Annotations this month

| when (UTC) | kind | title | commit |
|---|---|---|---|
{{range .Annotations}}| {{.When}} | {{.Kind}} | **{{md .Title}}**{{if .Text}}: {{md .Text}}{{end}}{{if .URL}} ({{md .URL}}){{end}} | {{if .Commit}}{{code .Commit}}{{end}} |
{{end}}{{end}}
### Fixed this month
{{if .Fixes}}{{range .Fixes}}
- **{{md .Hotspot}}** ({{.Date}}, {{.Kind}}), {{md .Tracked}}: {{md .Change}}
  - {{md .Sides}}; commits {{md .Commits}}
  - Profile: {{md .Profile}}{{if .Note}}
  - Learned: {{md .Note}}{{end}}{{end}}
{{else}}
No saved verdict this month found a hotspot improved (save one with compare, gate or ab --save, and --ticket, --pr, --note).
{{end}}
### Verdicts this month
{{if .Verdicts}}{{range .Verdicts}}
- **{{.Date}}, {{.Kind}}**: {{md .Base}} → {{md .Candidate}}{{if .Result}}, **{{.Result}}**{{end}}{{range .Hotspots}}
  - {{md .Name}}: **{{.Verdict}}**. {{md .Evidence}}{{end}}{{range .Failures}}
  - gate failure: {{md .}}{{end}}{{end}}
{{else}}
No compare or gate verdicts were saved this month.
{{end}}
### Top CPU functions: last run against first
{{if .CPU}}
Merged server CPU profiles of the valid repetitions of {{md .CPUFirst}} (first: {{.CPUFirstSamples}}) and {{md .CPULast}} (last: {{.CPULastSamples}}), as shares of each profile; Δ is the change of a share in percentage points (pp).
{{if .CPUCaveats}}
> **Few samples: these shares are noise**
{{range .CPUCaveats}}>
> - {{md .}}
{{end}}{{end}}
| function | first cum | last cum | Δ cum | first flat | last flat | Δ flat |
|---|---:|---:|---:|---:|---:|---:|
{{range .CPU}}| {{code .Name}} | {{.BaseCum}} | {{.CandCum}} | {{.DeltaCum}} | {{.BaseFlat}} | {{.CandFlat}} | {{.DeltaFlat}} |
{{end}}{{else}}
{{md .CPUNote}}
{{end}}{{if .Runs}}
<details><summary>All {{len .Runs}} runs of the month</summary>

| date | run | commit | valid repetitions | complete | caveats |{{range .HotspotNames}} {{md .}} |{{end}}
|---|---|---|---:|---|---|{{range .HotspotNames}}---:|{{end}}
{{range .Runs}}| {{.Date}} | {{md .Ref}} | {{code .Commit}} | {{.Repetitions}} | {{.Complete}} | {{if .Caveats}}**{{md .Caveats}}**{{end}} |{{range .Values}} {{.}} |{{end}}
{{end}}
</details>
{{end}}{{end}}`))
