// Package compare answers "did this change make it faster, and can we trust
// that?": it turns the valid repetitions of two sets of runs into
// per-metric samples, summarises and compares them with
// golang.org/x/perf/benchmath exactly as benchstat does, joins hotspot
// metrics with their functions' profile shares into verdicts, applies the
// CI gate policy (the base scenario's gate section under the user's
// Settings: ResolveGate; and a run's own SLOs, CheckRun), and writes the
// result as text, Markdown, JSON or JUnit XML. The JSON has one schema,
// VerdictJSON, which ReadVerdict reads back (the monthly report does).
//
// # Samples
//
// A repetition is one sample of every (endpoint, metric). Only valid
// repetitions (results.Repetition.Valid) are samples: one whose generator
// fell behind, whose window was interrupted or lost requests measured
// hotbench, not the server, and would be an outlier of the wrong kind.
// Invalid ones are left out, counted per side (Comparison.LeftOut, JSON
// base_left_out and candidate_left_out) and named with their reasons in a
// warning; a side with none left is an *InconclusiveError.
//
// # Rows
//
// Each endpoint has a row per metric of metric.Standard (p50 p90 p99 p999
// mean max rps error_rate), the server a row each for cpu_per_req and
// alloc_per_req, and any other percentile has rows too where the runs'
// scenarios name it (a hotspot's metric, a gate key) or Options.Metrics
// does (a policy from the command line: Policy.Metrics). Values print with
// metric.Format, by its one rule, as everywhere in hotbench; p-values have
// two significant digits.
//
// # Latencies, per-request costs and profile shares
//
// Each side's sample is one value per repetition; per-request latencies
// are never fed to a test (they are not independent). Center, interval and
// p come from benchmath's AssumeNothing: the median, its order-statistic
// confidence interval, and the Mann–Whitney U test, so these rows agree
// with stock benchstat on `hotbench export` to the last digit
// (TestAgreesWithBenchstat).
//
// A function's share of the profile is tested only when every repetition
// whose share is used, on both sides, came from a profile of at least
// profiles.min_samples samples (default scenarios.DefaultMinSamples, 100;
// an unknown count, from an old run, is too few). A share of a dozen CPU
// ticks moves by tens of points between identical runs; below the
// threshold the row shows the shares, says "too few samples (N)", and does
// not feed the hotspot verdict, which rests on the metric (and any other
// function with enough samples) and says the profile was too thin: a thin
// profile neither confirms a change nor, when a fix leaves the server idle
// and its profile nearly empty, makes a clear change inconclusive. Share changes are
// differences of fractions and are written in percentage points: 70.83 %
// → 75.00 % is +4.17 pp (JSON delta_pp), never +5.9 %.
//
// # Error rates
//
// The error_rate row compares what the repetitions lost: all failed
// requests over all requests of the valid repetitions, per side. Its
// center is that pooled rate, its interval Wilson's score interval (it
// stays inside [0, 1], is not degenerate at zero failures, and needs no
// iteration for millions of requests), and its p-value Fisher's exact test,
// two-sided, on the 2×2 table of failed and successful requests, computed
// by conditioning on the margins (the hypergeometric distribution, summed
// in log space from its mode, the minimum-likelihood rule of R's
// fisher.test).
//
// Why pooled, and why exact. A median of per-repetition rates cannot see an
// outage confined to one repetition: 96 of 200 requests failed once, none
// in the other four, has a median rate of 0 % and a Mann–Whitney p of 0.42.
// Pooled, that is 96 of 1000 against 0 of 1000, p = 2.3e-30: it fails the
// default gate, and also breaks the default error-rate SLO. An A/A pair
// with a lone failure, 1 of 2000 against 0 of 2000, has p = 1: the test is
// exact where the counts are small, which is where normal approximations
// call noise a change. A per-repetition maximum was the alternative; it
// needs a threshold of its own, which the SLO already is (below).
//
// What it assumes. Fisher's test treats requests as independent. Failures
// that come in bursts (one stall, several timeouts) make it eager: in the
// simulation with bursts of 3 failures on average (TestSimulatedAAFalseAlarms),
// the default gate fails about 6 % of A/A pairs instead of 0.1 %. The
// remedy is an allowance: max_regression error_rate is absolute, in the
// rate's own unit, so error_rate: 0.1% fails only increases of the pooled
// rate beyond 0.1 points that are also significant; an outage still fails,
// by the allowance and by the SLO.
//
// Stock benchstat sees something else. `hotbench export` writes one error
// rate per repetition, so benchstat on the export shows the median of those
// and a U test: it agrees with hotbench on every latency, cost and share
// row, and by design not on error_rate (nor on open-model rps, below).
//
// # Throughput in the open model
//
// In the open model the schedule sets the rate, so rps (requests in the
// window over its scheduled length) is an input, not a measurement of the
// server: the row shows the achieved rate against the target
// (results.Run.TargetRPS), has no p-value, is never significant, improved
// or regressed, never a gate failure (a max_regression or slo on it is
// ignored with a warning that says why) and never a JUnit failure. A side
// more than 1 % short of its target warns: its generator could not keep
// up. In the closed model (rate: max) rps is the capacity being measured,
// and a metric like any other; latencies are shown but not judged there.
//
// # Many rows, one error rate
//
// The table prints every row's own p-value, as benchstat does, and says so
// (a footnote in text and Markdown, p_correction "none" in JSON). With
// eight rows at 0.05, a quarter of identical pairs would show a change
// somewhere. The gate controls the family-wise error rate instead: the p
// values of the rows it gates (those with a max_regression entry) are
// adjusted with Holm's step-down method (sorted, the k-th smallest times
// m−k+1, made monotone), and a row fails only when its adjusted p ≤ alpha,
// it moved the worse way, and beyond its allowance. Holm controls the
// family-wise rate at alpha under any dependence between the rows
// (p50 and p99 of one repetition are correlated) and is uniformly more
// powerful than Bonferroni. The p-values are the table's two-sided ones,
// so a row the gate fails is always a row the table marks regressed; only
// regressions fail, so the A/A failure rate is at most alpha and about
// half of it for continuous metrics. GateResult.Tested and JSON
// gate.tested list each gated row's p and adjusted p.
//
// Measured (TestSimulatedAAFalseAlarms, TestSimulatedPower; 10 runs a side,
// 9 gated rows, alpha 0.05, realistic noise with ties at HDR resolution):
// the default gate fails 0.1 % of 2000 A/A pairs, the same rows with no
// allowance 1.1 %, and the uncorrected per-row rule 9.6 %. A 10 % slower
// p50 at 5 % CV is caught by the gate in about 80 % of trials (97 % per row
// uncorrected); a 10 % slower p99 with a noisier tail in about 50 %.
//
// # Undecidable is not a pass
//
// With n and m repetitions the Mann–Whitney test cannot give a p below a
// floor (MinP: 0.1 at 3+3, 0.0079 at 5+5). When some gated row's floor is
// above alpha divided by the number of gated rows (Holm's first step), no
// regression there could fail the gate, and passing would mean nothing:
// the gate is Inconclusive, with a reason that says how many repetitions a
// side are needed ("inconclusive: base has 3 valid repetitions, at least 6
// are needed a side at alpha 0.05 across 9 gated rows (Holm): rerun with
// --runs 6 or more (10 recommended)"). Failures still fail an
// inconclusive gate: a breach seen is a breach. The command maps failures
// to exit 1, an inconclusive gate to exit 3.
//
// # SLOs
//
// SLOs hold for the candidate whatever the number of runs: latencies and
// per-request costs on the median of the valid repetitions, error_rate on
// the pooled rate. error_rate defaults to scenarios.DefaultSLO (1 %) when
// the policy has no entry for it; an entry with None ("error_rate: none")
// lifts it. An endpoint that had requests but not one successful response
// in a valid repetition breaks its SLO always (a 404-only endpoint, an
// expired token). CheckRun applies the same checks to a single run, for
// `hotbench run`.
package compare
