//go:build !linux

package demo

import "time"

// wait blocks the calling goroutine for d. Outside Linux it is time.Sleep, which
// rounds sub-millisecond waits up to about a millisecond when the process is
// idle, so the N+1 hotspot looks slower there than on Linux.
func wait(d time.Duration) { time.Sleep(d) }
