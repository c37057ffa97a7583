package runner

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

// tcpPair returns a raw-I/O client connection and the server's end.
func tcpPair(t *testing.T) (*rawIOConn, *net.TCPConn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(); s.Close() })
	r, ok := withRawIO(c).(*rawIOConn)
	if !ok {
		t.Fatal("a TCP connection is not wrapped")
	}
	return r, s.(*net.TCPConn)
}

// Raw reads and writes carry every byte, in both directions, through full
// socket buffers, and end and fail as package net's do.
func TestRawIOConnBehavesAsNet(t *testing.T) {
	t.Run("8 MB, more than the socket buffers hold, arrive whole", func(t *testing.T) {
		c, s := tcpPair(t)
		data := bytes.Repeat([]byte("0123456789abcdef"), 1<<19)
		got := make(chan []byte)
		go func() {
			b, _ := io.ReadAll(s)
			got <- b
		}()
		if n, err := c.Write(data); n != len(data) || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
		c.Conn.(*net.TCPConn).CloseWrite()
		if b := <-got; !bytes.Equal(b, data) {
			t.Errorf("server read %d bytes, want the %d written", len(b), len(data))
		}
	})
	t.Run("a read waits for data, and ends with EOF", func(t *testing.T) {
		c, s := tcpPair(t)
		go func() {
			time.Sleep(20 * time.Millisecond)
			s.Write([]byte("late"))
			s.Close()
		}()
		b, err := io.ReadAll(c)
		if string(b) != "late" || err != nil {
			t.Errorf("ReadAll = %q, %v; want late and no error", b, err)
		}
		if n, err := c.Read(make([]byte, 1)); n != 0 || err != io.EOF {
			t.Errorf("Read after the end = %d, %v; want io.EOF", n, err)
		}
	})
	t.Run("a deadline is an i/o timeout", func(t *testing.T) {
		c, _ := tcpPair(t)
		c.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
		_, err := c.Read(make([]byte, 1))
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() || !errors.Is(err, os.ErrDeadlineExceeded) || errorClass(0, err.Error()) != "timeout" {
			t.Errorf("err = %v, want a net.Error timeout classed timeout", err)
		}
	})
	t.Run("a reset is worded as net words it", func(t *testing.T) {
		c, s := tcpPair(t)
		s.SetLinger(0)
		s.Close()
		time.Sleep(10 * time.Millisecond)
		_, err := c.Read(make([]byte, 1))
		if err == nil || !strings.HasPrefix(err.Error(), "read tcp 127.0.0.1:") || errorClass(0, err.Error()) != "connection reset" {
			t.Errorf("err = %v, want read tcp …: read: connection reset by peer", err)
		}
	})
	t.Run("a closed connection says so", func(t *testing.T) {
		c, _ := tcpPair(t)
		c.Close()
		if _, err := c.Read(make([]byte, 1)); !errors.Is(err, net.ErrClosed) {
			t.Errorf("Read = %v, want net.ErrClosed", err)
		}
		if _, err := c.Write([]byte("x")); !errors.Is(err, net.ErrClosed) {
			t.Errorf("Write = %v, want net.ErrClosed", err)
		}
	})
}
