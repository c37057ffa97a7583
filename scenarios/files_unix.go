//go:build unix

package scenarios

import (
	"io"
	"os"
	"syscall"
)

// openFile opens p for reading without ever waiting: a file that would
// block (a FIFO swapped in after the check, or /proc/kmsg, which says it
// is a regular file) fails with EAGAIN instead of hanging the load.
// Regular files read as usual. os.File alone would not do: it parks a
// read that would block on the runtime's poller until data comes.
func openFile(p string) (readStater, error) {
	f, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &nonblocking{f, rc}, nil
}

type nonblocking struct {
	*os.File
	rc syscall.RawConn
}

func (r *nonblocking) Read(b []byte) (int, error) {
	var n int
	var err error
	cerr := r.rc.Read(func(fd uintptr) bool {
		for {
			n, err = syscall.Read(int(fd), b)
			if err != syscall.EINTR {
				return true // done, whatever happened: never wait
			}
		}
	})
	switch {
	case cerr != nil:
		return 0, cerr
	case err != nil:
		return 0, &os.PathError{Op: "read", Path: r.Name(), Err: err}
	case n == 0 && len(b) > 0:
		return 0, io.EOF
	}
	return n, nil
}
