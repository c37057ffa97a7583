package scenarios

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// writeMillionRows writes a CSV file of n rows like a feeder of manual ids:
// id, size class and a title nobody uses.
func writeMillionRows(tb testing.TB, dir string, n int) string {
	tb.Helper()
	p := filepath.Join(dir, "ids.csv")
	f, err := os.Create(p)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "id,size,title")
	sizes := []string{"small", "medium", "large"}
	for i := 0; i < n; i++ {
		fmt.Fprintf(w, "%d,%s,Manual number %d of the catalog\n", 1000000+i, sizes[i%3], i)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return p
}

// BenchmarkFeedMillionRows loads a scenario whose feeder has 1,000,000 rows
// and reports the feed's bytes and the heap it leaves in use (the issue's
// bound is 200 MB of RSS for the whole run):
//
//	go test ./scenarios -run XXX -bench FeedMillionRows -benchtime 1x
func BenchmarkFeedMillionRows(b *testing.B) {
	dir := b.TempDir()
	data := writeMillionRows(b, dir, 1_000_000)
	st, _ := os.Stat(data)
	scenario := filepath.Join(dir, "s.yaml")
	text := "name: big\ntarget: http://127.0.0.1:8080\nload: {rate: 10/s, duration: 1s}\n" +
		"endpoints:\n  - name: manual\n    path: /api/manuals/{{.id}}\n    data: ids.csv\n    group_by: size\n"
	if err := os.WriteFile(scenario, []byte(text), 0o644); err != nil {
		b.Fatal(err)
	}
	var sc *Scenario
	for b.Loop() {
		var err error
		sc, err = Load(scenario, nil)
		if err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(st.Size())/1e6, "file-MB")
	b.ReportMetric(float64(sc.Endpoints[0].Feed.Bytes())/1e6, "feed-MB")
	b.ReportMetric(float64(ms.HeapAlloc)/1e6, "heap-MB")
	b.ReportMetric(float64(ms.Sys)/1e6, "sys-MB")
	runtime.KeepAlive(sc)
}
