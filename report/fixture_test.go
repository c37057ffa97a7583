package report

import (
	"bytes"
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/pprof/profile"

	"github.com/hotbench/hotbench/compare"
	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// The fixtures are made through the real results API: a temporary store,
// runs created and saved by it, profiles written beside them, and verdicts
// that compare.Compare computed, saved with Store.SaveVerdict.

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
				Due: date(2026, 12, 15), Functions: []string{"regexp.Compile"}},
			{Name: "steps-n-plus-one", Endpoint: "step-list", Metric: metric.P50, Objective: latencyQuantity("5ms"),
				Due: date(2026, 11, 30), Functions: []string{"manuals.(*Store).StepsFor"}},
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

// shape is what a synthetic endpoint measures in a run.
type shape struct {
	endpoint string
	p99      float64 // seconds; the median is p99/2.26 (log-normal, σ 0.35)
	rate     int     // requests per second
	errEvery int     // every n-th request fails with a 500 (0: none)
}

// spec describes a synthetic run.
type spec struct {
	sc      scenarios.Scenario
	label   string
	start   time.Time
	reps    int
	seconds int
	warmup  int
	shapes  []shape
	// shares of the hotspot functions in each repetition's CPU profile.
	shares map[string]float64
	// stacks, when set, are written as each repetition's CPU profile.
	stacks map[string]int64
	seed   uint64
	// invalid makes repetitions (1-based) invalid with these reasons.
	invalid map[int][]string
	// warnings are the run's.
	warnings []string
}

// makeRun creates a run in the store, measures it synthetically, writes its
// profiles and saves it.
func makeRun(tb testing.TB, store *results.Store, s spec) *results.Run {
	tb.Helper()
	if s.reps == 0 {
		s.reps = 6
	}
	if s.seconds == 0 {
		s.seconds = 5
	}
	if s.warmup == 0 {
		s.warmup = 2
	}
	r := &results.Run{
		Scenario: s.sc, ScenarioHash: "fixture", Label: s.label, Start: s.start, Complete: true,
		Git:  results.Git{Commit: fmt.Sprintf("%x", sha1.Sum([]byte(fmt.Sprint(s.label, s.seed))))},
		Host: results.Host{Name: "bench-1", OS: "linux", Arch: "amd64", CPUs: 8}, GoVersion: "go1.26.8", HotbenchVersion: "v0.1.0",
	}
	if err := store.Create(r); err != nil {
		tb.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(s.seed, 7))
	t := s.start.Add(time.Duration(s.warmup) * time.Second)
	for i := 0; i < s.reps; i++ {
		rep := results.Repetition{Index: i + 1, Start: t, End: t.Add(time.Duration(s.seconds) * time.Second), Complete: true,
			Window: float64(s.seconds), Invalid: s.invalid[i+1]}
		t = rep.End.Add(time.Duration(s.warmup) * time.Second)
		for _, sh := range s.shapes {
			rep.Endpoints = append(rep.Endpoints, measure(rng, sh, s.seconds, s.warmup))
		}
		for _, fn := range slices.Sorted(maps.Keys(s.shares)) { // sorted: the rng's order must not vary
			share := s.shares[fn]
			for _, h := range s.sc.Hotspots {
				for _, f := range h.Functions {
					if f == fn {
						rep.Functions = append(rep.Functions, results.FunctionShare{Hotspot: h.Name, Function: fn, Kind: "cpu", Share: share * (0.95 + 0.1*rng.Float64()), Samples: 500})
					}
				}
			}
		}
		if s.stacks != nil {
			file := fmt.Sprintf("profiles/rep-%02d-cpu.pb.gz", i+1)
			writeCPUProfile(tb, filepath.Join(r.Dir, file), s.stacks, rng)
			rep.Profiles = append(rep.Profiles, results.Profile{Kind: "cpu", File: file, Start: rep.Start, Window: float64(s.seconds)})
		}
		r.Repetitions = append(r.Repetitions, rep)
	}
	r.End = t
	r.Warnings = s.warnings
	if err := results.Save(r); err != nil {
		tb.Fatal(err)
	}
	return r
}

// measure makes one endpoint's repetition: per-second series with warm-up,
// latencies, statuses and send lag.
func measure(rng *rand.Rand, sh shape, seconds, warmup int) results.EndpointRun {
	e := results.EndpointRun{Name: sh.endpoint, Status: map[string]int64{}, Latency: results.NewHistogram(), SendLag: results.NewHistogram()}
	median := sh.p99 / 2.26
	for sec := -warmup; sec < seconds; sec++ {
		p := results.Second{T: sec, Warmup: sec < 0}
		var perSec []float64 // seconds; a histogram per second would cost 240 KB each
		// Warm-up is slower: caches are cold.
		slow := 1.0
		if sec < 0 {
			slow = 1.8
		}
		for k := 0; k < sh.rate; k++ {
			lat := time.Duration(slow * median * math.Exp(0.35*rng.NormFloat64()) * float64(time.Second))
			perSec = append(perSec, lat.Seconds())
			p.Requests++
			failed := sh.errEvery > 0 && rng.IntN(sh.errEvery) == 0
			if failed {
				p.Errors++
			}
			if sec < 0 {
				continue
			}
			e.Requests++
			// Format 2: failed requests are timed apart.
			if failed {
				if e.ErrorLatency == nil {
					e.ErrorLatency = results.NewHistogram()
				}
				e.ErrorLatency.Record(lat)
			} else {
				e.Latency.Record(lat)
			}
			e.SendLag.Record(time.Duration(rng.ExpFloat64() * float64(40*time.Microsecond)))
			if failed {
				e.Errors++
				e.Status["500"]++
				if e.ErrorClasses == nil {
					e.ErrorClasses = map[string]int64{}
				}
				e.ErrorClasses["status 500"]++
				e.ErrorSamples = []string{"500 Internal Server Error"}
			} else {
				e.Status["200"]++
			}
		}
		slices.Sort(perSec)
		p.P50, p.P99 = perSec[len(perSec)/2], perSec[len(perSec)*99/100]
		e.Series = append(e.Series, p)
	}
	return e
}

// writeCPUProfile writes a Go-style CPU profile (samples/count and
// cpu/nanoseconds) with the given stacks, "main;serve;f" leaf last.
func writeCPUProfile(tb testing.TB, path string, stacks map[string]int64, rng *rand.Rand) {
	tb.Helper()
	p := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
		PeriodType: &profile.ValueType{Type: "cpu", Unit: "nanoseconds"},
		Period:     10_000_000,
	}
	funcs := map[string]*profile.Location{}
	loc := func(name string) *profile.Location {
		if l, ok := funcs[name]; ok {
			return l
		}
		f := &profile.Function{ID: uint64(len(p.Function) + 1), Name: name, SystemName: name}
		l := &profile.Location{ID: uint64(len(p.Location) + 1), Line: []profile.Line{{Function: f}}}
		p.Function = append(p.Function, f)
		p.Location = append(p.Location, l)
		funcs[name] = l
		return l
	}
	for _, stack := range sortedStacks(stacks) {
		frames := strings.Split(stack, ";")
		var locs []*profile.Location
		for i := len(frames) - 1; i >= 0; i-- { // leaf first, as pprof stores stacks
			locs = append(locs, loc(frames[i]))
		}
		n := stacks[stack] + rng.Int64N(3)
		p.Sample = append(p.Sample, &profile.Sample{Location: locs, Value: []int64{n, n * p.Period}})
	}
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func sortedStacks(m map[string]int64) []string { return slices.Sorted(maps.Keys(m)) }

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

// monthFixture fills a store with November 2026: two scenarios, runs on
// several days, one run on the last evening of October that the month must
// leave out, and verdicts computed by compare and saved in the store.
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
	}
	runs := map[string]*results.Run{}
	for i, p := range points {
		runs[p.label] = makeRun(tb, store, spec{
			sc: ms, label: p.label, start: p.at, seed: uint64(100 + i),
			shapes: []shape{{endpoint: "search", p99: p.search, rate: 60}, {endpoint: "step-list", p99: p.step, rate: 60}},
			shares: map[string]float64{"regexp.Compile": p.regexpShare, "manuals.(*Store).StepsFor": p.stepsShare},
			stacks: p.stacks,
		})
	}
	// Two runs the month must not be fooled by. On Nov 19 the load
	// generator fell behind: two repetitions are invalid and the other four
	// read a hundred times slower. On Nov 20 every repetition was invalid.
	lag := []string{"the load generator fell behind: send lag p99 62ms exceeds 10ms"}
	makeRun(tb, store, spec{
		sc: ms, label: "noisy-neighbour", start: day(19, 10), seed: 150,
		shapes:   []shape{{endpoint: "search", p99: 0.33, rate: 60}, {endpoint: "step-list", p99: 0.0184, rate: 60}},
		shares:   map[string]float64{"regexp.Compile": 0.02, "manuals.(*Store).StepsFor": 0.28},
		invalid:  map[int][]string{2: lag, 5: lag},
		warnings: []string{"the load generator fell behind in 2 of 6 repetitions (send lag p99 up to 62ms): this run measures the generator, not only the server"},
	})
	allInvalid := map[int][]string{}
	for i := 1; i <= 6; i++ {
		allInvalid[i] = []string{"the load generator fell behind: send lag p99 480ms exceeds 10ms"}
	}
	makeRun(tb, store, spec{
		sc: ms, label: "generator-stalled", start: day(20, 10), seed: 151,
		shapes:  []shape{{endpoint: "search", p99: 2.5, rate: 60}, {endpoint: "step-list", p99: 2.5, rate: 60}},
		invalid: allInvalid,
	})
	// suggest was measured twice, 19 s apart: no trend yet.
	sg := suggest()
	makeRun(tb, store, spec{sc: sg, label: "try-1", start: day(25, 9), seed: 300,
		shapes: []shape{{endpoint: "suggest", p99: 0.081, rate: 40}}})
	makeRun(tb, store, spec{sc: sg, label: "try-2", start: day(25, 9).Add(19 * time.Second), seed: 301,
		shapes: []shape{{endpoint: "suggest", p99: 0.078, rate: 40}}})
	co := checkout()
	// pay's throughput rises toward 220/s; errors fall.
	for i, p := range []struct {
		at       time.Time
		rate     int
		errEvery int
	}{{day(5, 14), 190, 40}, {day(12, 14), 200, 80}, {day(20, 14), 212, 200}} {
		makeRun(tb, store, spec{sc: co, label: fmt.Sprintf("load-%d", i+1), start: p.at, seed: uint64(200 + i),
			shapes: []shape{{endpoint: "pay", p99: 0.020, rate: p.rate, errEvery: p.errEvery}}})
	}

	// Verdicts, as `hotbench compare` and `hotbench gate` save them.
	save := func(kind string, at time.Time, base, cand *results.Run) {
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
		if _, err := store.SaveVerdict(kind, base.Scenario.Name, at, buf.Bytes()); err != nil {
			tb.Fatal(err)
		}
	}
	save(results.VerdictCompare, time.Date(2026, 10, 31, 23, 45, 0, 0, time.UTC), runs["october"], runs["before"]) // October: left out
	save(results.VerdictCompare, day(16, 12), runs["before"], runs["regexp-fix"])
	save(results.VerdictGate, day(23, 12), runs["regexp-fix"], runs["after"])
	return store
}
