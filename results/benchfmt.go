package results

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/perf/benchunit"

	"github.com/hotbench/hotbench/metric"
)

// BenchfmtUnit returns the unit under which ExportBenchfmt writes a metric
// (p99 → p99-latency-sec, p95 → p95-latency-sec), for messages that point
// users at benchstat: metric.Metric.Benchfmt. Latencies are in seconds with
// a "-sec" suffix, as Go's own load benchmarks write them, so benchstat
// scales them to µ and m; "B/req" is binary like "B/op", so it scales to Ki
// and Mi. No unit contains "ns" or "MB", which benchstat would rescale, so
// values read back bit for bit.
func BenchfmtUnit(name string) string {
	if m, ok := metric.Lookup(name); ok && m.Benchfmt() != "" {
		return m.Benchfmt()
	}
	return strings.ReplaceAll(name, "_", "-")
}

// benchMetrics are the metrics ExportBenchfmt writes for a run: the
// standard ones and the other percentiles its scenario names.
func benchMetrics(r *Run) []string {
	names := slices.Clone(metric.Standard)
	for _, p := range r.Scenario.Percentiles() {
		if !slices.Contains(names, p) {
			names = append(names, p)
		}
	}
	return names
}

// ExportBenchfmt writes runs in the Go benchmark format
// (https://go.dev/design/14313-benchmark-format), which stock benchstat
// reads: one line per repetition and endpoint,
//
//	BenchmarkManualSearch/endpoint=search  20000  0.0012 p50-latency-sec … 199.9 req/s  0 errors/req
//
// The iteration count is the endpoint's requests; the values are exactly
// those Repetition.Value returns, so benchstat and hotbench compare the same
// numbers. A repetition's hotspot function shares ride on the line of the
// hotspot's endpoint, as units like "cpu-share:manuals.(*Store).StepsFor".
// Endpoints without requests in a repetition have no line. Only valid
// repetitions are written, as compare uses only those; each one left out is
// named in a comment with its reasons.
//
// The only configuration line is "scenario:". The run's folder, label,
// commit, host and start are written as comments: benchstat splits its
// tables by every configuration value, so per-run lines would stop it from
// comparing a base file with a candidate file, or from pooling several runs
// of one side.
func ExportBenchfmt(w io.Writer, runs ...*Run) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "# hotbench runs in the Go benchmark format: one line per repetition and endpoint,")
	fmt.Fprintln(bw, "# the iteration count is the endpoint's requests. Compare: benchstat base.txt candidate.txt")
	declared := map[string]bool{}
	declare := func(unit, better string) {
		if !declared[unit] {
			declared[unit] = true
			fmt.Fprintf(bw, "Unit %s better=%s\n", unit, better)
		}
	}
	declareMetrics := func(names []string) {
		for _, name := range names {
			better := "lower"
			if m, _ := metric.Lookup(name); m.HigherIsBetter() {
				better = "higher"
			}
			declare(BenchfmtUnit(name), better)
		}
	}
	declareMetrics(metric.Standard)
	for _, r := range runs {
		if r == nil {
			continue
		}
		declareMetrics(benchMetrics(r))
		lines := benchLines(r)
		fmt.Fprintln(bw)
		writeRunComments(bw, r)
		fmt.Fprintf(bw, "scenario: %s\n", oneLine(r.Scenario.Name))
		for _, l := range lines {
			for _, u := range l.shareUnits {
				declare(u, "lower") // a hotspot's share shrinking is the fix working
			}
			fmt.Fprintln(bw, l.text)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export benchfmt: %w", err)
	}
	return nil
}

func writeRunComments(w io.Writer, r *Run) {
	if r.Dir != "" {
		fmt.Fprintf(w, "# hotbench-run: %s\n", oneLine(r.Dir))
	}
	if r.Label != "" {
		fmt.Fprintf(w, "# label: %s\n", oneLine(r.Label))
	}
	if r.Git.Commit != "" {
		dirty := ""
		if r.Git.Dirty {
			dirty = " (dirty)"
		}
		fmt.Fprintf(w, "# commit: %s%s\n", oneLine(r.Git.Commit), dirty)
	}
	if h := r.Host; h.Name != "" || h.OS != "" {
		fmt.Fprintf(w, "# host: %s (%s/%s, %d CPUs)\n", oneLine(h.Name), oneLine(h.OS), oneLine(h.Arch), h.CPUs)
	}
	if !r.Start.IsZero() {
		fmt.Fprintf(w, "# start: %s\n", r.Start.UTC().Format(time.RFC3339))
	}
	if !r.Complete {
		reason := r.IncompleteReason
		if reason == "" {
			reason = "incomplete"
		}
		fmt.Fprintf(w, "# incomplete: %s\n", oneLine(reason))
	}
	for _, rep := range r.Repetitions {
		if !rep.Valid() {
			fmt.Fprintf(w, "# left out: repetition %d, invalid: %s\n", rep.Index, oneLine(strings.Join(rep.Reasons(), "; ")))
		}
	}
}

type benchLine struct {
	text       string
	shareUnits []string
}

// benchLines renders a run's result lines.
func benchLines(r *Run) []benchLine {
	base := "Benchmark" + camel(r.Scenario.Name)
	hotspotEndpoint := map[string]string{}
	for _, h := range r.Scenario.Hotspots {
		hotspotEndpoint[h.Name] = h.Endpoint
	}
	var out []benchLine
	names := benchMetrics(r)
	valid, _ := r.ValidRepetitions()
	for _, rep := range valid {
		type line struct {
			endpoint string
			b        strings.Builder
			units    map[string]bool
			shares   []string
		}
		var lines []*line
		for _, name := range r.EndpointNames() {
			e := rep.Endpoint(name)
			if e == nil || e.Requests <= 0 {
				continue
			}
			l := &line{endpoint: name, units: map[string]bool{}}
			fmt.Fprintf(&l.b, "%s/endpoint=%s\t%d", base, nameValue(name), e.Requests)
			for _, m := range names {
				if v, ok := rep.Value(name, m); ok && !math.IsNaN(v) && !math.IsInf(v, 0) {
					fmt.Fprintf(&l.b, "\t%s %s", strconv.FormatFloat(v, 'g', -1, 64), BenchfmtUnit(m))
					l.units[BenchfmtUnit(m)] = true
				}
			}
			lines = append(lines, l)
		}
		if len(lines) == 0 {
			continue
		}
		for _, fs := range rep.Functions {
			if math.IsNaN(fs.Share) || math.IsInf(fs.Share, 0) {
				continue
			}
			target := lines[0] // a hotspot of no known endpoint: the first line
			for _, l := range lines {
				if l.endpoint == hotspotEndpoint[fs.Hotspot] {
					target = l
					break
				}
			}
			unit := shareUnit(fs.Kind, fs.Function)
			if target.units[unit] {
				continue // two hotspots naming one function: one value
			}
			target.units[unit] = true
			target.shares = append(target.shares, unit)
			fmt.Fprintf(&target.b, "\t%s %s", strconv.FormatFloat(fs.Share, 'g', -1, 64), unit)
		}
		for _, l := range lines {
			out = append(out, benchLine{text: l.b.String(), shareUnits: l.shares})
		}
	}
	return out
}

// shareUnit names a function share as a unit: "cpu-share:FUNC". Whitespace
// cannot appear in a unit; and if benchstat's unit parser would read a
// function name as a scaled unit (a "-ns" or "/MB" part), the characters it
// splits units on are replaced too.
func shareUnit(kind, function string) string {
	kind = strings.Map(func(c rune) rune {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			return c
		}
		return -1
	}, strings.ToLower(kind))
	if kind == "" {
		kind = "cpu"
	}
	fn := strings.Map(func(c rune) rune {
		if unicode.IsSpace(c) {
			return '_'
		}
		return c
	}, function)
	unit := kind + "-share:" + fn
	if _, tidied := benchunit.Tidy(1, unit); tidied != unit || benchunit.ClassOf(unit) != benchunit.Decimal {
		fn = strings.NewReplacer("-", "_", "*", "_", "/", "_").Replace(fn)
		unit = kind + "-share:" + fn
	}
	return unit
}

// camel turns a scenario name into a benchmark name: manual-search → ManualSearch.
func camel(name string) string {
	var b strings.Builder
	upper := true
	for _, c := range name {
		if !unicode.IsLetter(c) && !unicode.IsDigit(c) {
			upper = true
			continue
		}
		if upper {
			c = unicode.ToUpper(c)
			upper = false
		}
		b.WriteRune(c)
	}
	if b.Len() == 0 {
		return "Scenario"
	}
	return b.String()
}

// nameValue makes an endpoint name safe as a sub-benchmark value: no '/',
// '=' or spaces, and no trailing "-<digits>", which benchstat would read as
// GOMAXPROCS (search-2 becomes search_2).
func nameValue(name string) string {
	v := []rune(strings.Map(func(c rune) rune {
		if unicode.IsLetter(c) || unicode.IsDigit(c) || c == '.' || c == '_' || c == '-' {
			return c
		}
		return '_'
	}, name))
	if len(v) == 0 {
		return "_"
	}
	i := len(v) - 1
	for i >= 0 && v[i] >= '0' && v[i] <= '9' {
		i--
	}
	if i >= 0 && i < len(v)-1 && v[i] == '-' {
		v[i] = '_'
	}
	return string(v)
}

func oneLine(s string) string {
	return strings.Map(func(c rune) rune {
		if c == '\n' || c == '\r' {
			return ' '
		}
		return c
	}, s)
}
