package synth

import (
	"crypto/sha1"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// Epoch is when a synthetic run starts unless Options.Start says otherwise.
var Epoch = time.Date(2026, 11, 27, 1, 2, 3, 0, time.UTC)

// Options describe a synthetic run. Every field has a default, so the zero
// value builds a run of Scenario().
type Options struct {
	// Scenario is the scenario as run; one without a name is Scenario().
	Scenario scenarios.Scenario
	Label    string
	// Start is when the run began (its first warm-up); zero is Epoch.
	Start time.Time
	// Reps is the number of repetitions; zero is the scenario's runs, or 3.
	Reps int
	// Window is each repetition's measured window, in whole seconds; zero
	// is the scenario's (load.duration or its stages), or 10 s.
	Window time.Duration
	// Warmup precedes every window and shows in the series only; zero is
	// the scenario's load.warmup.
	Warmup time.Duration
	Seed   uint64
	// Endpoints shape what each endpoint measures; nil is one per scenario
	// endpoint, at its share of the scenario's rate, with a median of
	// 2 ms for the first, 4 ms for the second and so on.
	Endpoints []Endpoint
	// Exact places each repetition's latencies at evenly spaced quantiles
	// of its shape instead of drawing them (see the package doc).
	Exact bool
	// Noise is the coefficient of variation of each repetition's medians,
	// p99s and profile shares (0.05: 5 %), applied before Each.
	Noise float64
	// Shares are the hotspot functions' shares of each repetition's CPU
	// samples, by function; a function the scenario's hotspots do not
	// name is left out, as the runner leaves it out.
	Shares map[string]float64
	// Samples is the CPU sample count each share came from; zero is 500.
	Samples int64
	// Stacks, when set, make each repetition capture a CPU profile with
	// these stacks ("main;serve;f", root first) and about these sample
	// counts. Save writes the profiles beside the run.
	Stacks map[string]int64
	// Server is the server's resource use in each window; zero is unknown
	// (only managed servers have it).
	Server results.ServerStats
	// SendLag is the mean send lag (exponential); zero is 40 µs.
	SendLag time.Duration
	// Warnings are the run's.
	Warnings []string
	// Each, when set, changes each repetition before it is measured.
	Each func(r *Rep)
}

// Endpoint shapes what one endpoint measures in each repetition.
type Endpoint struct {
	Name string
	// Median and P99 are the successful requests' latency in seconds: a
	// log-normal through both. Given one, the other is 2.26 times away
	// (σ 0.35); given neither, the median is 2 ms.
	Median, P99 float64
	// Rate is requests per second over the window. Zero is the endpoint's
	// share of the scenario's rate, or 50/s.
	Rate float64
	// Requests, when set, is the number of requests in each window instead
	// of Rate × window.
	Requests int64
	// Scheduled is how many hits the schedule had due in the window; zero
	// is Rate × window when Rate is set, else Requests (none lost).
	Scheduled int64
	// Errors is the number of failed requests in each window, spread evenly
	// over it; FailOneIn makes every request (warm-up too) fail with chance
	// 1/FailOneIn.
	Errors    int64
	FailOneIn int
	// FailStatus is the status of the failed requests: "500" when empty;
	// "0" is no response at all (connection refused).
	FailStatus string
}

// Rep is one repetition before it is measured: Options.Each may change it.
type Rep struct {
	// Index numbers the repetition from 1, as the runner does.
	Index int
	// Endpoints are the shapes of this repetition, Noise applied.
	Endpoints []Endpoint
	// Shares, Samples and Stacks are the options', Noise applied to Shares;
	// nil Shares or Stacks leave the repetition without shares or profile.
	Shares  map[string]float64
	Samples int64
	Stacks  map[string]int64
	// Server is nil when the server's use is unknown.
	Server  *results.ServerStats
	SendLag time.Duration
	// Invalid are the reasons the repetition is not a sample; Retry marks
	// one run in place of an invalid one.
	Invalid []string
	Retry   bool
}

// New builds a run in memory. Its profiles are listed but not written: use
// Save for a run whose profiles are read.
func New(o Options) *results.Run {
	r, _ := build(o)
	return r
}

// Save creates the run in store (in a folder named by its start and label),
// writes its profiles into the folder and saves run.json, as the runner
// does. It fails the test on any error.
func Save(tb testing.TB, store *results.Store, o Options) *results.Run {
	tb.Helper()
	r, files := build(o)
	if err := store.Create(r); err != nil {
		tb.Fatal(err)
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if err := os.WriteFile(filepath.Join(r.Dir, filepath.FromSlash(name)), files[name], 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	if err := results.Save(r); err != nil {
		tb.Fatal(err)
	}
	return r
}

func (o Options) withDefaults() Options {
	if o.Scenario.Name == "" {
		o.Scenario = Scenario()
	}
	l := o.Scenario.Load
	if o.Start.IsZero() {
		o.Start = Epoch
	}
	if o.Reps == 0 {
		o.Reps = o.Scenario.Runs
	}
	if o.Reps == 0 {
		o.Reps = 3
	}
	if o.Window == 0 {
		o.Window = l.Window()
	}
	if o.Window <= 0 {
		o.Window = 10 * time.Second
	}
	o.Window = o.Window.Round(time.Second)
	if o.Warmup == 0 {
		o.Warmup = l.Warmup.D()
	}
	o.Warmup = o.Warmup.Round(time.Second)
	if o.Endpoints == nil {
		for i, e := range o.Scenario.Endpoints {
			o.Endpoints = append(o.Endpoints, Endpoint{Name: e.Name, Median: 0.002 * float64(i+1)})
		}
	}
	o.Endpoints = slices.Clone(o.Endpoints)
	for i := range o.Endpoints {
		if e := &o.Endpoints[i]; e.Rate == 0 && e.Requests == 0 {
			e.Rate = rateOf(o.Scenario, e.Name)
		}
	}
	if o.Samples == 0 {
		o.Samples = 500
	}
	if o.SendLag == 0 {
		o.SendLag = 40 * time.Microsecond
	}
	return o
}

// rateOf is an endpoint's share of the scenario's mean rate, or 50/s.
func rateOf(sc scenarios.Scenario, name string) float64 {
	var total, own float64
	for _, e := range sc.Endpoints {
		w := float64(max(e.Weight, 1))
		total += w
		if e.Name == name {
			own = w
		}
	}
	if rate := sc.Load.MeanRate(); rate > 0 && own > 0 {
		return rate * own / total
	}
	return 50
}

// build makes the run and its profile files (by path in the run folder).
func build(o Options) (*results.Run, map[string][]byte) {
	o = o.withDefaults()
	sc := o.Scenario
	rng := rand.New(rand.NewPCG(o.Seed, 7))
	r := &results.Run{
		FormatVersion:   results.FormatVersion,
		Scenario:        sc,
		ScenarioHash:    scenarios.Hash(&sc),
		Label:           o.Label,
		Start:           o.Start,
		Complete:        true,
		Git:             results.Git{Commit: fmt.Sprintf("%x", sha1.Sum([]byte(fmt.Sprint(o.Label, o.Seed))))},
		Host:            results.Host{Name: "bench-1", OS: "linux", Arch: "amd64", CPUs: 8},
		GoVersion:       "go1.26.8",
		HotbenchVersion: "v0.1.0",
		VegetaVersion:   "v12.13.0",
		Warnings:        slices.Clone(o.Warnings),
	}
	files := map[string][]byte{}
	m := measurer{rng: rng, exact: o.Exact, seconds: int(o.Window / time.Second), warmup: int(o.Warmup / time.Second)}
	t := o.Start.Add(o.Warmup)
	for i := range o.Reps {
		rep := Rep{Index: i + 1, Endpoints: slices.Clone(o.Endpoints), Shares: maps.Clone(o.Shares),
			Samples: o.Samples, Stacks: maps.Clone(o.Stacks), SendLag: o.SendLag}
		if o.Server != (results.ServerStats{}) {
			s := o.Server
			rep.Server = &s
		}
		if o.Noise > 0 {
			for j := range rep.Endpoints {
				e := &rep.Endpoints[j]
				e.Median *= jitter(rng, o.Noise)
				e.P99 *= jitter(rng, o.Noise)
			}
			for _, fn := range slices.Sorted(maps.Keys(rep.Shares)) {
				rep.Shares[fn] = min(rep.Shares[fn]*jitter(rng, o.Noise), 1)
			}
		}
		if o.Each != nil {
			o.Each(&rep)
		}
		out := results.Repetition{Index: rep.Index, Start: t, End: t.Add(o.Window), Complete: true,
			Window: o.Window.Seconds(), Invalid: rep.Invalid, Retry: rep.Retry, Server: rep.Server}
		t = out.End.Add(o.Warmup)
		for _, e := range rep.Endpoints {
			out.Endpoints = append(out.Endpoints, m.endpoint(e, rep.SendLag))
		}
		out.Functions = m.shares(sc, rep)
		if rep.Stacks != nil {
			file := fmt.Sprintf("profiles/rep-%02d-cpu.pb.gz", rep.Index)
			data, samples := cpuProfile(rng, rep.Stacks)
			files[file] = data
			out.Profiles = append(out.Profiles, results.Profile{Kind: "cpu", File: file, Start: out.Start,
				Window: out.Window, Bytes: int64(len(data)), Samples: samples})
		}
		r.Repetitions = append(r.Repetitions, out)
		r.End = out.End
	}
	return r, files
}

// shares are the repetition's hotspot function shares: one per hotspot that
// names the function, drawn ±5 % around Rep.Shares unless exact.
func (m *measurer) shares(sc scenarios.Scenario, rep Rep) []results.FunctionShare {
	var out []results.FunctionShare
	for _, fn := range slices.Sorted(maps.Keys(rep.Shares)) { // sorted: the draws' order must not vary
		share := rep.Shares[fn]
		for _, h := range sc.Hotspots {
			for _, f := range h.Functions {
				if f != fn {
					continue
				}
				s := share
				if !m.exact {
					// float64(…) keeps the compiler from fusing a multiply-add,
					// which would round differently on some platforms.
					s = share * (0.95 + float64(0.1*m.rng.Float64()))
				}
				out = append(out, results.FunctionShare{Hotspot: h.Name, Function: fn, Kind: "cpu", Share: s, Samples: rep.Samples})
			}
		}
	}
	return out
}
