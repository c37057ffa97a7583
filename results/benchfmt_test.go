package results_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	goldenfile "github.com/hotbench/hotbench/internal/golden"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchproc"
	"golang.org/x/perf/benchunit"

	"github.com/hotbench/hotbench/internal/synth"
	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name), got)
}

// exportRun is a small run with three endpoints, one of which ends in
// "-2", and hotspot shares.
func exportRun() *results.Run {
	r := manualSearch(3, 20, synth.Options{Label: "before", Reps: 2, Window: 2 * time.Second, Seed: 7})
	r.Dir = "hotbench-results/manual-search/20261127T010203Z-before"
	return r
}

func TestExportBenchfmtGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := results.ExportBenchfmt(&buf, exportRun()); err != nil {
		t.Fatal(err)
	}
	golden(t, "export.golden", buf.Bytes())
}

func TestExportBenchfmtReadsBackExactly(t *testing.T) {
	// Scenarios are named in camel case and an endpoint's "-2" becomes "_2"
	// (it would read as GOMAXPROCS): TestBenchmarkNames checks how.
	benchName := map[string]string{"manual-search": "ManualSearch", "login-flow": "LoginFlow"}
	base := exportRun()
	other := manualSearch(1, 50, synth.Options{Label: "after", Reps: 1, Window: 3 * time.Second, Seed: 8})
	other.Scenario.Name = "login-flow"
	other.Dir = "hotbench-results/login-flow/20261128T000000Z-after"
	// Percentiles the scenario names are exported too, under their units.
	other.Scenario.Gate.SLO = map[string]scenarios.Quantity{"p95": {Value: 1}, "search.p99.99": {Value: 1}}
	var buf bytes.Buffer
	if err := results.ExportBenchfmt(&buf, base, other); err != nil {
		t.Fatal(err)
	}

	type expected struct {
		name, scenario string
		iters          int64
		values         map[string]float64
	}
	var want []expected
	for _, r := range []*results.Run{base, other} {
		for _, rep := range r.Repetitions {
			for _, e := range rep.Endpoints {
				x := expected{
					name:     "Benchmark" + benchName[r.Scenario.Name] + "/endpoint=" + strings.ReplaceAll(e.Name, "-2", "_2"),
					scenario: r.Scenario.Name,
					iters:    e.Requests,
					values:   map[string]float64{},
				}
				names := metric.Standard
				if r == other {
					names = append(slices.Clone(names), "p95", "p99.99")
				}
				for _, m := range names {
					if v, ok := rep.Value(e.Name, m); ok {
						x.values[results.BenchfmtUnit(m)] = v
					}
				}
				if e.Name == "search" {
					for _, f := range rep.Functions {
						x.values["cpu-share:"+f.Function] = f.Share
					}
				}
				want = append(want, x)
			}
		}
	}

	rd := benchfmt.NewReader(&buf, "export.txt")
	var i int
	units := map[string]string{}
	for rd.Scan() {
		switch rec := rd.Result().(type) {
		case *benchfmt.SyntaxError:
			t.Fatalf("benchfmt syntax error: %v", rec)
		case *benchfmt.UnitMetadata:
			units[rec.Unit] = rec.Value
		case *benchfmt.Result:
			if i >= len(want) {
				t.Fatalf("more results than repetitions × endpoints: %s", rec.Name)
			}
			w := want[i]
			i++
			if got := "Benchmark" + rec.Name.String(); got != w.name {
				t.Errorf("result %d: name %s, want %s", i, got, w.name)
			}
			if int64(rec.Iters) != w.iters {
				t.Errorf("%s: iterations %d, want %d requests", w.name, rec.Iters, w.iters)
			}
			if got := rec.GetConfig("scenario"); got != w.scenario {
				t.Errorf("%s: scenario config %q, want %q", w.name, got, w.scenario)
			}
			if len(rec.Config) != 1 {
				t.Errorf("%s: configuration %v, want only scenario", w.name, rec.Config)
			}
			if len(rec.Values) != len(w.values) {
				t.Errorf("%s: %d values, want %d", w.name, len(rec.Values), len(w.values))
			}
			for _, v := range rec.Values {
				wv, ok := w.values[v.Unit]
				if !ok {
					t.Errorf("%s: unexpected unit %s", w.name, v.Unit)
					continue
				}
				// Exactly the same float: comparisons rely on it.
				if v.Value != wv || v.OrigUnit != "" {
					t.Errorf("%s %s: %v (tidied from %q), want exactly %v", w.name, v.Unit, v.Value, v.OrigUnit, wv)
				}
			}
		}
	}
	if err := rd.Err(); err != nil {
		t.Fatal(err)
	}
	if i != len(want) {
		t.Errorf("%d results, want %d", i, len(want))
	}
	for _, m := range append(slices.Clone(metric.Standard), "p95", "p99.99") {
		want := "lower"
		if m == metric.RPS {
			want = "higher"
		}
		if units[results.BenchfmtUnit(m)] != want {
			t.Errorf("unit %s: better=%q, want %q", results.BenchfmtUnit(m), units[results.BenchfmtUnit(m)], want)
		}
	}
	if units["cpu-share:manuals.(*Store).StepsFor"] != "lower" {
		t.Errorf("function share unit has no better=lower")
	}
}

func TestBenchfmtUnitsAreWhatBenchstatExpects(t *testing.T) {
	for _, m := range append(slices.Clone(metric.Standard), "p95", "p99.99", "p75") {
		u := results.BenchfmtUnit(m)
		if u == strings.ReplaceAll(m, "_", "-") {
			t.Errorf("metric %s has no benchfmt unit of its own", m)
		}
		// benchstat must not rescale the value (ns → sec, MB → B).
		if v, tidied := benchunit.Tidy(1, u); tidied != u || v != 1 {
			t.Errorf("unit %s is tidied to %v %s", u, v, tidied)
		}
		wantClass := benchunit.Decimal
		if m == metric.AllocPerReq || m == metric.RSSPeak {
			wantClass = benchunit.Binary
		}
		if benchunit.ClassOf(u) != wantClass {
			t.Errorf("unit %s has class %v, want %v", u, benchunit.ClassOf(u), wantClass)
		}
	}
	// Latencies in seconds print as ms and µs.
	for v, want := range map[float64]string{0.0123: "12.30m", 0.000456: "456.0µ", 1.5: "1.500"} {
		if got := benchunit.Scale(v, benchunit.ClassOf(results.BenchfmtUnit(metric.P99))); got != want {
			t.Errorf("Scale(%v) = %s, want %s", v, got, want)
		}
	}
	if got := benchunit.Scale(300<<10, benchunit.ClassOf(results.BenchfmtUnit(metric.AllocPerReq))); got != "300.0Ki" {
		t.Errorf("B/req scales as %s, want 300.0Ki", got)
	}
}

// TestBenchstatComparesExportedRuns runs benchstat's own pipeline (as
// cmd/benchstat wires it, with its default -table .config -row .fullname
// -col .file) on a base and a candidate export, and checks that it compares
// them: one table per unit, not one per run, and a significant p50 change.
func TestBenchstatComparesExportedRuns(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, runs ...*results.Run) string {
		var buf bytes.Buffer
		if err := results.ExportBenchfmt(&buf, runs...); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name)
		os.WriteFile(path, buf.Bytes(), 0o644)
		return path
	}
	// The base side pools two runs (3 + 4 repetitions); the candidate is faster.
	b1 := manualSearch(2, 100, synth.Options{Label: "before", Reps: 3, Window: 2 * time.Second, Seed: 1})
	b1.Dir = "r/manual-search/a"
	b2 := manualSearch(2, 100, synth.Options{Label: "before", Reps: 4, Window: 2 * time.Second, Seed: 2})
	b2.Dir, b2.Git.Commit = "r/manual-search/b", "fedcba"
	cand := manualSearch(2, 100, synth.Options{Label: "after", Reps: 6, Window: 2 * time.Second, Seed: 3,
		Each: func(r *synth.Rep) { r.Endpoints[0].Median = 0.0012 }})
	cand.Dir, cand.Host.Name = "r/manual-search/c", "other-host"
	baseFile, candFile := write("base.txt", b1, b2), write("cand.txt", cand)

	filter, err := benchproc.NewFilter("*")
	if err != nil {
		t.Fatal(err)
	}
	var parser benchproc.ProjectionParser
	tableBy, unitField, err := parser.ParseWithUnit(".config", filter)
	if err != nil {
		t.Fatal(err)
	}
	rowBy, err := parser.Parse(".fullname", filter)
	if err != nil {
		t.Fatal(err)
	}
	colBy, err := parser.Parse(".file", filter)
	if err != nil {
		t.Fatal(err)
	}
	residue := parser.Residue()

	type cellKey struct{ table, row, col benchproc.Key }
	cells := map[cellKey][]float64{}
	residues := map[cellKey]map[benchproc.Key]bool{}
	tables := map[benchproc.Key]bool{}
	files := benchfmt.Files{Paths: []string{baseFile, candFile}}
	for files.Scan() {
		switch rec := files.Result().(type) {
		case *benchfmt.SyntaxError:
			t.Fatalf("syntax error: %v", rec)
		case *benchfmt.Result:
			if ok, err := filter.Apply(rec); !ok {
				t.Fatalf("filter rejected a result: %v", err)
			}
			row, col, res := rowBy.Project(rec), colBy.Project(rec), residue.Project(rec)
			for i, tk := range tableBy.ProjectValues(rec) {
				tables[tk] = true
				k := cellKey{tk, row, col}
				cells[k] = append(cells[k], rec.Values[i].Value)
				if residues[k] == nil {
					residues[k] = map[benchproc.Key]bool{}
				}
				residues[k][res] = true
			}
		}
	}
	if err := files.Err(); err != nil {
		t.Fatal(err)
	}

	// One table per unit: per-run details did not split base from candidate.
	var units []string
	for tk := range tables {
		units = append(units, tk.Get(unitField))
	}
	slices.Sort(units)
	wantUnits := []string{"B/req", "cpu-sec/req", "cpu-share:manuals.(*Store).StepsFor", "errors/req", "max-latency-sec",
		"mean-latency-sec", "p50-latency-sec", "p90-latency-sec", "p99-latency-sec", "p999-latency-sec", "req/s"}
	if !slices.Equal(units, wantUnits) {
		t.Fatalf("tables by unit %v, want %v", units, wantUnits)
	}
	for k, r := range residues {
		if len(r) != 1 {
			t.Errorf("cell %v pools results that vary in hidden keys", k)
		}
	}

	// The p50 of search: benchmath compares it as benchstat would.
	var p50 *benchproc.Key
	for tk := range tables {
		if tk.Get(unitField) == "p50-latency-sec" {
			p50 = &tk
		}
	}
	var baseVals, candVals []float64
	for k, v := range cells {
		if k.table == *p50 && strings.HasSuffix(k.row.String(), "endpoint=search") {
			if strings.HasSuffix(k.col.String(), "base.txt") {
				baseVals = v
			} else {
				candVals = v
			}
		}
	}
	var wantBase []float64
	for _, r := range []*results.Run{b1, b2} {
		for _, rep := range r.Repetitions {
			v, _ := rep.Value("search", metric.P50)
			wantBase = append(wantBase, v)
		}
	}
	if !slices.Equal(baseVals, wantBase) {
		t.Errorf("benchstat's base sample %v, want the repetitions' values %v", baseVals, wantBase)
	}
	if len(candVals) != 6 {
		t.Fatalf("candidate sample has %d values, want 6", len(candVals))
	}
	thr := benchmath.DefaultThresholds
	bs, cs := benchmath.NewSample(baseVals, &thr), benchmath.NewSample(candVals, &thr)
	cmp := benchmath.AssumeNothing.Compare(bs, cs)
	if cmp.P > thr.CompareAlpha || cmp.FormatDelta(benchmath.AssumeNothing.Summary(bs, 0.95).Center, benchmath.AssumeNothing.Summary(cs, 0.95).Center)[0] != '-' {
		t.Errorf("p50 comparison: p=%v delta %s, want a significant decrease", cmp.P,
			cmp.FormatDelta(benchmath.AssumeNothing.Summary(bs, 0.95).Center, benchmath.AssumeNothing.Summary(cs, 0.95).Center))
	}
}

// An invalid repetition is no sample: compare leaves it out, so the export
// does too, and says so, or stock benchstat and hotbench would disagree.
func TestExportBenchfmtLeavesOutInvalidRepetitions(t *testing.T) {
	r := manualSearch(1, 50, synth.Options{Label: "base", Reps: 3, Window: 3 * time.Second, Seed: 3})
	r.Repetitions[1].Invalid = []string{"generator fell behind: send lag p99 62ms > 10ms"}
	r.Repetitions[2].Complete = false
	var buf bytes.Buffer
	if err := results.ExportBenchfmt(&buf, r); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if n := strings.Count(out, "\nBenchmark"); n != 1 {
		t.Errorf("exported %d result lines, want 1 (one valid repetition):\n%s", n, out)
	}
	for _, want := range []string{
		"# left out: repetition 2, invalid: generator fell behind: send lag p99 62ms > 10ms",
		"# left out: repetition 3, invalid: " + results.ReasonInterrupted,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("export lacks %q:\n%s", want, out)
		}
	}
}
