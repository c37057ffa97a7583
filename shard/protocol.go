package shard

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// The coordination protocol: one TCP connection per shard to shard 0's
// coordinator, carrying one JSON object per line each way. A shard says
// hello (index, count, the scenario's hash) and is welcomed with the run's
// id or refused with the reason; it pings a few times to learn its clock
// offset; before every repetition it says it is ready (with the validity
// of the repetition it just ran) and waits for start (a time on the
// coordinator's clock, and whether the repetition is a retry) or done; at
// the end it says finished (its run folder). The coordinator sends abort
// to every shard when any shard fails, disconnects or is late. The
// connection itself is the liveness check: a shard whose process ends
// closes it, and the run is aborted at once.
type message struct {
	Type    string   `json:"type"`
	Shard   int      `json:"shard"`
	Count   int      `json:"count,omitempty"`
	Hash    string   `json:"hash,omitempty"`
	Host    string   `json:"host,omitempty"`
	RunID   string   `json:"run_id,omitempty"`
	Sent    int64    `json:"sent,omitempty"`  // ping: the shard's clock, ns since 1970
	Clock   int64    `json:"clock,omitempty"` // pong: the coordinator's clock
	Step    int      `json:"step,omitempty"`
	Valid   bool     `json:"valid,omitempty"`
	Reasons []string `json:"reasons,omitempty"`
	At      int64    `json:"at,omitempty"` // start: the coordinator's clock
	Retry   bool     `json:"retry,omitempty"`
	Dir     string   `json:"dir,omitempty"`
	Done    bool     `json:"complete,omitempty"`
	Error   string   `json:"error,omitempty"`
}

const (
	msgHello    = "hello"
	msgWelcome  = "welcome"
	msgRefused  = "refused"
	msgPing     = "ping"
	msgPong     = "pong"
	msgReady    = "ready"
	msgStart    = "start"
	msgDone     = "done"
	msgAbort    = "abort"
	msgFinished = "finished"
)

// maxLine bounds one message, so a stranger on the port cannot make the
// coordinator read without end.
const maxLine = 64 << 10

// conn is one side of a connection: a line reader and a locked writer.
type conn struct {
	c   net.Conn
	r   *bufio.Reader
	wmu sync.Mutex
}

func newConn(c net.Conn) *conn { return &conn{c: c, r: bufio.NewReaderSize(c, 4096)} }

func (c *conn) send(m message) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.c.SetWriteDeadline(time.Now().Add(10 * time.Second))
	_, err = c.c.Write(append(b, '\n'))
	return err
}

func (c *conn) read() (message, error) {
	var line []byte
	for {
		chunk, isPrefix, err := c.r.ReadLine()
		if err != nil {
			return message{}, err
		}
		line = append(line, chunk...)
		if len(line) > maxLine {
			return message{}, errors.New("message too long")
		}
		if !isPrefix {
			break
		}
	}
	var m message
	if err := json.Unmarshal(line, &m); err != nil {
		return message{}, fmt.Errorf("not a coordination message: %w", err)
	}
	return m, nil
}

// ErrAborted is wrapped by the error of a shard whose run the coordination
// aborted: another shard failed, disconnected or did not register in time.
var ErrAborted = errors.New("sharded run aborted")

type abortError struct{ reason string }

func (e *abortError) Error() string { return "sharded run aborted: " + e.reason }
func (e *abortError) Unwrap() error { return ErrAborted }

func aborted(format string, a ...any) error { return &abortError{fmt.Sprintf(format, a...)} }

// Client is one shard's connection to the coordinator.
type Client struct {
	c     *conn
	addr  string
	RunID string
	// Offset is the coordinator's clock minus this shard's, and RTT the
	// round trip it was measured over: the shortest of several pings.
	Offset, RTT time.Duration

	msgs    chan message
	mu      sync.Mutex
	closing bool
}

// pings is how many round trips a shard measures its clock offset over;
// the one with the shortest round trip is kept.
const pings = 8

// Dial connects shard index of count to the coordinator at addr, retrying
// until deadline (in Kubernetes, shard 0's name resolves only once its pod
// runs), says hello and measures the clock offset. A refusal (another
// scenario, another shard count, an index already taken) is an error that
// says why.
func Dial(ctx context.Context, addr string, index, count int, hash, host string, deadline time.Time) (*Client, error) {
	var nc net.Conn
	var lastErr error
	for {
		d := net.Dialer{Timeout: 3 * time.Second}
		c, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			nc = c
			break
		}
		lastErr = err
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if time.Now().After(deadline) {
			return nil, aborted("shard %d of %d could not reach the coordinator (shard 0) at %s (%v): check --coordinator or HOTBENCH_COORDINATOR, and that shard 0 runs", index, count, addr, unwrapOp(lastErr))
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	cl := &Client{c: newConn(nc), addr: addr, msgs: make(chan message, 4)}
	stop := context.AfterFunc(ctx, func() { nc.Close() })
	defer stop()
	_ = nc.SetReadDeadline(deadline.Add(5 * time.Second))
	if err := cl.c.send(message{Type: msgHello, Shard: index, Count: count, Hash: hash, Host: host}); err != nil {
		nc.Close()
		return nil, fmt.Errorf("coordinator at %s: %w", addr, err)
	}
	reply, err := cl.c.read()
	if err != nil {
		nc.Close()
		return nil, aborted("shard %d of %d: the coordinator at %s closed the connection before welcoming it (%v)", index, count, addr, err)
	}
	switch reply.Type {
	case msgWelcome:
		cl.RunID = reply.RunID
	case msgRefused, msgAbort:
		nc.Close()
		return nil, aborted("%s", reply.Error)
	default:
		nc.Close()
		return nil, fmt.Errorf("coordinator at %s answered %q to hello", addr, reply.Type)
	}
	if err := cl.measureClock(); err != nil {
		nc.Close()
		return nil, fmt.Errorf("coordinator at %s: clock offset: %w", addr, err)
	}
	_ = nc.SetReadDeadline(time.Time{})
	return cl, nil
}

// measureClock pings the coordinator and keeps the offset of the
// shortest round trip: the coordinator read its clock within that trip,
// so the offset is known to half of it.
func (cl *Client) measureClock() error {
	best := time.Duration(-1)
	for range pings {
		t0 := time.Now()
		if err := cl.c.send(message{Type: msgPing, Sent: t0.UnixNano()}); err != nil {
			return err
		}
		m, err := cl.c.read()
		if err != nil {
			return err
		}
		if m.Type == msgAbort {
			return aborted("%s", m.Error)
		}
		if m.Type != msgPong || m.Sent != t0.UnixNano() {
			return fmt.Errorf("expected a pong, got %q", m.Type)
		}
		rtt := time.Since(t0)
		if best < 0 || rtt < best {
			best = rtt
			mid := t0.UnixNano() + int64(rtt/2)
			cl.Offset, cl.RTT = time.Duration(m.Clock-mid), rtt
		}
	}
	return nil
}

// Watch reads the coordinator's messages until the connection ends. The
// context it returns is cancelled when the coordinator aborts the run
// (the cause wraps ErrAborted) or the connection to it is lost.
func (cl *Client) Watch(parent context.Context) context.Context {
	ctx, cancel := context.WithCancelCause(parent)
	go func() {
		defer close(cl.msgs)
		for {
			m, err := cl.c.read()
			if err != nil {
				cl.mu.Lock()
				closing := cl.closing
				cl.mu.Unlock()
				if !closing {
					cancel(aborted("lost the coordinator (shard 0) at %s: %v", cl.addr, err))
				}
				return
			}
			switch m.Type {
			case msgAbort:
				cancel(aborted("%s", m.Error))
			case msgStart, msgDone:
				cl.msgs <- m
			}
		}
	}()
	return ctx
}

// Ready says this shard is ready for step (the repetition after the one
// it reports on: valid, or not with reasons) and waits for the
// coordinator's start, whose time it returns on this shard's clock, or
// done (the zero time). ctx is Watch's.
func (cl *Client) Ready(ctx context.Context, step int, valid bool, reasons []string) (at time.Time, retry bool, err error) {
	if err := cl.c.send(message{Type: msgReady, Step: step, Valid: valid, Reasons: reasons}); err != nil {
		return time.Time{}, false, aborted("lost the coordinator (shard 0) at %s: %v", cl.addr, err)
	}
	select {
	case <-ctx.Done():
		return time.Time{}, false, context.Cause(ctx)
	case m, ok := <-cl.msgs:
		switch {
		case !ok:
			if err := context.Cause(ctx); err != nil {
				return time.Time{}, false, err
			}
			return time.Time{}, false, aborted("lost the coordinator (shard 0) at %s", cl.addr)
		case m.Type == msgDone:
			return time.Time{}, false, nil
		case m.Step != step:
			return time.Time{}, false, fmt.Errorf("coordinator started step %d, this shard is at %d", m.Step, step)
		}
		return time.Unix(0, m.At).Add(-cl.Offset), m.Retry, nil
	}
}

// Finished reports the shard's run folder and how its run ended, and
// closes the connection.
func (cl *Client) Finished(dir string, complete bool, runErr error) {
	cl.mu.Lock()
	cl.closing = true
	cl.mu.Unlock()
	m := message{Type: msgFinished, Dir: dir, Done: complete}
	if runErr != nil {
		m.Error = runErr.Error()
	}
	_ = cl.c.send(m)
	cl.c.c.Close()
}

// Close ends the connection without a report.
func (cl *Client) Close() {
	cl.mu.Lock()
	cl.closing = true
	cl.mu.Unlock()
	cl.c.c.Close()
}

func unwrapOp(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	return err
}
