package demo

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// The benchmarks call the handler directly, without a network in between, so
// they measure what each hotspot costs the server. Compare unfixed and fixed
// with: go test -run '^$' -bench . -benchmem ./demo/
//
// The demo scenario's load is 50 searches, 25 manuals and 25 renders a second.

func benchmarkEndpoint(b *testing.B, hotspot, target string) {
	for _, mode := range []struct {
		name  string
		fixes Fixes
	}{
		{"unfixed", Fixes{}},
		{"fixed", Fixes{hotspot: true}},
	} {
		b.Run(mode.name, func(b *testing.B) {
			svc := New(mode.fixes)
			req := httptest.NewRequest(http.MethodGet, target, nil)
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				svc.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("GET %s: status %d: %s", target, rec.Code, rec.Body)
				}
			}
		})
	}
}

func BenchmarkSearch(b *testing.B) { benchmarkEndpoint(b, SearchRegexp, "/api/search?q=battery") }

func BenchmarkRender(b *testing.B) { benchmarkEndpoint(b, RenderConcat, "/api/manuals/1/render") }

func BenchmarkManual(b *testing.B) { benchmarkEndpoint(b, ManualNPlusOne, "/api/manuals/1") }
