package runner

import (
	"io"
	"net"
	"os"
	"syscall"
	"unsafe"
)

// rawIOConn reads and writes a non-blocking socket with raw system calls
// under the runtime's poller (syscall.RawConn). A read or write through
// package net enters the scheduler's syscall state, and the first one after
// the process was idle wakes the runtime's monitor thread, which then polls
// every 20µs for a millisecond or more: at hundreds of idle-to-busy turns a
// second (one per group of hits) that was a large share of the generator's
// CPU. A read or write of a non-blocking socket never blocks, so it needs
// neither. Deadlines, Close and the addresses are the net.Conn's own.
type rawIOConn struct {
	net.Conn
	rc syscall.RawConn

	// The Read and the Write in progress, and the functions that do them
	// (made once).
	rbuf, wbuf     []byte
	rn, wn         int
	rerrno, werrno syscall.Errno
	readFn         func(fd uintptr) bool
	writeFn        func(fd uintptr) bool
}

// withRawIO wraps c when it is a socket that allows it, and returns c as it
// is otherwise.
func withRawIO(c net.Conn) net.Conn {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return c
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return c
	}
	r := &rawIOConn{Conn: c, rc: rc}
	r.readFn = func(fd uintptr) bool {
		for {
			n, _, e := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&r.rbuf[0])), uintptr(len(r.rbuf)))
			switch e {
			case syscall.EINTR:
				continue
			case syscall.EAGAIN:
				return false // wait until readable
			}
			r.rn, r.rerrno = int(n), e
			return true
		}
	}
	r.writeFn = func(fd uintptr) bool {
		for len(r.wbuf) > 0 {
			n, _, e := syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&r.wbuf[0])), uintptr(len(r.wbuf)))
			switch e {
			case 0:
				r.wn += int(n)
				r.wbuf = r.wbuf[n:]
			case syscall.EINTR:
			case syscall.EAGAIN:
				return false // wait until writable
			default:
				r.werrno = e
				return true
			}
		}
		return true
	}
	return r
}

func (r *rawIOConn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	r.rbuf, r.rn, r.rerrno = p, 0, 0
	err := r.rc.Read(r.readFn)
	r.rbuf = nil
	switch {
	case err != nil:
		return 0, r.opError("read", err)
	case r.rerrno != 0:
		return 0, r.opError("read", os.NewSyscallError("read", r.rerrno))
	case r.rn == 0:
		return 0, io.EOF
	}
	return r.rn, nil
}

func (r *rawIOConn) Write(p []byte) (int, error) {
	r.wbuf, r.wn, r.werrno = p, 0, 0
	err := r.rc.Write(r.writeFn)
	r.wbuf = nil
	switch {
	case err != nil:
		return r.wn, r.opError("write", err)
	case r.werrno != 0:
		return r.wn, r.opError("write", os.NewSyscallError("write", r.werrno))
	}
	return r.wn, nil
}

// opError words a failure as package net does ("read tcp A->B: read:
// connection reset by peer", "…: i/o timeout"), which errorClass reads.
func (r *rawIOConn) opError(op string, err error) error {
	return &net.OpError{Op: op, Net: r.LocalAddr().Network(), Source: r.LocalAddr(), Addr: r.RemoteAddr(), Err: err}
}
