// Package synth builds synthetic runs for tests: deterministic for a seed,
// and shaped like what the runner writes (run format version 2), so that
// tests of results, compare, report and the command read the kind of run
// they will meet.
//
// A run built here has, per repetition and endpoint: a latency histogram of
// the successful requests only and one of the failed requests
// (error_latency), statuses, error classes and error samples, send lag, the
// hits the schedule had due (scheduled), and a per-second series with its
// warm-up seconds marked; per repetition its window, its validity (Invalid
// reasons), the hotspot functions' shares of CPU samples with the sample
// count they came from, and, when asked, gzipped CPU profiles with their
// sample counts. The run's scenario hash is scenarios.Hash, as the runner's.
//
// # Options
//
// New builds a run in memory; Save creates it in a results.Store, writes
// its profiles beside it and saves it, as the runner does:
//
//	run := synth.New(synth.Options{Label: "before", Reps: 10, Seed: 1})
//	run := synth.Save(t, store, synth.Options{Scenario: sc, Label: "after", Stacks: stacks})
//
// Everything has a default: the scenario is Scenario(), the label "run",
// the start Epoch, the number of repetitions the scenario's runs, the window
// and warm-up the scenario's load, and one Endpoint per scenario endpoint at
// its share of the scenario's rate. Options.Endpoints shapes the endpoints
// instead, and Options.Each changes any repetition before it is measured
// (make it invalid, slower, failing, without profile shares).
//
// # Latency
//
// An Endpoint's successful requests have a log-normal latency through its
// Median and P99; given only one of them, the other is 2.26 times away
// (σ 0.35). There are two ways to draw it:
//
//   - By default every request's latency is drawn at random, so the
//     quantiles of a repetition vary around the shape as a real one's do.
//     Profile shares then vary by ±5 % from one repetition to the next.
//   - With Exact, a repetition's latencies sit at evenly spaced quantiles
//     of the shape, so its p50 and p99 are the shape's (to the histogram's
//     three digits); variation between repetitions comes from Noise alone,
//     a coefficient of variation applied to each repetition's median, p99
//     and profile shares before Each sees them. Statistics tests use Exact
//     to control exactly how far two sides differ.
//
// Warm-up seconds (in the series only, as the runner records them) are
// 1.8 times slower: caches are cold. Failed requests are spread evenly over
// the window (Errors) or drawn one in FailOneIn; a failure counts in the
// status and error class of FailStatus and is timed in error_latency.
//
// The same Options and Seed always build the same run: the random numbers
// come from math/rand/v2's PCG seeded with Seed, drawn in a fixed order.
package synth
