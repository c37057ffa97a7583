//go:build !unix

package safefile

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"time"
)

// LockFile takes the lock by creating the file at path exclusively, waiting
// until it can or ctx ends; then it returns a *LockError naming the holder.
// Without flock a process that dies holding the lock leaves the file: the
// LockError says whom to ask, and removing the file frees the lock.
func LockFile(ctx context.Context, path string) (*Lock, error) {
	for try := 0; ; try++ {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			l := &Lock{f: f, path: path}
			l.writePID()
			return l, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		t := time.NewTimer(backoff(try))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, &LockError{Path: path, PID: readPID(path), Err: ctx.Err()}
		case <-t.C:
		}
	}
}

// Unlock releases the lock by removing the lock file.
func (l *Lock) Unlock() error {
	l.f.Close() // first: an open file cannot be removed everywhere
	return os.Remove(l.path)
}
