package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime"
	"strconv"
	"time"
)

// Service is the demo manuals API. It is an http.Handler serving:
//
//	GET /api/search?q=WORD          manuals whose title or steps mention WORD (at most 20)
//	GET /api/manuals/{id}           one manual with its steps, as JSON
//	GET /api/manuals/{id}/render    the manual as an HTML page
//	GET /healthz                    "ok"
//	/debug/pprof/...                net/http/pprof, on the service's own mux
//
// Bad input is a 400 and an unknown manual a 404, both with a JSON body
// {"error": "..."}. A Service is safe for concurrent use.
type Service struct {
	fixes   Fixes
	catalog []*manual
	byID    map[int]*manual
	index   *wordIndex
	store   *store
	mux     *http.ServeMux
}

// New returns the service with the given hotspots fixed; nil fixes nothing.
func New(fixes Fixes) *Service {
	s := &Service{
		fixes:   Fixes{},
		catalog: seedCatalog(),
		byID:    map[int]*manual{},
		index:   seedIndex(),
		mux:     http.NewServeMux(),
	}
	for _, h := range Hotspots() {
		s.fixes[h] = fixes[h]
	}
	for _, m := range s.catalog {
		s.byID[m.ID] = m
	}
	s.store = newStore(s.catalog, roundTripLatency)

	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok")
	})
	s.mux.HandleFunc("GET /api/search", s.handleSearch)
	s.mux.HandleFunc("GET /api/manuals/{id}", s.handleManual)
	s.mux.HandleFunc("GET /api/manuals/{id}/render", s.handleRender)

	s.mux.HandleFunc("/debug/pprof/", pprof.Index)
	s.mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	s.mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	s.mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	s.mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	for _, name := range []string{"allocs", "heap", "goroutine", "mutex", "block", "threadcreate"} {
		s.mux.Handle("/debug/pprof/"+name, pprof.Handler(name))
	}
	return s
}

// Fixes returns which hotspots this service has fixed.
func (s *Service) Fixes() Fixes {
	return maps.Clone(s.fixes)
}

// ServeHTTP implements http.Handler.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

func (s *Service) handleSearch(w http.ResponseWriter, r *http.Request) {
	q, err := parseQuery(r.URL.Query().Get("q"))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	var hits []searchHit
	if s.fixes[SearchRegexp] {
		hits = s.index.search(q)
	} else {
		hits = searchRegexp(s.catalog, q)
	}
	writeJSON(w, http.StatusOK, hits)
}

func (s *Service) handleManual(w http.ResponseWriter, r *http.Request) {
	id, ok := manualID(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	m, n, err := s.store.manual(ctx, id)
	if err == nil {
		if s.fixes[ManualNPlusOne] {
			m.Steps, err = s.store.stepsFor(ctx, id)
		} else {
			m.Steps = make([]step, 0, n)
			for i := 1; i <= n && err == nil; i++ {
				var st step
				st, err = s.store.step(ctx, id, i)
				m.Steps = append(m.Steps, st)
			}
		}
	}
	switch {
	case errors.Is(err, errNotFound):
		writeError(w, http.StatusNotFound, fmt.Sprintf("manual %d not found: search for manuals with /api/search?q=WORD", id))
	case err != nil:
		writeError(w, http.StatusServiceUnavailable, "load manual: "+err.Error())
	default:
		writeJSON(w, http.StatusOK, m)
	}
}

func (s *Service) handleRender(w http.ResponseWriter, r *http.Request) {
	id, ok := manualID(w, r)
	if !ok {
		return
	}
	m := s.byID[id]
	if m == nil {
		writeError(w, http.StatusNotFound, fmt.Sprintf("manual %d not found: search for manuals with /api/search?q=WORD", id))
		return
	}
	var page string
	if s.fixes[RenderConcat] {
		page = renderBuilder(m)
	} else {
		page = renderConcat(m)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(page)))
	io.WriteString(w, page)
}

// manualID reads the {id} path segment, answering 400 itself when it is not
// a positive integer.
func manualID(w http.ResponseWriter, r *http.Request) (int, bool) {
	raw := r.PathValue("id")
	id, err := strconv.Atoi(raw)
	if err != nil || id < 1 {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("manual id %q is not a positive integer: use e.g. /api/manuals/1", raw))
		return 0, false
	}
	return id, true
}

// writeJSON writes v as one line of JSON. HTML escaping is off: this is an
// API, and "&" reads better than "\u0026".
func writeJSON(w http.ResponseWriter, status int, v any) {
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		writeError(w, http.StatusInternalServerError, "encode response: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body.Bytes())
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg}) // a map of strings always encodes
}

// shutdownGrace is how long Serve lets in-flight requests (a 30s CPU profile,
// say) finish once ctx is done, before it cuts them off.
const shutdownGrace = 5 * time.Second

// Serve serves New(fixes) on ln until ctx is done, then shuts down gracefully
// and returns nil. It returns an error if serving fails, or if requests were
// still running after the grace period and had to be cut off. Serve closes ln.
func Serve(ctx context.Context, ln net.Listener, fixes Fixes) error {
	srv := &http.Server{Handler: New(fixes), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("demo: serve on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if err != nil {
		srv.Close()
		err = fmt.Errorf("demo: shut down %s: requests still running after %v were cut off: %w", ln.Addr(), shutdownGrace, err)
	}
	<-done // http.ErrServerClosed, now that Shutdown or Close returned
	return err
}

// Sampling rates for EnableContentionProfiles: one in mutexProfileFraction
// contention events, and blocking events in proportion to their length with
// every event of blockProfileRate nanoseconds or more recorded. Low enough in
// overhead to leave on during a load test.
const (
	mutexProfileFraction = 10
	blockProfileRate     = 10_000
)

// EnableContentionProfiles turns on the mutex and block profiles for the whole
// process (they are off by default), so /debug/pprof/mutex and /debug/pprof/block
// have samples. Call it once before serving if those profiles are wanted.
func EnableContentionProfiles() {
	runtime.SetMutexProfileFraction(mutexProfileFraction)
	runtime.SetBlockProfileRate(blockProfileRate)
}
