package demo

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/pprof/profile"
)

func TestPprofIsOnTheServicesOwnMux(t *testing.T) {
	svc := New(nil)
	for _, path := range []string{"/debug/pprof/", "/debug/pprof/cmdline", "/debug/pprof/profile", "/debug/pprof/symbol",
		"/debug/pprof/trace", "/debug/pprof/allocs", "/debug/pprof/heap", "/debug/pprof/goroutine",
		"/debug/pprof/mutex", "/debug/pprof/block", "/debug/pprof/threadcreate"} {
		if _, pattern := svc.mux.Handler(httptest.NewRequest(http.MethodGet, path, nil)); !strings.HasPrefix(pattern, "/debug/pprof/") {
			t.Errorf("%s is not registered on the service's mux (pattern %q)", path, pattern)
		}
	}
}

func TestPprofEndpoints(t *testing.T) {
	srv := httptest.NewServer(New(nil))
	defer srv.Close()
	fetch := func(t *testing.T, path string) []byte {
		t.Helper()
		resp, err := srv.Client().Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: status %d: %s", path, resp.StatusCode, body)
		}
		return body
	}
	// Profiles hotbench reads must parse, and carry the sample types it asks for.
	profiles := []struct {
		path       string
		sampleType string
	}{
		{"/debug/pprof/heap", "alloc_space"},
		{"/debug/pprof/allocs", "alloc_space"},
		{"/debug/pprof/allocs?seconds=1", "alloc_space"},
		{"/debug/pprof/profile?seconds=1", "cpu"},
		{"/debug/pprof/goroutine", "goroutine"},
		{"/debug/pprof/mutex", "contentions"},
		{"/debug/pprof/block", "contentions"},
		{"/debug/pprof/threadcreate", "threadcreate"},
	}
	// The subtests run in parallel, inside a group so srv outlives them.
	t.Run("group", func(t *testing.T) {
		for _, p := range profiles {
			t.Run(p.path+" is a parseable profile", func(t *testing.T) {
				t.Parallel() // the two one-second profiles overlap
				prof, err := profile.ParseData(fetch(t, p.path))
				if err != nil {
					t.Fatalf("GET %s: %v", p.path, err)
				}
				var types []string
				for _, st := range prof.SampleType {
					types = append(types, st.Type)
				}
				if !strings.Contains(strings.Join(types, " "), p.sampleType) {
					t.Fatalf("GET %s: sample types %v, want %s among them", p.path, types, p.sampleType)
				}
			})
		}
		pages := []struct{ path, want string }{
			{"/debug/pprof/", "heap"},
			{"/debug/pprof/cmdline", "demo.test"},
			{"/debug/pprof/symbol", "num_symbols"},
			{"/debug/pprof/goroutine?debug=1", "goroutine profile"},
		}
		for _, p := range pages {
			t.Run(p.path+" answers", func(t *testing.T) {
				t.Parallel()
				if body := fetch(t, p.path); !strings.Contains(string(body), p.want) {
					t.Fatalf("GET %s: body does not mention %q:\n%.300s", p.path, p.want, body)
				}
			})
		}
		t.Run("/debug/pprof/trace answers with a trace", func(t *testing.T) {
			t.Parallel()
			if body := fetch(t, "/debug/pprof/trace?seconds=0.05"); !strings.HasPrefix(string(body), "go 1.") {
				t.Fatalf("trace starts %q, want a Go execution trace header", body[:min(len(body), 16)])
			}
		})
	})
}
