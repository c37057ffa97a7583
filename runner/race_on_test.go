//go:build race

package runner

// raceEnabled: the race detector slows the HTTP client and server of these
// tests by about half a millisecond a request; latency bounds allow for it.
// .ci/run also runs the latency tests without it, at the strict bounds.
const raceEnabled = true
