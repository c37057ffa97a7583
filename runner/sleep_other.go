//go:build !linux

package runner

import "time"

// preciseSleep sleeps for d; elsewhere than Linux the runtime's timers are
// used as they are.
func preciseSleep(d time.Duration) { time.Sleep(d) }
