//go:build !linux

package runner

import "net"

// withRawIO is Linux's raw socket I/O (rawio_linux.go); elsewhere c is
// used as it is.
func withRawIO(c net.Conn) net.Conn { return c }
