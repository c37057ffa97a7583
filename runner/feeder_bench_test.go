package runner

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// BenchmarkFeederFill is the per-request cost of a feeder: the row of a
// hit, the path, a header and a body filled from it, and the new request,
// after vegeta built its own (which a fixed endpoint costs too). Compare
// with the generator's CPU per request (bench/cpu.sh, BenchmarkGenerator;
// bench/feeder.sh measures a whole run with and without a feeder):
//
//	go test ./runner -run '^$' -bench FeederFill -benchmem
func BenchmarkFeederFill(b *testing.B) {
	var csv strings.Builder
	csv.WriteString("id,size,token\n")
	for i := 0; i < 10_000; i++ {
		fmt.Fprintf(&csv, "%d,%s,tok-%d\n", 100000+i, []string{"small", "medium", "large"}[i%3], i)
	}
	for _, tc := range []struct{ name, endpoint string }{
		{"path", "    path: /api/manuals/{{.id}}\n    data: ids.csv\n    data_order: random\n    group_by: size\n"},
		{"path+header+body", "    method: POST\n    path: /api/manuals/{{.id}}?size={{.size}}\n    headers: {Authorization: \"Bearer {{.token}}\"}\n" +
			"    body: '{\"id\": {{.id}}, \"size\": \"{{.size}}\"}'\n    data: ids.csv\n    data_order: random\n    group_by: size\n"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			sc := loadFeederScenario(b, "http://127.0.0.1:8080", tc.endpoint, "ids.csv", csv.String(), "{rate: 3000/s, duration: 10s}")
			e := sc.Endpoints[0]
			f, err := newFeeder(sc.Target, e)
			if err != nil {
				b.Fatal(err)
			}
			tgt := f.target(endpointTarget(sc.Target, e))
			req, err := (&tgt).Request()
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set(seqHeader, "12345")
			b.ReportAllocs()
			var seq uint64
			for b.Loop() {
				seq++
				r, err := f.fill(req, seq)
				if err != nil || r.URL == nil {
					b.Fatal(err)
				}
				_ = f.group(seq)
			}
		})
	}
}

// BenchmarkVegetaRequest is what vegeta spends building a fixed endpoint's
// request, for scale: a feeder's fill comes on top of it.
func BenchmarkVegetaRequest(b *testing.B) {
	tgt := vegeta.Target{Method: "GET", URL: "http://127.0.0.1:8080/api/manuals/100123", Header: http.Header{"Accept-Encoding": {"gzip"}}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tgt.Request(); err != nil {
			b.Fatal(err)
		}
	}
}
