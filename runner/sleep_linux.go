package runner

import (
	"os"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// sleeper waits for a pacer with the kernel's precision. The Go runtime's
// own timers wake an idle process on millisecond boundaries (it waits in
// epoll, whose timeout is in whole milliseconds), which would add up to 1 ms
// of send lag to every request at modest rates: more than a fast service's
// whole latency. A timerfd wakes the runtime's poller exactly, and the pacer
// waits for it as a goroutine reading a socket does: parked, not holding a
// thread in a blocking sleep. So the thread that wakes for the next hit goes
// on to run the worker that sends it, where a blocking nanosleep had the
// runtime hand the worker to another thread for every request. Arming and
// reading the timer are raw system calls, as in rawIOConn, and for the same
// reason.
type sleeper struct {
	f  *os.File // the timerfd, watched by the runtime's poller
	rc syscall.RawConn
	// arm sets the timer to spec and read consumes its expiry, through rc
	// so that a concurrent close cannot hand the descriptor to another
	// file meanwhile; both are made once.
	arm   func(fd uintptr)
	read  func(fd uintptr) bool
	spec  unix.ItimerSpec
	buf   [8]byte
	errno syscall.Errno
}

// newSleeper returns a sleeper, or nil where a timerfd cannot be made
// (then preciseSleep is used).
func newSleeper() *sleeper {
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return nil
	}
	s := &sleeper{f: os.NewFile(uintptr(fd), "timerfd")}
	if s.rc, err = s.f.SyscallConn(); err != nil {
		s.f.Close()
		return nil
	}
	s.arm = func(fd uintptr) {
		_, _, s.errno = syscall.RawSyscall6(unix.SYS_TIMERFD_SETTIME, fd, 0, uintptr(unsafe.Pointer(&s.spec)), 0, 0, 0)
	}
	s.read = func(fd uintptr) bool {
		_, _, e := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&s.buf[0])), uintptr(len(s.buf)))
		return e != syscall.EAGAIN && e != syscall.EINTR
	}
	return s
}

// sleep waits d; it returns false when the sleeper was closed meanwhile.
func (s *sleeper) sleep(d time.Duration) bool {
	if d <= 0 {
		return true
	}
	s.spec.Value = unix.NsecToTimespec(int64(d))
	if err := s.rc.Control(s.arm); err != nil {
		return false // closed
	}
	if s.errno != 0 {
		preciseSleep(d)
		return true
	}
	return s.rc.Read(s.read) == nil
}

// close releases the timerfd; a sleep in progress returns false.
func (s *sleeper) close() { s.f.Close() }

// preciseSleep sleeps for d in a blocking nanosleep, where no timerfd is
// to be had.
func preciseSleep(d time.Duration) {
	if d <= 0 {
		return
	}
	ts := syscall.NsecToTimespec(int64(d))
	for syscall.Nanosleep(&ts, &ts) == syscall.EINTR {
	}
}
