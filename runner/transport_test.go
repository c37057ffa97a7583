package runner

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hotbench/hotbench/scenarios"
)

// countingServer is a test server that counts the connections it accepted.
func countingServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &conns
}

// get sends one request through tr as vegeta does: the body read to its
// end, then closed.
func get(tr http.RoundTripper, method, url string, body io.Reader, header http.Header) (*http.Response, []byte, error) {
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		return nil, nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

// Every shape of response comes back whole, and a connection is used again
// exactly when HTTP/1.1 allows it.
func TestTransportReadsEveryResponseShape(t *testing.T) {
	tests := []struct {
		name    string
		method  string
		handler http.HandlerFunc
		status  int
		body    string
		reuse   bool
	}{
		{"a body of known length", "GET", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello") }, 200, "hello", true},
		{"a chunked body", "GET", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "one ")
			w.(http.Flusher).Flush()
			io.WriteString(w, "two")
		}, 200, "one two", true},
		{"no content", "GET", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }, 204, "", true},
		{"HEAD of a body", "HEAD", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "5")
		}, 200, "", true},
		{"an error status with a body", "GET", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "nope", http.StatusTeapot) }, 418, "nope\n", true},
		{"103 Early Hints before the response", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Link", "</style.css>; rel=preload")
			w.WriteHeader(http.StatusEarlyHints)
			io.WriteString(w, "after hints")
		}, 200, "after hints", true},
		{"Connection: close", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Connection", "close")
			io.WriteString(w, "bye")
		}, 200, "bye", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, conns := countingServer(t, tt.handler)
			tr := newTransport(5 * time.Second)
			defer tr.CloseIdleConnections()
			for i := range 3 {
				resp, body, err := get(tr, tt.method, srv.URL+"/x", nil, nil)
				if err != nil {
					t.Fatalf("request %d: %v", i, err)
				}
				if resp.StatusCode != tt.status || string(body) != tt.body {
					t.Fatalf("request %d: %d %q, want %d %q", i, resp.StatusCode, body, tt.status, tt.body)
				}
			}
			want := int64(3)
			if tt.reuse {
				want = 1
			}
			if got := conns.Load(); got != want {
				t.Errorf("3 requests took %d connections, want %d", got, want)
			}
		})
	}
}

// A request goes out as net/http would send it: method, path and query,
// Host, the caller's headers, a body with its length, and net/http's
// User-Agent unless one is given.
func TestTransportSendsWhatNetHTTPSends(t *testing.T) {
	type seen struct {
		method, uri, host, ua, ct, accept string
		length                            int64
		body                              string
		chunked                           bool
	}
	got := make(chan seen, 1)
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- seen{r.Method, r.RequestURI, r.Host, r.UserAgent(), r.Header.Get("Content-Type"), r.Header.Get("Accept"),
			r.ContentLength, string(b), len(r.TransferEncoding) > 0}
	})
	header := http.Header{"Content-Type": {"application/json"}, "Accept": {"text/plain"}}
	fast := newTransport(5 * time.Second)
	defer fast.CloseIdleConnections()
	for _, tt := range []struct {
		name, method, body string
		header             http.Header
	}{
		{"a GET with a query", "GET", "", nil},
		{"a POST with a body", "POST", `{"q":"kitchen"}`, header},
		{"a POST without a body", "POST", "", nil},
		{"a PUT with a Host and a User-Agent of its own", "PUT", "x", http.Header{"Host": {"example.test"}, "User-Agent": {"hotbench-test"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var both [2]seen
			for i, tr := range []http.RoundTripper{fast, fast.fallback} {
				var body io.Reader
				if tt.body != "" {
					body = strings.NewReader(tt.body)
				}
				req, err := http.NewRequest(tt.method, srv.URL+"/api/search?q=kitchen&n=2", body)
				if err != nil {
					t.Fatal(err)
				}
				for k, v := range tt.header {
					req.Header[k] = v
				}
				if h := tt.header.Get("Host"); h != "" {
					req.Host = h
				}
				resp, err := tr.RoundTrip(req)
				if err != nil {
					t.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				both[i] = <-got
			}
			if both[0] != both[1] {
				t.Errorf("the server saw\n%+v\nfrom hotbench's transport and\n%+v\nfrom net/http's", both[0], both[1])
			}
		})
	}
}

// A keep-alive connection the server closed while it sat idle is noticed:
// the request goes again on a new connection, as with net/http, and does
// not count as an error.
func TestTransportRetriesAConnectionTheServerClosed(t *testing.T) {
	// A server that answers one request per connection while claiming
	// keep-alive, then hangs up.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var accepted atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			go func() {
				defer c.Close()
				if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
					return
				}
				io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
				time.Sleep(20 * time.Millisecond) // then close, idle
			}()
		}
	}()
	tr := newTransport(5 * time.Second)
	defer tr.CloseIdleConnections()
	url := "http://" + ln.Addr().String() + "/"
	for i := range 3 {
		if i > 0 {
			time.Sleep(60 * time.Millisecond) // the server has hung up
		}
		resp, body, err := get(tr, "GET", url, nil, nil)
		if err != nil || resp.StatusCode != 200 || string(body) != "ok" {
			t.Fatalf("request %d: %v %q, want 200 ok", i, err, body)
		}
	}
	if n := accepted.Load(); n != 3 {
		t.Errorf("%d connections for 3 requests, want 3", n)
	}
}

// The timeout bounds the whole exchange, body included, and its error is
// classed as a timeout; a refused connection is classed as refused.
func TestTransportFailures(t *testing.T) {
	slowHead, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) { time.Sleep(300 * time.Millisecond) })
	slowBody, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "start")
		w.(http.Flusher).Flush()
		time.Sleep(300 * time.Millisecond)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String()
	ln.Close()
	tests := []struct {
		name, url, class string
	}{
		{"no answer within the timeout", slowHead.URL, "timeout"},
		{"a body that stalls past the timeout", slowBody.URL, "timeout"},
		{"nothing listening", refused, "connection refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := newTransport(100 * time.Millisecond)
			defer tr.CloseIdleConnections()
			began := time.Now()
			_, _, err := get(tr, "GET", tt.url, nil, nil)
			if err == nil {
				t.Fatal("no error")
			}
			if took := time.Since(began); took > 250*time.Millisecond {
				t.Errorf("failed after %v, want about the 100ms timeout", took)
			}
			if got := errorClass(0, err.Error()); got != tt.class {
				t.Errorf("error %q is classed %q, want %q", err, got, tt.class)
			}
		})
	}
}

// https goes through net/http, with the same timeout.
func TestTransportHandsHTTPSToNetHTTP(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			time.Sleep(300 * time.Millisecond)
		}
		io.WriteString(w, "secure")
	}))
	defer srv.Close()
	tr := newTransport(100 * time.Millisecond)
	defer tr.CloseIdleConnections()
	tr.fallback.TLSClientConfig = srv.Client().Transport.(*http.Transport).TLSClientConfig
	if _, body, err := get(tr, "GET", srv.URL+"/", nil, nil); err != nil || string(body) != "secure" {
		t.Fatalf("got %q, %v", body, err)
	}
	_, _, err := get(tr, "GET", srv.URL+"/slow", nil, nil)
	if err == nil || errorClass(0, err.Error()) != "timeout" {
		t.Errorf("err = %v, want a timeout", err)
	}
}

// A body closed before its end closes its connection, which is not used
// again; the next request gets a new one.
func TestTransportDropsAConnectionWithUnreadBody(t *testing.T) {
	srv, conns := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strings.Repeat("x", 1<<16))
	})
	tr := newTransport(5 * time.Second)
	defer tr.CloseIdleConnections()
	for range 2 {
		req, _ := http.NewRequest("GET", srv.URL, nil)
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Read(make([]byte, 10))
		resp.Body.Close()
		if _, err := resp.Body.Read(make([]byte, 1)); err == nil {
			t.Error("a closed body still reads")
		}
	}
	if n := conns.Load(); n != 2 {
		t.Errorf("%d connections, want 2", n)
	}
}

// Responses compressed because hotbench asks for gzip, as net/http does,
// are read as they come, compressed.
func TestTransportReadsCompressedBodies(t *testing.T) {
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept-Encoding") != "gzip" {
			http.Error(w, fmt.Sprintf("Accept-Encoding %q", r.Header.Get("Accept-Encoding")), 400)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		io.WriteString(zw, strings.Repeat("compressible ", 100))
		zw.Close()
	})
	tr := newTransport(5 * time.Second)
	defer tr.CloseIdleConnections()
	tgt := endpointTarget(srv.URL, scenarios.Endpoint{Name: "get", Method: "GET", Path: "/"})
	resp, body, err := get(tr, "GET", tgt.URL, nil, tgt.Header)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("%v %v", resp, err)
	}
	zr, err := gzip.NewReader(strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("body is not the gzip stream: %v", err)
	}
	if b, _ := io.ReadAll(zr); len(b) != 1300 {
		t.Errorf("unpacked %d bytes, want 1300", len(b))
	}
}

func TestTransportAfterCloseKeepsNoConnection(t *testing.T) {
	srv, conns := countingServer(t, func(w http.ResponseWriter, r *http.Request) {})
	tr := newTransport(5 * time.Second)
	if _, _, err := get(tr, "GET", srv.URL, nil, nil); err != nil {
		t.Fatal(err)
	}
	tr.CloseIdleConnections()
	if _, _, err := get(tr, "GET", srv.URL, nil, nil); err != nil {
		t.Fatal(err)
	}
	if n := conns.Load(); n != 2 {
		t.Errorf("%d connections, want a new one after close", n)
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	for _, list := range tr.idle {
		if len(list) != 0 {
			t.Errorf("%d idle connections kept after close", len(list))
		}
	}
}
