package runner

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// transport is the HTTP client side of an attack. Plain http:// requests
// without a proxy go over HTTP/1.1 keep-alive connections, each exchange done
// whole on the goroutine that asked for it: vegeta's worker writes the
// request, waits in the runtime's poller for the answer and reads the body.
// net/http's Transport hands every request to a writer and a reader goroutine
// per connection and, under http.Client's Timeout, arms a context timer per
// request; at thousands of requests a second those wake-ups were most of the
// generator's CPU and of its send lag (see bench/cpu.sh). Timeouts here are
// connection deadlines. https, proxies and anything unusual go through
// net/http (fallback), which is also what a fast-path request is compared
// with in tests.
type transport struct {
	timeout  time.Duration
	dialer   net.Dialer
	fallback *http.Transport

	mu     sync.Mutex
	idle   map[string][]*conn // by host:port, most recently used last
	direct map[string]bool    // by host:port: no proxy, the fast path applies
	closed bool
}

// Limits of the connection pool, net/http's defaults as vegeta sets them.
const (
	maxIdlePerHost = vegeta.DefaultConnections
	idleTimeout    = 90 * time.Second
	// A connection idle longer than probeAfter is checked for a close by
	// the server before it is used again.
	probeAfter = time.Second
)

func newTransport(timeout time.Duration) *transport {
	return &transport{
		timeout: timeout,
		dialer:  net.Dialer{KeepAlive: 30 * time.Second},
		fallback: &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			DialContext:         (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext,
			TLSClientConfig:     &tls.Config{},
			MaxIdleConnsPerHost: vegeta.DefaultConnections,
			MaxConnsPerHost:     vegeta.DefaultMaxConnections,
			IdleConnTimeout:     idleTimeout,
		},
		idle:   map[string][]*conn{},
		direct: map[string]bool{},
	}
}

// client is the http.Client vegeta is given. It has no Timeout: the
// transport keeps it (an http.Client timeout would cost a timer and a
// goroutine per request around a RoundTripper it does not know).
func (t *transport) client() *http.Client { return &http.Client{Transport: t} }

// conn is one keep-alive connection, used by one request at a time.
type conn struct {
	c         net.Conn
	br        *bufio.Reader
	bw        *bufio.Writer
	key       string
	idleSince time.Time
	reused    bool
}

// RoundTrip implements http.RoundTripper.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	key, ok := t.fastKey(req)
	if !ok {
		return t.slow(req)
	}
	start := time.Now()
	deadline := start.Add(t.timeout)
	if d, ok := req.Context().Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	for retried := false; ; retried = true {
		pc, err := t.get(req.Context(), key, start, deadline)
		if err != nil {
			return nil, err
		}
		resp, err, retry := t.exchange(pc, req, deadline)
		if err == nil {
			return resp, nil
		}
		pc.c.Close()
		if !retry || retried {
			return nil, err
		}
		// A reused connection the server had closed: once more on a new
		// one, as net/http does.
		if req.GetBody != nil {
			body, gerr := req.GetBody()
			if gerr != nil {
				return nil, err
			}
			r2 := *req
			r2.Body = body
			req = &r2
		}
	}
}

// fastKey returns the pool key of a request the fast path can do.
func (t *transport) fastKey(req *http.Request) (string, bool) {
	u := req.URL
	if u == nil || u.Scheme != "http" || u.Host == "" || len(req.TransferEncoding) > 0 ||
		(req.Body != nil && req.Body != http.NoBody && req.ContentLength <= 0) ||
		req.Header.Get("Expect") != "" || req.Header.Get("Upgrade") != "" {
		return "", false
	}
	key := u.Host
	if u.Port() == "" {
		key = net.JoinHostPort(u.Hostname(), "80")
	}
	t.mu.Lock()
	direct, known := t.direct[key]
	t.mu.Unlock()
	if !known {
		proxy, err := t.fallback.Proxy(req)
		direct = err == nil && proxy == nil
		t.mu.Lock()
		t.direct[key] = direct
		t.mu.Unlock()
	}
	return key, direct
}

// slow sends req through net/http, with the timeout a client would add.
func (t *transport) slow(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(req.Context(), t.timeout)
	resp, err := t.fallback.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// get returns an idle connection to key, or a new one.
func (t *transport) get(ctx context.Context, key string, now, deadline time.Time) (*conn, error) {
	for {
		t.mu.Lock()
		list := t.idle[key]
		n := len(list)
		if n == 0 {
			t.mu.Unlock()
			break
		}
		pc := list[n-1]
		list[n-1] = nil
		t.idle[key] = list[:n-1]
		t.mu.Unlock()
		if now.Sub(pc.idleSince) > probeAfter && !alive(pc) {
			pc.c.Close()
			continue
		}
		pc.reused = true
		return pc, nil
	}
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	c, err := t.dialer.DialContext(ctx, "tcp", key)
	if err != nil {
		return nil, err
	}
	c = withRawIO(c)
	return &conn{c: c, br: bufio.NewReader(c), bw: bufio.NewWriter(c), key: key}, nil
}

// alive reports whether an idle connection is still open: the server has
// neither closed it nor sent anything unasked.
func alive(pc *conn) bool {
	if pc.br.Buffered() > 0 {
		return false
	}
	if err := pc.c.SetReadDeadline(time.Unix(1, 0)); err != nil {
		return false
	}
	_, err := pc.br.Peek(1)
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// exchange writes req on pc and reads the response's head; the body is read
// by the caller. retry says that the request may be sent again on a new
// connection: pc was reused and failed before the server answered a byte.
func (t *transport) exchange(pc *conn, req *http.Request, deadline time.Time) (resp *http.Response, err error, retry bool) {
	if err := pc.c.SetDeadline(deadline); err != nil {
		return nil, err, false
	}
	if err := req.Write(pc.bw); err != nil {
		return nil, err, pc.reused && (req.Body == nil || req.Body == http.NoBody || req.GetBody != nil)
	}
	if err := pc.bw.Flush(); err != nil {
		return nil, err, pc.reused && (req.Body == nil || req.Body == http.NoBody || req.GetBody != nil)
	}
	if _, err := pc.br.Peek(1); err != nil {
		return nil, err, pc.reused && replayable(req)
	}
	for {
		resp, err = http.ReadResponse(pc.br, req)
		if err != nil {
			return nil, err, false
		}
		// Informational answers (100 Continue, 103 Early Hints) precede
		// the response; 101 switches the connection to another protocol.
		if resp.StatusCode < 100 || resp.StatusCode > 199 || resp.StatusCode == http.StatusSwitchingProtocols {
			break
		}
	}
	reuse := !resp.Close && !req.Close && resp.StatusCode != http.StatusSwitchingProtocols
	resp.Body = &connBody{rc: resp.Body, pc: pc, t: t, reuse: reuse}
	return resp, nil, false
}

// replayable is net/http's rule for sending a request again after a reused
// connection failed: an idempotent method (or an idempotency key) and a body
// that can be sent again.
func replayable(req *http.Request) bool {
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		return false
	}
	switch req.Method {
	case "", "GET", "HEAD", "OPTIONS", "TRACE":
		return true
	}
	return req.Header.Get("Idempotency-Key") != "" || req.Header.Get("X-Idempotency-Key") != ""
}

// connBody is a response body on a pooled connection: read to its end,
// it hands the connection back; closed before, it closes the connection.
type connBody struct {
	rc    io.ReadCloser
	pc    *conn
	t     *transport
	reuse bool
	err   error // once set, every Read returns it
}

func (b *connBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	n, err := b.rc.Read(p)
	if err != nil {
		b.err = err
		b.release(err == io.EOF && b.reuse)
	}
	return n, err
}

func (b *connBody) Close() error {
	if b.err == nil {
		b.err = errors.New("http: read on closed response body")
		b.release(false)
	}
	return nil
}

func (b *connBody) release(reuse bool) {
	pc := b.pc
	b.pc = nil
	if pc == nil {
		return
	}
	if !reuse {
		pc.c.Close()
		return
	}
	b.t.put(pc)
}

// put returns a connection to the pool.
func (t *transport) put(pc *conn) {
	now := time.Now()
	pc.idleSince = now
	t.mu.Lock()
	list := t.idle[pc.key]
	if t.closed || len(list) >= maxIdlePerHost {
		t.mu.Unlock()
		pc.c.Close()
		return
	}
	// The least recently used connection is the first; one idle past the
	// timeout is closed, as net/http would.
	var stale *conn
	if len(list) > 0 && now.Sub(list[0].idleSince) > idleTimeout {
		stale = list[0]
		list = list[1:]
	}
	t.idle[pc.key] = append(list, pc)
	t.mu.Unlock()
	if stale != nil {
		stale.c.Close()
	}
}

// CloseIdleConnections closes the connections not in use; those in use close
// when their request ends. The transport is not used after a run, so it also
// refuses to keep any more.
func (t *transport) CloseIdleConnections() {
	t.mu.Lock()
	idle := t.idle
	t.idle = map[string][]*conn{}
	t.closed = true
	t.mu.Unlock()
	for _, list := range idle {
		for _, pc := range list {
			pc.c.Close()
		}
	}
	t.fallback.CloseIdleConnections()
}

var _ http.RoundTripper = (*transport)(nil)
