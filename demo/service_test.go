package demo

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// get serves one request straight through the handler.
func get(h http.Handler, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

func TestEndpoints(t *testing.T) {
	type check func(t *testing.T, body []byte)
	jsonError := func(t *testing.T, body []byte) {
		var e struct{ Error string }
		if err := json.Unmarshal(body, &e); err != nil || e.Error == "" {
			t.Fatalf("body %q is not a JSON error object: %v", body, err)
		}
	}
	tests := []struct {
		name        string
		method      string
		path        string
		status      int
		contentType string
		check       check
	}{
		{"healthz answers ok", "GET", "/healthz", 200, "text/plain", func(t *testing.T, body []byte) {
			if string(body) != "ok" {
				t.Fatalf("body %q, want ok", body)
			}
		}},
		{"search lists matching manuals with id, title and step count", "GET", "/api/search?q=battery", 200, "application/json",
			func(t *testing.T, body []byte) {
				var hits []map[string]any
				if err := json.Unmarshal(body, &hits); err != nil {
					t.Fatal(err)
				}
				if len(hits) == 0 || len(hits) > 20 {
					t.Fatalf("%d results, want 1 to 20", len(hits))
				}
				for _, h := range hits {
					for _, k := range []string{"id", "title", "steps", "matching_steps"} {
						if _, ok := h[k]; !ok {
							t.Fatalf("result %v has no %q", h, k)
						}
					}
				}
				if !strings.Contains(hits[0]["title"].(string), "Battery") {
					t.Fatalf("first result %v: manuals with the word in their title should come first", hits[0])
				}
			}},
		{"search with no match is an empty list", "GET", "/api/search?q=zebra", 200, "application/json",
			func(t *testing.T, body []byte) {
				if string(body) != "[]\n" {
					t.Fatalf("body %q, want []", body)
				}
			}},
		{"search without q is a bad request", "GET", "/api/search", 400, "application/json", jsonError},
		{"search for two words is a bad request", "GET", "/api/search?q=battery+cable", 400, "application/json", jsonError},
		{"a manual comes with all its steps in order", "GET", "/api/manuals/1", 200, "application/json",
			func(t *testing.T, body []byte) {
				var m manual
				if err := json.Unmarshal(body, &m); err != nil {
					t.Fatal(err)
				}
				if m.ID != 1 || m.Title != seedCatalog()[0].Title || len(m.Steps) != 60 {
					t.Fatalf("got manual %d %q with %d steps, want manual 1 with 60", m.ID, m.Title, len(m.Steps))
				}
				for i, st := range m.Steps {
					if st.Number != i+1 || st.Text == "" {
						t.Fatalf("step %d is %+v", i+1, st)
					}
				}
			}},
		{"an unknown manual is not found", "GET", "/api/manuals/999", 404, "application/json", jsonError},
		{"a manual id that is not a number is a bad request", "GET", "/api/manuals/abc", 400, "application/json", jsonError},
		{"manual id 0 is a bad request", "GET", "/api/manuals/0", 400, "application/json", jsonError},
		{"render returns the manual as an HTML page", "GET", "/api/manuals/4/render", 200, "text/html",
			func(t *testing.T, body []byte) {
				if !strings.Contains(string(body), "<h1>MacBook Pro 13&#34; Two Thunderbolt Ports 2019 Hinge &amp; Display Cable Replacement</h1>") {
					t.Fatalf("page has no escaped title heading:\n%.300s", body)
				}
			}},
		{"rendering an unknown manual is not found", "GET", "/api/manuals/999/render", 404, "application/json", jsonError},
		{"rendering a bad id is a bad request", "GET", "/api/manuals/-3/render", 400, "application/json", jsonError},
		{"writing to the API is not allowed", "POST", "/api/search?q=battery", 405, "text/plain", nil},
	}
	for _, fixes := range []Fixes{nil, AllFixed()} {
		srv := httptest.NewServer(New(fixes))
		defer srv.Close()
		for _, tt := range tests {
			t.Run(fixes.String()+" fixed/"+tt.name, func(t *testing.T) {
				req, err := http.NewRequestWithContext(t.Context(), tt.method, srv.URL+tt.path, nil)
				if err != nil {
					t.Fatal(err)
				}
				resp, err := srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				body, err := io.ReadAll(resp.Body)
				if err != nil {
					t.Fatal(err)
				}
				if resp.StatusCode != tt.status {
					t.Fatalf("%s %s: status %d, want %d; body %s", tt.method, tt.path, resp.StatusCode, tt.status, body)
				}
				if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, tt.contentType) {
					t.Fatalf("Content-Type %q, want %s", ct, tt.contentType)
				}
				if tt.check != nil {
					tt.check(t, body)
				}
			})
		}
	}
}

// TestFixesChangeSpeedNotAnswers checks that every combination of fixes
// answers every request byte for byte as the unfixed service does.
func TestFixesChangeSpeedNotAnswers(t *testing.T) {
	paths := []string{
		"/api/search?q=battery", "/api/search?q=Screws", "/api/search?q=hinge", "/api/search?q=T5",
		"/api/search?q=zebra", "/api/search?q=bad+query",
		"/api/manuals/1", "/api/manuals/4", "/api/manuals/999", "/api/manuals/x",
		"/api/manuals/1/render", "/api/manuals/4/render", "/api/manuals/16/render", "/api/manuals/999/render",
	}
	unfixed := New(nil)
	want := map[string]string{}
	for _, p := range paths {
		want[p] = get(unfixed, p).Body.String()
	}
	combos := []Fixes{AllFixed()}
	for _, h := range Hotspots() {
		combos = append(combos, Fixes{h: true})
	}
	for _, fixes := range combos {
		svc := New(fixes)
		for _, p := range paths {
			if got := get(svc, p).Body.String(); got != want[p] {
				t.Errorf("fixed %s: GET %s answers differently from unfixed:\n got %.200s\nwant %.200s", fixes, p, got, want[p])
			}
		}
	}
}

func TestSearchAndManualGolden(t *testing.T) {
	svc := New(AllFixed())
	for _, c := range []struct{ golden, path string }{
		{"search-battery.json", "/api/search?q=battery"},
		{"search-hinge.json", "/api/search?q=hinge"},
		{"manual-4.json", "/api/manuals/4"},
	} {
		checkGolden(t, c.golden, get(svc, c.path).Body.Bytes())
	}
}

// TestManualNPlusOneRoundTrips counts the simulated database queries behind
// GET /api/manuals/1 (60 steps): one per step plus one unfixed, two fixed.
func TestManualNPlusOneRoundTrips(t *testing.T) {
	for _, c := range []struct {
		fixes Fixes
		trips int64
	}{{nil, 61}, {Fixes{ManualNPlusOne: true}, 2}} {
		svc := New(c.fixes)
		if rec := get(svc, "/api/manuals/1"); rec.Code != 200 {
			t.Fatalf("status %d", rec.Code)
		}
		if got := svc.store.trips.Load(); got != c.trips {
			t.Errorf("%s fixed: %d round trips for a 60-step manual, want %d", c.fixes, got, c.trips)
		}
	}
}

func TestManualStopsQueryingWhenTheClientLeaves(t *testing.T) {
	svc := New(nil)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	rec := httptest.NewRecorder()
	svc.ServeHTTP(rec, httptest.NewRequestWithContext(ctx, http.MethodGet, "/api/manuals/1", nil))
	if rec.Code != http.StatusServiceUnavailable || svc.store.trips.Load() != 0 {
		t.Fatalf("cancelled request: status %d after %d round trips, want 503 after none", rec.Code, svc.store.trips.Load())
	}
}

// TestConcurrentRequests is for the race detector: one service, many
// goroutines, every endpoint.
func TestConcurrentRequests(t *testing.T) {
	for _, fixes := range []Fixes{nil, AllFixed()} {
		svc := New(fixes)
		paths := []string{"/api/search?q=cable", "/api/manuals/3", "/api/manuals/3/render", "/healthz", "/api/manuals/404"}
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Go(func() {
				for i := range 3 {
					p := paths[(g+i)%len(paths)]
					want := 200
					if strings.HasSuffix(p, "404") {
						want = 404
					}
					if rec := get(svc, p); rec.Code != want {
						t.Errorf("GET %s: status %d, want %d", p, rec.Code, want)
					}
				}
			})
		}
		wg.Wait()
	}
}

func TestServeStopsWhenTheContextEnds(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, nil) }()

	resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("healthz: status %d", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve after cancel: %v, want nil", err)
		}
	case <-time.After(30 * time.Second): // a hang guard, not a timing claim
		t.Fatal("Serve did not return after its context ended")
	}
	if c, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		c.Close()
		t.Fatal("the listener still accepts connections after Serve returned")
	}
}

func TestServeReportsAFailedListener(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	err = Serve(t.Context(), ln, nil)
	if err == nil || !errors.Is(err, net.ErrClosed) || !strings.Contains(err.Error(), ln.Addr().String()) {
		t.Fatalf("Serve on a closed listener = %v, want an error naming the address", err)
	}
}

func TestContentionProfilesAreOffUntilAskedFor(t *testing.T) {
	if rate := runtime.SetMutexProfileFraction(-1); rate != 0 {
		t.Fatalf("mutex profile fraction is %d before EnableContentionProfiles, want 0 (off)", rate)
	}
	t.Cleanup(func() {
		runtime.SetMutexProfileFraction(0)
		runtime.SetBlockProfileRate(0)
	})
	EnableContentionProfiles()
	if rate := runtime.SetMutexProfileFraction(-1); rate != mutexProfileFraction {
		t.Fatalf("mutex profile fraction is %d after EnableContentionProfiles, want %d", rate, mutexProfileFraction)
	}
}
