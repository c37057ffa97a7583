// Package runner executes a scenario: it paces each endpoint's open-model
// arrivals by a schedule (or runs closed-model workers) through vegeta,
// records latency from each request's scheduled send time into HDR
// histograms (successes and failures apart) with a per-second series,
// captures server profiles during each measured window, reads the
// server's CPU time and memory from /proc over it when its process id is
// known (proccost.go: any language, cpu_per_req and rss_peak), manages
// server processes, and stores the run. Run follows the scenario's plan;
// a Session lets a caller drive the repetitions of one or two runs itself
// (hotbench ab interleaves a base and a candidate).
//
// Latency runs from each request's scheduled send time (no coordinated
// omission); the one exception is a hit the pacer sent early together with
// the hit before it: hits due less than load.coalesce (3 ms by default)
// after a wake-up go with it, so that at thousands of requests a second the
// generator wakes once per group rather than once per hit, and such a hit
// is timed from when it was sent, never shorter than its response took.
// Send lag counts late hits only; coalesce: 0 gives every hit its own
// wake-up.
//
// The generator is built to leave the machine to the server: the pacer
// waits on a timerfd in the runtime's poller, plain-HTTP requests are
// exchanged whole on vegeta's worker goroutine over pooled keep-alive
// connections (transport.go; https and proxies go through net/http), and
// sockets are read and written with raw system calls. bench/cpu.sh
// measures its CPU per request against vegeta and hey.
//
// Each repetition is judged as it ends and is a sample only when its
// window ran to the end, every endpoint's send lag p99 stayed within
// load.max_send_lag, no single send lag exceeded 25 × load.max_send_lag (a
// generator stall that p99 does not show still lands in latency max and
// p999), and no more than 1 % of the window's scheduled requests went
// unrecorded. An invalid repetition is kept, marked with its reasons and
// redone at once, up to load.retries times per run; see docs/design.md,
// Measuring.
//
// What a run stores or prints (run.json, raw/, progress, warnings, errors)
// has its secrets redacted by internal/redact: secret headers, secret query
// parameters and URL passwords, so a scenario's hash survives a rotated
// token. The placeholders of server.build and server.command reach the
// shell through internal/shellcmd, as variables it never reads as code.
// Raw results (raw.go) are vegeta's gob format, one attack per endpoint and
// repetition, numbered from 0 after the warm-up for vegeta plot; they are
// written through internal/safefile and renamed into place when their
// repetition ends, and one that cannot be written stops the run. When the
// run ends, its valid repetitions are joined into raw/results.bin, one
// stream for vegeta report.
package runner
