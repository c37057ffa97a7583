// Package sequential is the statistics of hotbench ab: the test of a
// candidate against a base measured in interleaved blocks on one machine,
// the plan of looks at which a session may stop, the decisions at a look,
// and, for hotbench calibrate, the power such a session has. Pure
// functions, no I/O.
//
// # The blocked test
//
// A block is four repetitions, ABBA or BAAB by a seeded coin (A the base,
// B the candidate). Per block and metric, d = mean(log B) − mean(log A):
// both sides sit at the same mean position in the block, so a drift of the
// machine that is linear over the block cancels, and a level shift of the
// whole block (another tenant, a thermal step) cancels too. With no effect
// the coin makes the sign of each d a fair flip, so the d's are symmetric
// about 0 whatever the noise looks like. Across n blocks a one-sample
// t-test on the d's (n − 1 degrees of freedom) gives the ratio exp(mean d)
// with its interval and a two-sided p-value. The log makes the noise of
// latencies and costs, which is multiplicative, additive, and makes the
// estimate a ratio. benchstat's Mann–Whitney test, which compare uses on
// separate runs, does not fit here: ab's repetitions are paired by block
// and not exchangeable across a drifting session; the d's are. With heavy
// tails (a p99 that sometimes catches a stall) the t-test errs on the safe
// side: an outlying d inflates the spread more than the mean.
//
// When a value is ≤ 0 (an error rate of 0) the log is impossible, and d is
// the difference of the means relative to the base's overall mean; when
// the base is 0 throughout, the plain difference, and no ratio exists (see
// Scale). When all n d's are equal the t statistic is undefined: equal to
// 0 they give p = 1; equal and nonzero they give p = 2^(1−n), the chance
// that the coin alone makes n equal signs, not the p = 0 a limit would
// claim: a measurement too coarse to show its noise (memory counted in
// pages) is no proof of certainty. With ab's defaults such a difference is
// significant at the second look (10 blocks), not at the first.
//
// # Looks and the spending of alpha
//
// ab looks at the evidence at minBlocks and at up to three more evenly
// spaced numbers of blocks ending at maxBlocks (5, 10, 15, 20 by default)
// and stops once decided. Each look is a chance of a false alarm, so
// alpha is spent over the looks by a Lan–DeMets function of the
// information fraction t = blocks/maxBlocks. The Pocock type,
// α·ln(1 + (e−1)·t), spends 0.0179 of 0.05 at t = 1/4; the O'Brien–Fleming
// type spends 0.00009 there, which with 4 degrees of freedom asks for
// |t| ≥ 16: no session would ever stop at 5 blocks, and stopping early on
// a clear change is what ab is for. With the Pocock type a +20 % change
// under 10 % per-repetition noise stops at the first look in 61 % of
// sessions, and almost all the rest at the second. The price is paid at
// the last look, whose level is 0.0168 where O'Brien–Fleming's would be
// 0.039 and a fixed test's 0.05. Measured in what it costs to detect,
// that is modest: with block differences of sd 0.1 a 20-block session
// detects +7.8 % with 80 % power where a fixed 20-block t-test at 0.05
// needs +6.8 %. calibrate's MinimumDetectableEffect reports this cost for
// the user's own noise.
//
// The level at each look is not the alpha it spends: looks share their
// first blocks, so a session that was not significant at 5 blocks is less
// likely to be at 10. The classical levels come from Brownian motion (the
// recursive integration of Armitage, McPherson and Rowe, kept in the tests
// as a reference), and they assume a known variance. Applied to t-tests
// with 4 degrees of freedom at the first look they let 5.5 % (± 0.1 %) of
// A/A sessions through at alpha 5 %: the spread, re-estimated at each look,
// makes the looks' statistics less correlated than Brownian motion says.
// So the levels here are simulated for the t-test itself: a seeded Monte
// Carlo of normal block differences, summarized between looks by their
// sufficient statistics, with enough paths that each level is stable to
// about 2 % (down to alpha 0.005 a metric); the first look's level is
// exact. For alpha 0.05 over 5, 10,
// 15, 20 blocks the cumulative spending is 0.0179, 0.0310, 0.0414, 0.05
// and the nominal levels are 0.0179, 0.0160, 0.0164, 0.0168 (Brownian
// motion would say 0.0179, 0.0179, 0.0184, 0.0188). A design is computed
// once per (alpha, looks) and cached: from 50 ms at alpha 0.05 to under a
// second for the smallest alphas.
//
// # Decisions
//
// At look k with level ℓ a metric is Regressed when p ≤ ℓ and the
// estimated ratio is worse than its allowance (any significant worsening
// with an allowance of 0), WithinAllowance when significantly worse but
// inside the allowance, Improved when significantly better, Equivalent
// when the interval at confidence 1 − ℓ lies inside [1/(1+a), 1+a] (never
// with an allowance of 0), and Undecided otherwise. Regressions and
// improvements are what alpha bounds; a wrong Equivalent (a true +10 %
// under a 10 % allowance) happened in 0.3 % of simulated sessions.
//
// ab gates several metrics at once. Each metric's design is built at
// PerMetricAlpha(alpha, m) = alpha/m, Bonferroni's rule; PerMetricAlpha
// says why not more.
//
// # What the simulations showed
//
// The tests run every simulation with 2,000 sessions (the issue's
// minimum; 3 binomial sd is ±0.015 at 0.05) in every go test. Sessions of
// at most 20 blocks, first look at 5, alpha 0.05, lognormal repetitions
// with sigma 0.1, a linear drift of +30 % over the session and a level
// shift of sd 0.2 per block:
//
//	A/A, one metric                              0.048  (0.0505 ± 0.0011 over 40,000)
//	A/A, one repetition in ten spiking 3x        0.035  (0.028 over 40,000)
//	A/A, 3 % spikes, sigma 0.05, no drift        0.018  (0.019 over 40,000)
//	A/A, 2 independent metrics, alpha/2 each     0.055  (0.050 over 40,000)
//	A/A, 4 metrics correlated 0.5, alpha/4 each  0.052  (0.045 over 40,000)
//	+20 %, allowance 0: Regressed                100 %, 63 % at the first look
//	+20 %, allowance 10 %: Regressed             99.65 %
//	1 ms becoming 3 ms: Regressed at look 1      every session
//	no effect, sigma 0.02, allowance 10 %        Equivalent at look 1 in 98 %
//
// The same draws with and without the drift and the block shifts end
// every session alike: the blocks cancel them.
//
// # Calibration
//
// MinimumDetectableEffect and FalseAlarmRate resample the block
// differences of an A/A session through the same sequential procedure.
// The MDE centres them, so it measures noise only; FalseAlarmRate keeps
// their mean, so a real offset between two processes of one build
// (placement, memory layout) shows as a rate above alpha.
package sequential
