package results

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/scenarios"
)

// synth describes a synthetic run: deterministic for a seed, and shaped like
// what the runner writes (per-second series with warm-up, statuses, error
// classes, send lag, profiles and hotspot shares).
type synth struct {
	label     string
	start     time.Time
	reps      int
	endpoints int
	seconds   int     // measured window of one repetition
	rate      int     // requests per second per endpoint
	median    float64 // median latency in seconds of the first endpoint
	seed      uint64
}

var testStart = time.Date(2026, 11, 27, 1, 2, 3, 0, time.UTC)

func (s synth) withDefaults() synth {
	if s.reps == 0 {
		s.reps = 2
	}
	if s.endpoints == 0 {
		s.endpoints = 2
	}
	if s.seconds == 0 {
		s.seconds = 3
	}
	if s.rate == 0 {
		s.rate = 50
	}
	if s.median == 0 {
		s.median = 0.002
	}
	if s.start.IsZero() {
		s.start = testStart
	}
	return s
}

var endpointNames = []string{"search", "step-list", "manual-2", "login", "export"}

func testScenario(endpoints int) scenarios.Scenario {
	sc := scenarios.Scenario{
		Name:     "manual-search",
		Target:   "http://127.0.0.1:8080",
		Runs:     10,
		Profiles: scenarios.Profiles{Pprof: "http://127.0.0.1:8080/debug/pprof", Kinds: []string{"cpu", "allocs"}},
		Hotspots: []scenarios.Hotspot{{
			Name: "search-steps-n-plus-one", Endpoint: "search", Metric: metric.P99,
			Objective: scenarios.Quantity{Value: 0.15, Text: "150ms"},
			Due:       scenarios.Date{Time: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)},
			Functions: []string{"manuals.(*Store).StepsFor"},
		}},
		Gate: scenarios.Gate{Alpha: 0.05, MaxRegression: map[string]scenarios.Quantity{
			metric.P99: {Value: 0.1, Relative: true, Text: "10%"},
		}},
	}
	// Field by field: the load section's type name is the scenarios package's.
	sc.Load.Rate = scenarios.Rate{PerSecond: 200}
	sc.Load.Duration = scenarios.Duration(30 * time.Second)
	sc.Load.Warmup = scenarios.Duration(5 * time.Second)
	sc.Load.Timeout = scenarios.Duration(10 * time.Second)
	for i := 0; i < endpoints; i++ {
		sc.Endpoints = append(sc.Endpoints, scenarios.Endpoint{
			Name: endpointNames[i], Method: "GET", Path: "/api/" + endpointNames[i], Weight: 1,
			Expect: scenarios.Expect{Status: []int{200}},
		})
	}
	return sc
}

// syntheticRun builds a complete run in memory.
func syntheticRun(s synth) *Run {
	s = s.withDefaults()
	rng := rand.New(rand.NewPCG(s.seed, 42))
	r := &Run{
		FormatVersion:   FormatVersion,
		Scenario:        testScenario(s.endpoints),
		ScenarioHash:    "5e1f00d",
		Label:           s.label,
		Start:           s.start,
		Complete:        true,
		Git:             Git{Commit: "0123456789abcdef0123456789abcdef01234567", Dirty: true},
		Host:            Host{Name: "bench-1", OS: "linux", Arch: "amd64", CPUs: 8},
		GoVersion:       "go1.26.8",
		HotbenchVersion: "v0.1.0",
	}
	t := s.start.Add(5 * time.Second)
	for i := 0; i < s.reps; i++ {
		rep := Repetition{Index: i + 1, Start: t, End: t.Add(time.Duration(s.seconds) * time.Second), Complete: true}
		t = rep.End.Add(5 * time.Second)
		for j := 0; j < s.endpoints; j++ {
			medianUS := int(s.median*1e6) * (j + 1)
			e := EndpointRun{
				Name:    endpointNames[j],
				Status:  map[string]int64{},
				Latency: NewHistogram(),
				SendLag: NewHistogram(),
			}
			for sec := -2; sec < s.seconds; sec++ {
				p := Second{T: sec, Warmup: sec < 0}
				perSec := NewHistogram()
				for k := 0; k < s.rate; k++ {
					// Integer arithmetic only, so golden files do not depend on
					// how a platform rounds or fuses floating-point operations:
					// a spread around the median with a tail of one in twenty.
					us := medianUS/2 + rng.IntN(medianUS)
					if rng.IntN(20) == 0 {
						us += rng.IntN(10 * medianUS)
					}
					lat := time.Duration(us) * time.Microsecond
					perSec.Record(lat)
					p.Requests++
					failed := rng.IntN(500) == 0
					if failed {
						p.Errors++
					}
					if sec < 0 {
						continue
					}
					e.Requests++
					e.Latency.Record(lat)
					e.SendLag.Record(time.Duration(rng.IntN(100)) * time.Microsecond)
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
				p.P50, p.P99 = perSec.Quantile(0.5), perSec.Quantile(0.99)
				e.Series = append(e.Series, p)
			}
			rep.Endpoints = append(rep.Endpoints, e)
		}
		for _, kind := range []string{"cpu", "allocs"} {
			rep.Profiles = append(rep.Profiles, Profile{
				Kind: kind, File: fmt.Sprintf("profiles/rep-%02d-%s.pb.gz", i+1, kind),
				Start: rep.Start, Window: float64(s.seconds), Bytes: 12345,
			})
		}
		rep.Functions = []FunctionShare{{
			Hotspot: "search-steps-n-plus-one", Function: "manuals.(*Store).StepsFor", Kind: "cpu",
			Share: float64(300+rng.IntN(100)) / 1000,
		}}
		rep.Server = &ServerStats{CPUSeconds: 1.5 + float64(rng.IntN(1000))/1000, RSSBytes: 80 << 20, AllocBytes: int64(200<<20) + rng.Int64N(1<<20)}
		r.Repetitions = append(r.Repetitions, rep)
	}
	r.End = t
	return r
}
