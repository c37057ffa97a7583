package compare

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"

	"github.com/hotbench/hotbench/internal/synth"
	"github.com/hotbench/hotbench/results"
)

// TestAgreesWithBenchstat exports both sides with results.ExportBenchfmt,
// reads them back as cmd/benchstat does (benchfmt.Files, cells keyed by
// file, benchmark and unit, the unit's assumption, DefaultThresholds and
// 95 % confidence), and checks every hotbench row against benchstat's
// numbers for the same cell: every Mann–Whitney row (latencies, cpu_per_req,
// profile shares) equals benchstat in center, interval, p and verdict.
// Two rows differ by design, and the test pins how: open-model rps has
// benchstat's center and interval but no test (it is an input), and
// error_rate is the pooled rate with Fisher's exact test where benchstat
// sees one rate per repetition (median, U test).
func TestAgreesWithBenchstat(t *testing.T) {
	sc := testScenario()
	withCPU := func(o synth.Options) synth.Options {
		return each(o, func(r *synth.Rep) { r.Server = &results.ServerStats{CPUSeconds: 0.5 + 0.01*float64(r.Index%3)} })
	}
	// Each side has an invalid repetition, much slower (the generator fell
	// behind) or cut short, that both compare and export leave out: before
	// issue 8 the export kept them and benchstat disagreed with compare.
	invalid := func(at int, why string, o synth.Options) synth.Options {
		return each(o, func(r *synth.Rep) {
			if r.Index == at {
				r.Invalid = []string{why}
				r.Endpoints[0].Median, r.Endpoints[0].P99 = r.Endpoints[0].Median*10, r.Endpoints[0].P99*10
			}
			if r.Index%4 == 2 {
				r.Endpoints[1].Errors = int64(r.Index - 1) // a few failures, for the pooled rates
			}
		})
	}
	base := synthRun(sc, "before", 11, invalid(5, "generator fell behind", withCPU(noisy(80, 0.050, 0.41))))
	cand := synthRun(sc, "after", 11, invalid(8, "lost requests", withCPU(noisy(81, 0.045, 0.30))))
	c, err := Compare(runs(base), runs(cand), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseRuns != 10 || c.CandidateRuns != 10 || c.LeftOut != (LeftOut{1, 1}) {
		t.Fatalf("runs %d+%d, left out %+v; want 10+10, one each", c.BaseRuns, c.CandidateRuns, c.LeftOut)
	}

	dir := t.TempDir()
	paths := map[string]string{"base": filepath.Join(dir, "base.txt"), "cand": filepath.Join(dir, "cand.txt")}
	for side, r := range map[string]*results.Run{"base": base, "cand": cand} {
		var buf bytes.Buffer
		if err := results.ExportBenchfmt(&buf, r); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(paths[side], buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// cells[file][benchmark name][unit] = values, as benchtab.Builder.Add.
	cells := map[string]map[string]map[string][]float64{}
	files := benchfmt.Files{Paths: []string{paths["base"], paths["cand"]}, AllowLabels: true}
	for files.Scan() {
		switch rec := files.Result().(type) {
		case *benchfmt.SyntaxError:
			t.Errorf("benchfmt: %v", rec)
		case *benchfmt.Result:
			file := rec.GetConfig(".file")
			if cells[file] == nil {
				cells[file] = map[string]map[string][]float64{}
			}
			name := string(rec.Name.Full())
			if cells[file][name] == nil {
				cells[file][name] = map[string][]float64{}
			}
			for _, v := range rec.Values {
				cells[file][name][v.Unit] = append(cells[file][name][v.Unit], v.Value)
			}
		}
	}
	if err := files.Err(); err != nil {
		t.Fatal(err)
	}
	units := benchfmt.UnitMetadataMap(files.Units())
	thresholds := benchmath.DefaultThresholds
	const confidence = 0.95

	checked, fisher, inputs := 0, 0, 0
	for _, r := range c.Rows {
		unit := results.BenchfmtUnit(r.Metric)
		if fn, ok := strings.CutPrefix(r.Metric, CPUSharePrefix); ok {
			unit = "cpu-share:" + fn
		}
		name := "ManualSearch/endpoint=" + r.Endpoint
		if r.Endpoint == ServerEndpoint {
			// Server-wide values are exported on every endpoint's line.
			name = "ManualSearch/endpoint=" + c.Endpoints()[0]
		}
		bv, cv := cells[paths["base"]][name][unit], cells[paths["cand"]][name][unit]
		if len(bv) == 0 || len(cv) == 0 {
			t.Errorf("%s %s: benchstat has no %s values for %s (%d+%d)", r.Endpoint, r.Metric, unit, name, len(bv), len(cv))
			continue
		}
		// What benchtab.ToTables and summarizeCell do.
		assumption := units.GetAssumption(unit)
		bs, cs := benchmath.NewSample(bv, &thresholds), benchmath.NewSample(cv, &thresholds)
		bsum, csum := assumption.Summary(bs, confidence), assumption.Summary(cs, confidence)
		cmp := assumption.Compare(bs, cs)

		eq := func(what string, got, want float64) {
			if !closeRel(got, want, 1e-12) {
				t.Errorf("%s %s %s = %v, benchstat %v", r.Endpoint, r.Metric, what, got, want)
			}
		}
		switch {
		case r.Test == TestFisher:
			pooled := func(run *results.Run) float64 {
				var e, n int64
				valid, _ := run.ValidRepetitions()
				for _, rep := range valid {
					if x := rep.Endpoint(r.Endpoint); x != nil {
						e, n = e+x.Errors, n+x.Requests
					}
				}
				return float64(e) / float64(n)
			}
			eq("pooled base rate", r.Base.Center, pooled(base))
			eq("pooled candidate rate", r.Candidate.Center, pooled(cand))
			fisher++
			continue
		case r.Input:
			eq("base center", r.Base.Center, bsum.Center)
			eq("candidate center", r.Candidate.Center, csum.Center)
			if !math.IsNaN(r.P) || r.Significant || r.Change != NoChange {
				t.Errorf("%s %s: an input has p=%v significant=%v change=%q, want no test", r.Endpoint, r.Metric, r.P, r.Significant, r.Change)
			}
			inputs++
			continue
		}
		eq("base center", r.Base.Center, bsum.Center)
		eq("base lo", r.Base.Lo, bsum.Lo)
		eq("base hi", r.Base.Hi, bsum.Hi)
		eq("candidate center", r.Candidate.Center, csum.Center)
		eq("candidate lo", r.Candidate.Lo, csum.Lo)
		eq("candidate hi", r.Candidate.Hi, csum.Hi)
		eq("p", r.P, cmp.P)
		if r.Base.N != cmp.N1 || r.Candidate.N != cmp.N2 {
			t.Errorf("%s %s n=%d+%d, benchstat %d+%d", r.Endpoint, r.Metric, r.Base.N, r.Candidate.N, cmp.N1, cmp.N2)
		}
		// benchstat prints "~" exactly when hotbench reports no change.
		if tilde := cmp.FormatDelta(bsum.Center, csum.Center) == "~"; tilde == r.Significant {
			t.Errorf("%s %s: significant=%v but benchstat's delta is %q", r.Endpoint, r.Metric, r.Significant, cmp.FormatDelta(bsum.Center, csum.Center))
		}
		checked++
	}
	// 2 endpoints × 6 latencies + the server's cpu_per_req + 1 share; 2
	// error_rate and 2 rps rows.
	if checked != 14 || fisher != 2 || inputs != 2 {
		t.Errorf("checked %d rows against benchstat, %d pooled error rates and %d inputs; want 14, 2 and 2", checked, fisher, inputs)
	}
}

func closeRel(a, b, tol float64) bool {
	if a == b || (math.IsNaN(a) && math.IsNaN(b)) {
		return true
	}
	return math.Abs(a-b) <= tol*math.Max(math.Abs(a), math.Abs(b))
}
