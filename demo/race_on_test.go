//go:build race

package demo

// raceEnabled: the race detector's instrumentation changes what costs CPU and
// what allocates, so tests that measure profile shares skip under it.
const raceEnabled = true
