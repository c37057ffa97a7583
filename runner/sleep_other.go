//go:build !linux

package runner

import "time"

// sleeper is the timerfd sleeper of Linux; elsewhere there is none and
// preciseSleep uses the runtime's timers as they are.
type sleeper struct{}

func newSleeper() *sleeper                    { return nil }
func (s *sleeper) sleep(d time.Duration) bool { preciseSleep(d); return true }
func (s *sleeper) close()                     {}

// preciseSleep sleeps for d.
func preciseSleep(d time.Duration) { time.Sleep(d) }
