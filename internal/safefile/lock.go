package safefile

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"
)

// Lock is an exclusive lock on a lock file, held between processes and
// between goroutines (each with its own Lock) until Unlock. It is advisory:
// it keeps out only the writers that take it too. A process that dies
// releases it, except where only the lock-file fallback exists (systems
// without flock), which the LockError's message covers.
type Lock struct {
	f    *os.File
	path string
}

// LockError is returned by LockFile when its context ends before the lock
// is free. PID is the holder's process id as it wrote it in the lock file
// (0 when unknown).
type LockError struct {
	Path string
	PID  int
	Err  error // the context's error
}

func (e *LockError) Error() string {
	holder := "another process"
	if e.PID > 0 {
		holder = "process " + strconv.Itoa(e.PID)
	}
	return fmt.Sprintf("%s is locked by %s: %v", e.Path, holder, e.Err)
}

func (e *LockError) Unwrap() error { return e.Err }

// readPID reads the holder's process id from a lock file, 0 if there is
// none.
func readPID(path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}

// backoff returns the wait before the next try, from a few milliseconds up
// to 50 with jitter, so many waiters do not retry in step.
func backoff(try int) time.Duration {
	d := time.Millisecond << min(try, 6)
	d = min(d, 50*time.Millisecond)
	return d/2 + rand.N(d/2+1)
}

// writePID records the holder in the lock file, for the message of whoever
// waits.
func (l *Lock) writePID() {
	l.f.Truncate(0)
	l.f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
}
