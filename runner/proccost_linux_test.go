package runner

import (
	"context"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hotbench/hotbench/internal/shellcmd"
	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// burnScenario is a run of the test binary as a managed server whose
// requests each burn n units of CPU work; command starts it.
func burnScenario(t *testing.T, n int, command string) *scenarios.Scenario {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// A light load: on a busy machine a server short of CPU would finish
	// the window's work after the window, where it is not counted.
	sc := scenario("http://"+freeAddr(t), 20, 2*time.Second)
	sc.Load.Warmup = dur(300 * time.Millisecond)
	// A busy test machine may make the generator lag, and the repetition
	// invalid: its server statistics are measured all the same.
	sc.Load.Retries = 0
	sc.Endpoints[0].Path = "/burn?n=" + strconv.Itoa(n)
	sc.Server = &scenarios.Server{Build: "cp " + shellcmd.Quote(self) + " {bin}", Command: command, Ready: "/healthz"}
	return sc
}

// A managed server's CPU time and memory over each window come from /proc,
// for any language: here the server runs under a shell (cd … && server),
// so the process hotbench knows is the shell and the CPU is its child's.
func TestServerCostFromProc(t *testing.T) {
	const n = 100 // about 1 ms of CPU a request
	sc := burnScenario(t, n, "cd "+shellcmd.Quote(t.TempDir())+" && HOTBENCH_TEST_SERVE={addr} {bin}")
	run := runOnce(t, sc)
	rep := run.Repetitions[0]
	st := rep.Server
	if st == nil {
		t.Fatalf("no server statistics; warnings %q", run.Warnings)
	}
	requests := rep.Endpoints[0].Requests
	t.Logf("requests %d, CPU %.4fs (%s), RSS mean %d peak %d bytes over %d samples", requests, st.CPUSeconds, st.CPUSource, st.RSSBytes, st.RSSPeakBytes, st.RSSSamples)
	if st.CPUSource != results.CPUFromProc || st.CPUSeconds <= 0 {
		t.Errorf("CPU %.4fs from %q, want some from proc", st.CPUSeconds, st.CPUSource)
	}
	// The hashing alone is some 10 us a unit: far below that, the child's
	// CPU time was missed.
	if min := float64(requests) * n * 3e-6; st.CPUSeconds < min {
		t.Errorf("CPU %.4fs for %d requests of %d units, want at least %.4fs: the server under the shell was not counted", st.CPUSeconds, requests, n, min)
	}
	// 2 s sampled every 100 ms.
	if st.RSSPeakBytes <= 0 || st.RSSBytes <= 0 || st.RSSBytes > st.RSSPeakBytes || st.RSSSamples < 8 || st.RSSSamples > 22 {
		t.Errorf("RSS mean %d peak %d from %d samples, want a mean under a peak over about 20 samples", st.RSSBytes, st.RSSPeakBytes, st.RSSSamples)
	}
	if v, ok := rep.Value("get", metric.CPUPerReq); !ok || math.Abs(v-st.CPUSeconds/float64(requests)) > 1e-12 {
		t.Errorf("cpu_per_req = %g, %v; want CPU over requests", v, ok)
	}
	if v, ok := rep.Value("get", metric.RSSPeak); !ok || v != float64(st.RSSPeakBytes) {
		t.Errorf("rss_peak = %g, %v; want the peak", v, ok)
	}
	stored, err := results.Load(run.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if s := stored.Repetitions[0].Server; s == nil || *s != *st {
		t.Errorf("stored server statistics %+v, want %+v", s, st)
	}
}

// Twice the CPU work a request gives about twice the CPU time: loose
// bounds, since the server's own HTTP work does not double and the
// machine is shared. A check that CPU time is measured, not a benchmark.
func TestServerCostDoublesWithTheWork(t *testing.T) {
	cpu := map[int]float64{}
	for _, n := range []int{100, 200} {
		run := runOnce(t, burnScenario(t, n, "HOTBENCH_TEST_SERVE={addr} {bin}"))
		rep := run.Repetitions[0]
		if rep.Server == nil || rep.Server.CPUSource != results.CPUFromProc {
			t.Fatalf("n=%d: no CPU from proc: %+v, warnings %q", n, rep.Server, run.Warnings)
		}
		v, _ := rep.Value("get", metric.CPUPerReq)
		cpu[n] = v
		t.Logf("n=%d: %d requests, CPU %.4fs, %s a request", n, rep.Endpoints[0].Requests, rep.Server.CPUSeconds, metric.Format(v, metric.Seconds))
	}
	if r := cpu[200] / cpu[100]; r < 1.3 || r > 3 {
		t.Errorf("CPU a request %g then %g: ratio %.2f, want about 2 (1.3 to 3)", cpu[100], cpu[200], r)
	}
}

// schedstat's nanoseconds against getrusage's microseconds, for this very
// process burning CPU: the two agree within the scheduler's tick, while
// stat's 10 ms ticks do not. The numbers are logged: go test -v -run
// TestCPUReadingPrecision ./runner.
func TestCPUReadingPrecision(t *testing.T) {
	pid := os.Getpid()
	rusage := func() int64 {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			t.Fatal(err)
		}
		return ru.Utime.Nano() + ru.Stime.Nano()
	}
	var schedErr, statErr float64
	const trials = 10
	for i := range trials {
		r0, a := rusage(), readCPU([]int{pid})
		spin(time.Duration(15+3*i) * time.Millisecond)
		b, r1 := readCPU([]int{pid}), rusage()
		if a[pid].threads == nil {
			t.Skip("no schedstat on this kernel: stat's ticks are used")
		}
		sched, _ := cpuWindow(a, b, pid)
		noThreads := func(r cpuReading) cpuReading {
			p := r[pid]
			p.threads = nil
			return cpuReading{pid: p}
		}
		stat, _ := cpuWindow(noThreads(a), noThreads(b), pid)
		ref := r1 - r0
		schedErr = max(schedErr, math.Abs(float64(sched-ref)))
		statErr = max(statErr, math.Abs(float64(stat-ref)))
	}
	t.Logf("over %d bursts of 15-42 ms: largest error against getrusage: schedstat %.2f ms, stat %.2f ms", trials, schedErr/1e6, statErr/1e6)
	if schedErr > 10e6 {
		t.Errorf("schedstat was %.1f ms off getrusage, want within a scheduler tick", schedErr/1e6)
	}
}

// spin burns about d of this thread's CPU time.
func spin(d time.Duration) {
	for end := time.Now().Add(d); time.Now().Before(end); {
	}
}

// A server that dies during the window: its memory until then is kept,
// its CPU time is unknown (not a cheaper server), and it is a warning.
func TestServerDyingInTheWindow(t *testing.T) {
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(350*time.Millisecond, func() { cmd.Process.Kill() })
	go cmd.Wait()
	now := time.Now()
	w := startProcWatch(context.Background(), cmd.Process.Pid, 1, now, now.Add(2*time.Second))
	st, warn := w.finishAfter(time.Second)
	if st == nil || st.RSSSamples < 2 || st.RSSPeakBytes <= 0 || st.CPUSource != "" || st.CPUSeconds != 0 {
		t.Errorf("statistics %+v, want memory samples and no CPU time", st)
	}
	if !strings.Contains(warn, "exited during the window") {
		t.Errorf("warning %q, want the server's exit", warn)
	}
}

// A process id nothing runs under is a warning, not a crash.
func TestServerNotRunning(t *testing.T) {
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	w := startProcWatch(context.Background(), cmd.Process.Pid, 3, now, now.Add(time.Second))
	st, warn := w.finishAfter(100 * time.Millisecond)
	if st != nil || !strings.Contains(warn, "repetition 3: server process") || !strings.Contains(warn, "not running") {
		t.Errorf("statistics %+v, warning %q; want none and a warning", st, warn)
	}
}

// finishAfter lets the watch run for d before finishing it.
func (w *procWatch) finishAfter(d time.Duration) (*results.ServerStats, string) {
	time.Sleep(d)
	return w.finish()
}

// Interrupted before the window began: nothing measured, nothing said.
func TestProcWatchInterruptedBeforeTheWindow(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	w := startProcWatch(ctx, os.Getpid(), 1, time.Now().Add(time.Hour), time.Now().Add(2*time.Hour))
	cancel()
	if st, warn := w.finish(); st != nil || warn != "" {
		t.Errorf("statistics %+v, warning %q; want nothing", st, warn)
	}
}

func TestParseStat(t *testing.T) {
	// A command name with spaces and parentheses, as a process may call
	// itself.
	line := "4242 (my (odd) server) S 17 4242 4242 0 -1 4194560 1 0 0 0 250 31 7 3 20 0 12 0 987654 10000 300 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n"
	st, err := parseStat([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	if st.state != 'S' || st.ppid != 17 || st.cpu.own != 281 || st.cpu.reaped != 10 || st.cpu.started != 987654 {
		t.Errorf("parseStat = %+v, want state S, ppid 17, own 281, reaped 10, started 987654", st)
	}
	for _, bad := range []string{"", "4242 (x", "4242 (x) S 1 2", "4242 (x) S one 1 1 0 -1 0 0 0 0 0 250 31 7 3 20 0 12 0 987654 1"} {
		if _, err := parseStat([]byte(bad)); err == nil {
			t.Errorf("parseStat(%q) succeeded", bad)
		}
	}
}

func FuzzParseStat(f *testing.F) {
	f.Add([]byte("1 (init) S 0 1 1 0 -1 4194560 1 0 0 0 250 31 7 3 20 0 12 0 987654 10000 300\n"))
	f.Add([]byte("7 ()) R 1 ) ) 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = parseStat(b) // never panics
	})
}
