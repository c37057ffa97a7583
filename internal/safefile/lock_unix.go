//go:build unix

package safefile

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// LockFile takes an exclusive flock on the file at path (created if needed,
// never through a link), waiting until it is free or ctx ends; then it
// returns a *LockError naming the holder. The lock file is never removed:
// removing it would let two processes hold "the" lock at once.
func LockFile(ctx context.Context, path string) (*Lock, error) {
	for try := 0; ; {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o644)
		if err != nil {
			if errors.Is(err, syscall.ELOOP) {
				return nil, refused(ErrRefused, "lock %s: it is a symbolic link: remove it", path)
			}
			return nil, lockErr(path, err)
		}
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, lockErr(path, err)
		}
		if !fi.Mode().IsRegular() {
			f.Close()
			return nil, refused(ErrRefused, "lock %s: it is %s, not a regular file: remove it", path, describe(fi.Mode()))
		}
		for {
			err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
			if err != unix.EINTR {
				break
			}
		}
		switch {
		case err == nil:
			// Someone may have removed the file (as the LockError suggests)
			// while we waited: a lock on a name that is gone keeps nobody out.
			if now, serr := os.Stat(path); serr != nil || !os.SameFile(fi, now) {
				f.Close()
				continue
			}
			l := &Lock{f: f, path: path}
			l.writePID()
			return l, nil
		case !errors.Is(err, unix.EWOULDBLOCK):
			f.Close()
			return nil, lockErr(path, err)
		}
		f.Close()
		t := time.NewTimer(backoff(try))
		try++
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, &LockError{Path: path, PID: readPID(path), Err: ctx.Err()}
		case <-t.C:
		}
	}
}

// Unlock releases the lock. The file stays, empty.
func (l *Lock) Unlock() error {
	l.f.Truncate(0)
	return l.f.Close() // closing the last descriptor releases the flock
}

func lockErr(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return &fs.PathError{Op: "lock", Path: path, Err: err}
}
