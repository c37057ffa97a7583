package demo

import (
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// Go's time.Sleep cannot wait 300µs: when the process is idle the runtime
// parks in epoll_wait, whose timeout has millisecond resolution, so a 300µs
// sleep takes about 1.1ms, and less when the process is busy. A simulated
// round trip that depended on load would blur the demo, so on Linux the wait
// is a timerfd parked in the network poller: precise to tens of microseconds,
// and off-CPU like a real database round trip (the goroutine blocks, not the
// thread).

// idleTimers keeps timerfds for reuse; each concurrent wait needs its own.
var idleTimers = make(chan *timerFD, 64)

type timerFD struct {
	fd   int
	file *os.File // registered with the poller, so Read parks the goroutine
}

// wait blocks the calling goroutine for d.
func wait(d time.Duration) {
	t := acquireTimer()
	if t == nil || !t.wait(d) {
		if t != nil {
			t.file.Close()
		}
		time.Sleep(d) // out of file descriptors: imprecise beats failing
		return
	}
	select {
	case idleTimers <- t:
	default:
		t.file.Close()
	}
}

func acquireTimer() *timerFD {
	select {
	case t := <-idleTimers:
		return t
	default:
	}
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return nil
	}
	return &timerFD{fd: fd, file: os.NewFile(uintptr(fd), "timerfd")}
}

// wait arms the one-shot timer and reads its expiry count; false on any error.
func (t *timerFD) wait(d time.Duration) bool {
	if d <= 0 {
		return true
	}
	spec := unix.ItimerSpec{Value: unix.NsecToTimespec(d.Nanoseconds())}
	if err := unix.TimerfdSettime(t.fd, 0, &spec, nil); err != nil {
		return false
	}
	var expirations [8]byte
	_, err := t.file.Read(expirations[:])
	return err == nil
}
