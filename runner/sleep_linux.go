package runner

import (
	"syscall"
	"time"
)

// preciseSleep sleeps for d with the kernel's precision. The Go runtime's
// own timers wake an idle process on millisecond boundaries (it waits in
// epoll, whose timeout is in whole milliseconds), which would add up to 1 ms
// of send lag to every request at modest rates: more than a fast service's
// whole latency. A blocking nanosleep parks only this goroutine's thread.
func preciseSleep(d time.Duration) {
	if d <= 0 {
		return
	}
	ts := syscall.NsecToTimespec(int64(d))
	for syscall.Nanosleep(&ts, &ts) == syscall.EINTR {
	}
}
