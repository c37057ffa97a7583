//go:build unix

package runner

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// BenchmarkGenerator runs hotbench as a load generator: one open-model
// repetition of b.N requests at HOTBENCH_BENCH_RATE (default 3000/s)
// against HOTBENCH_BENCH_TARGET, a server in another process (go run
// ./bench/target), or, without it, an in-process server whose CPU then
// counts too. It reports the process's CPU per request (cpu-µs/req) and the
// send-lag p99; ns/op is the schedule's own pace. For profiles:
//
//	go run ./bench/target -addr 127.0.0.1:18084 &
//	HOTBENCH_BENCH_TARGET=http://127.0.0.1:18084 go test ./runner -run '^$' \
//	    -bench Generator -benchtime 30000x -cpuprofile cpu.out
func BenchmarkGenerator(b *testing.B) {
	target := os.Getenv("HOTBENCH_BENCH_TARGET")
	if target == "" {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`{"ok":true}`))
		}))
		defer srv.Close()
		target = srv.URL
	}
	rate := 3000.0
	if s := os.Getenv("HOTBENCH_BENCH_RATE"); s != "" {
		var err error
		if rate, err = strconv.ParseFloat(s, 64); err != nil {
			b.Fatalf("HOTBENCH_BENCH_RATE=%q: %v", s, err)
		}
	}
	window := time.Duration(float64(b.N) / rate * float64(time.Second))
	sc := scenario(target, rate, max(window, time.Millisecond))
	sc.Load.Timeout = dur(10 * time.Second)
	sc.Load.MaxSendLag = scenarios.DefaultMaxSendLag
	sc.Load.Coalesce = scenarios.DefaultCoalesce
	before := cpuTime()
	b.ResetTimer()
	run, err := Run(context.Background(), sc, Options{Store: results.Open(b.TempDir())})
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	e := run.Repetitions[0].Endpoints[0]
	if e.Requests > 0 {
		b.ReportMetric(float64((cpuTime()-before)/time.Microsecond)/float64(e.Requests), "cpu-µs/req")
	}
	b.ReportMetric(e.SendLag.Quantile(0.99)*1e3, "lag-p99-ms")
}

// cpuTime is the user plus system time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
