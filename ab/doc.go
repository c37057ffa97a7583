// Package ab runs a base and a candidate build of a service side by side on
// one machine and decides whether the candidate regressed (`hotbench ab`),
// or runs one build as both sides to measure the machine's noise
// (`hotbench calibrate`).
//
// It resolves both git references and builds them (package ab/build, cached
// by commit), starts each as a managed server on its own loopback port, and
// drives one runner.Session per side. Repetitions run in blocks of four,
// ABBA or BAAB by a seeded coin, so that a drift of the machine that is
// linear over a block cancels from the block's difference; a repetition the
// validity rules reject is redone in its block. At the looks the design of
// package ab/sequential plans, each gated row is judged by the blocked
// t-test (Bonferroni over the rows; error rates on pooled counts with
// Fisher's test at the look's level), and the session stops once a
// regression is decided or every row is. The two runs are stored as
// ordinary runs (labels base and candidate, with their commit and the
// order in results.Run.AB), so compare, gate and the reports read them like
// any other; the session's decision replaces the U test in the gate
// because a test repeated at every look without a design would raise its
// false-alarm rate well above alpha.
//
// Calibrate reads an A/A session's repetitions: the coefficient of
// variation, the share of variance between the two processes (one-way
// analysis of variance), the drift over the session, and by simulation
// with compare's own U test the smallest regression the gate finds at 5,
// 10 and 20 repetitions a side, and the current gate's false-alarm rate.
package ab
