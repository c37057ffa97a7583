package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hotbench/hotbench/compare"
	"github.com/hotbench/hotbench/internal/synth"
	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// The fixtures are made through the real results API: a temporary store,
// synthetic runs (internal/synth) created and saved by it with their CPU
// profiles beside them, and verdicts that compare.Compare computed, saved
// with Store.SaveVerdict. An endpoint's synthetic latency is log-normal
// with σ 0.35 around its p99 / 2.26, every request drawn at random.

var fixedNow = func() time.Time { return time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC) }

// quick renders charts at low resolution: tests that read a report's text
// need not pay for full-size PNGs. The browser tests and the size bound use
// the default resolution.
var quick = Options{Now: fixedNow, DPI: 36}

func day(d, hour int) time.Time { return time.Date(2026, 11, d, hour, 0, 0, 0, time.UTC) }

func date(y int, m time.Month, d int) scenarios.Date {
	return scenarios.Date{Time: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

func latencyQuantity(s string) scenarios.Quantity {
	q, err := scenarios.ParseQuantity(metric.P99, s, false)
	if err != nil {
		panic(err)
	}
	return q
}

// manualSearch has two endpoints and two hotspots with due dates.
func manualSearch() scenarios.Scenario {
	sc := scenarios.Scenario{
		Name:        "manual-search",
		Description: "search is slow when a manual has many steps",
		Target:      "http://127.0.0.1:8080",
		Runs:        6,
		Endpoints: []scenarios.Endpoint{
			{Name: "search", Method: "GET", Path: "/api/search?q=kitchen", Weight: 1, Expect: scenarios.Expect{Status: []int{200}}},
			{Name: "step-list", Method: "GET", Path: "/api/manuals/7/steps", Weight: 1, Expect: scenarios.Expect{Status: []int{200}}},
		},
		Profiles: scenarios.Profiles{Kinds: []string{"cpu"}},
		Hotspots: []scenarios.Hotspot{
			{Name: "search-regexp", Endpoint: "search", Metric: metric.P99, Objective: latencyQuantity("10ms"),
				Due: date(2026, 12, 15), Functions: []string{"regexp.Compile"}, Owner: "ada", Team: "search", Ticket: "PERF-12"},
			{Name: "steps-n-plus-one", Endpoint: "step-list", Metric: metric.P50, Objective: latencyQuantity("5ms"),
				Due: date(2026, 11, 30), Functions: []string{"manuals.(*Store).StepsFor"}, Ticket: "PERF-19"},
		},
		Gate: scenarios.Gate{Alpha: 0.05},
	}
	sc.Load.Rate = scenarios.Rate{PerSecond: 120}
	sc.Load.Duration = scenarios.Duration(5 * time.Second)
	sc.Load.Warmup = scenarios.Duration(2 * time.Second)
	sc.Load.Timeout = scenarios.Duration(10 * time.Second)
	return sc
}

// checkout has one endpoint whose throughput is the hotspot, without a due
// date, and errors.
func checkout() scenarios.Scenario {
	rps, err := scenarios.ParseQuantity(metric.RPS, "220/s", false)
	if err != nil {
		panic(err)
	}
	sc := scenarios.Scenario{
		Name:      "checkout",
		Target:    "http://127.0.0.1:8080",
		Runs:      6,
		Endpoints: []scenarios.Endpoint{{Name: "pay", Method: "POST", Path: "/api/pay", Weight: 1}},
		Hotspots:  []scenarios.Hotspot{{Name: "pay-throughput", Endpoint: "pay", Metric: metric.RPS, Objective: rps}},
	}
	sc.Load.Rate = scenarios.Rate{PerSecond: 250}
	sc.Load.Duration = scenarios.Duration(5 * time.Second)
	sc.Load.Warmup = scenarios.Duration(2 * time.Second)
	return sc
}

// suggest has one hotspot, measured twice on one day.
func suggest() scenarios.Scenario {
	sc := scenarios.Scenario{
		Name:      "suggest",
		Target:    "http://127.0.0.1:8080",
		Runs:      6,
		Endpoints: []scenarios.Endpoint{{Name: "suggest", Method: "GET", Path: "/api/suggest?q=ki", Weight: 1}},
		Hotspots: []scenarios.Hotspot{{Name: "suggest-prefix-scan", Endpoint: "suggest", Metric: metric.P99,
			Objective: latencyQuantity("50ms"), Due: date(2026, 12, 31)}},
	}
	sc.Load.Rate = scenarios.Rate{PerSecond: 40}
	sc.Load.Duration = scenarios.Duration(5 * time.Second)
	sc.Load.Warmup = scenarios.Duration(2 * time.Second)
	return sc
}

var (
	stacksBefore = map[string]int64{
		"main;serve;search;regexp.Compile;regexp/syntax.Parse": 300,
		"main;serve;search;regexp.Compile":                     120,
		"main;serve;search;index.Lookup":                       90,
		"main;serve;steps;manuals.(*Store).StepsFor;sql.Query": 200,
		"main;serve;render;json.Marshal":                       80,
	}
	stacksAfter = map[string]int64{
		"main;serve;search;regexp.Compile;regexp/syntax.Parse": 8,
		"main;serve;search;regexp.Compile":                     4,
		"main;serve;search;index.Lookup":                       95,
		"main;serve;steps;manuals.(*Store).StepsFor;sql.Query": 170,
		"main;serve;render;json.Marshal":                       85,
	}
)

// monthFixture fills a store with November 2026: three scenarios, runs on
// several days, and verdicts computed by compare and saved in the store;
// and October, which the month must leave out of its own numbers and
// compare with: manual-search on the 12th and on the last evening, and
// checkout once, when pay met its objective.
func monthFixture(tb testing.TB) *results.Store {
	tb.Helper()
	store := results.Open(tb.TempDir())
	ms := manualSearch()
	// search p99 falls from ~48 ms to ~3 ms when the regexp fix lands on
	// Nov 16; step-list p50 creeps down too slowly for its 5 ms objective.
	type point struct {
		at           time.Time
		label        string
		search, step float64 // p99 seconds
		regexpShare  float64
		stepsShare   float64
		stacks       map[string]int64
	}
	points := []point{
		{time.Date(2026, 10, 31, 23, 30, 0, 0, time.UTC), "october", 0.090, 0.030, 0.6, 0.3, stacksBefore},
		{day(2, 10), "before", 0.048, 0.0190, 0.55, 0.30, stacksBefore},
		{day(9, 10), "week-2", 0.046, 0.0188, 0.52, 0.30, nil},
		{day(16, 10), "regexp-fix", 0.0035, 0.0185, 0.03, 0.29, nil},
		{day(23, 10), "after", 0.0032, 0.0181, 0.02, 0.28, nil},
		{day(27, 10), "final", 0.0032, 0.0180, 0.02, 0.28, stacksAfter},
		{time.Date(2026, 10, 12, 10, 0, 0, 0, time.UTC), "october-1", 0.088, 0.031, 0.6, 0.3, nil},
	}
	runs := map[string]*results.Run{}
	for i, p := range points {
		runs[p.label] = synth.Save(tb, store, synth.Options{
			Scenario: ms, Label: p.label, Start: p.at, Seed: uint64(100 + i),
			Endpoints: []synth.Endpoint{{Name: "search", P99: p.search, Rate: 60}, {Name: "step-list", P99: p.step, Rate: 60}},
			Shares:    map[string]float64{"regexp.Compile": p.regexpShare, "manuals.(*Store).StepsFor": p.stepsShare},
			Stacks:    p.stacks,
		})
	}
	// Two runs the month must not be fooled by. On Nov 19 the load
	// generator fell behind: two repetitions are invalid and the other four
	// read a hundred times slower. On Nov 20 every repetition was invalid.
	invalid := func(reason string, reps ...int) func(*synth.Rep) {
		return func(r *synth.Rep) {
			if len(reps) == 0 || slices.Contains(reps, r.Index) {
				r.Invalid = []string{reason}
			}
		}
	}
	synth.Save(tb, store, synth.Options{
		Scenario: ms, Label: "noisy-neighbour", Start: day(19, 10), Seed: 150,
		Endpoints: []synth.Endpoint{{Name: "search", P99: 0.33, Rate: 60}, {Name: "step-list", P99: 0.0184, Rate: 60}},
		Shares:    map[string]float64{"regexp.Compile": 0.02, "manuals.(*Store).StepsFor": 0.28},
		Each:      invalid("the load generator fell behind: send lag p99 62ms exceeds 10ms", 2, 5),
		Warnings:  []string{"the load generator fell behind in 2 of 6 repetitions (send lag p99 up to 62ms): this run measures the generator, not only the server"},
	})
	synth.Save(tb, store, synth.Options{
		Scenario: ms, Label: "generator-stalled", Start: day(20, 10), Seed: 151,
		Endpoints: []synth.Endpoint{{Name: "search", P99: 2.5, Rate: 60}, {Name: "step-list", P99: 2.5, Rate: 60}},
		Each:      invalid("the load generator fell behind: send lag p99 480ms exceeds 10ms"),
	})
	// suggest was measured twice, 19 s apart: no trend yet.
	sg := suggest()
	synth.Save(tb, store, synth.Options{Scenario: sg, Label: "try-1", Start: day(25, 9), Seed: 300,
		Endpoints: []synth.Endpoint{{Name: "suggest", P99: 0.081, Rate: 40}}})
	synth.Save(tb, store, synth.Options{Scenario: sg, Label: "try-2", Start: day(25, 9).Add(19 * time.Second), Seed: 301,
		Endpoints: []synth.Endpoint{{Name: "suggest", P99: 0.078, Rate: 40}}})
	co := checkout()
	// In October pay met its 220/s (one run); in November it does not yet.
	synth.Save(tb, store, synth.Options{Scenario: co, Label: "october", Start: time.Date(2026, 10, 20, 14, 0, 0, 0, time.UTC), Seed: 199,
		Endpoints: []synth.Endpoint{{Name: "pay", P99: 0.020, Rate: 225, FailOneIn: 100}}})
	// pay's throughput rises toward 220/s; errors fall.
	for i, p := range []struct {
		at        time.Time
		rate      float64
		failOneIn int
	}{{day(5, 14), 190, 40}, {day(12, 14), 200, 80}, {day(20, 14), 212, 200}} {
		synth.Save(tb, store, synth.Options{Scenario: co, Label: fmt.Sprintf("load-%d", i+1), Start: p.at, Seed: uint64(200 + i),
			Endpoints: []synth.Endpoint{{Name: "pay", P99: 0.020, Rate: p.rate, FailOneIn: p.failOneIn}}})
	}

	// Annotations, as `hotbench annotate add` and `sync-git` keep them: a
	// database failover on Nov 9 that manual-search@week-2 ran into, the
	// release and the fix that brought the regexp cache, a deploy for
	// every scenario, and a note.
	at := func(d, hour, minute int) time.Time { return time.Date(2026, 11, d, hour, minute, 0, 0, time.UTC) }
	end := at(9, 12, 0)
	for _, a := range []results.Annotation{
		{ID: "a1", Kind: results.AnnotationNote, Time: at(5, 8, 0), Title: "bench-1 kernel updated"},
		{ID: "a2", Kind: results.AnnotationIncident, Time: at(9, 9, 0), End: &end, Title: "database failover", Scenarios: []string{"manual-search"}},
		{ID: "tag-v2.4.0", Kind: results.AnnotationRelease, Time: at(14, 16, 0), Title: "v2.4.0", Commit: "0b0c6193f4ec"},
		{ID: "a3", Kind: results.AnnotationFix, Time: at(16, 9, 0), Title: "regexp cache", Scenarios: []string{"manual-search"}},
		{ID: "a4", Kind: results.AnnotationDeploy, Time: at(21, 12, 0), Title: "pool size 32"},
		{ID: "a5", Kind: results.AnnotationRelease, Time: time.Date(2026, 10, 28, 12, 0, 0, 0, time.UTC), Title: "v2.3.0"},
	} {
		if _, err := store.AddAnnotation(a); err != nil {
			tb.Fatal(err)
		}
	}

	// Verdicts, as `hotbench compare` and `hotbench gate` save them; the
	// regexp fix's with its ticket, pull request and what was learned.
	save := func(kind string, at time.Time, base, cand *results.Run, fix *compare.FixLog) {
		c, err := compare.Compare([]*results.Run{base}, []*results.Run{cand}, compare.Options{})
		if err != nil {
			tb.Fatal(err)
		}
		var buf bytes.Buffer
		switch kind {
		case results.VerdictCompare:
			b, err := json.Marshal(c)
			if err != nil {
				tb.Fatal(err)
			}
			buf.Write(b)
		case results.VerdictGate:
			g := compare.Gate(c, compare.DefaultPolicy())
			if err := compare.Write(&buf, c, &g, "json"); err != nil {
				tb.Fatal(err)
			}
		}
		data := buf.Bytes()
		if fix != nil {
			fix.Commits = compare.RunCommits([]*results.Run{base}, []*results.Run{cand})
			var err error
			if data, err = compare.WithFixLog(data, *fix); err != nil {
				tb.Fatal(err)
			}
		}
		if _, err := store.SaveVerdict(kind, base.Scenario.Name, at, data); err != nil {
			tb.Fatal(err)
		}
	}
	save(results.VerdictCompare, time.Date(2026, 10, 31, 23, 45, 0, 0, time.UTC), runs["october"], runs["before"], nil) // October: left out
	save(results.VerdictCompare, day(16, 12), runs["before"], runs["regexp-fix"], &compare.FixLog{
		Ticket: "PERF-12", PR: "#41", Note: "compile the search pattern once per query shape, not per request: the profile had it at half the CPU"})
	save(results.VerdictGate, day(23, 12), runs["regexp-fix"], runs["after"], nil)
	return store
}
