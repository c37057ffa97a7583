package profiles

import (
	"cmp"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/pprof"
	"os"
	"os/exec"
	"path/filepath"
	rpprof "runtime/pprof"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/pprof/profile"
	"github.com/hotbench/hotbench/scenarios"
)

// pprofPrefix is not /debug/pprof, to prove base URLs keep their prefix.
const pprofPrefix = "/admin/debug/pprof"

// newPprofServer serves the real net/http/pprof handlers under pprofPrefix on
// its own mux; override replaces the handler of some profile names.
func newPprofServer(t *testing.T, override map[string]http.Handler) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	handlers := map[string]http.Handler{"profile": http.HandlerFunc(pprof.Profile)}
	for _, name := range []string{"allocs", "heap", "goroutine", "mutex", "block"} {
		handlers[name] = pprof.Handler(name)
	}
	for name, h := range override {
		handlers[name] = h
	}
	for name, h := range handlers {
		mux.Handle(pprofPrefix+"/"+name, h)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// burnHotspotCPU is the planted hotspot the CPU profile must find. It mixes
// a hash in registers only: under -race, memory accesses would spend the time
// in the race runtime, whose samples carry no Go caller.
//
//go:noinline
func burnHotspotCPU() uint64 {
	x := uint64(0x9e3779b97f4a7c15)
	for range 1 << 20 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}

// burn runs burnHotspotCPU until the test ends.
func burn(t *testing.T) {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
				burnHotspotCPU()
			}
		}
	})
	t.Cleanup(func() { close(stop); wg.Wait() })
}

func TestCaptureFromGoPprofEndpoint(t *testing.T) {
	srv := newPprofServer(t, nil)
	burn(t)
	dir := t.TempDir()
	kinds := []string{"cpu", "allocs", "heap", "goroutine", "mutex"}
	cfg := Config{PprofURL: srv.URL + pprofPrefix, Kinds: kinds}

	got, warns := Capture(context.Background(), cfg, time.Second, dir, "rep-01")

	for _, w := range warns {
		// mutex is off in the test binary (runtime.SetMutexProfileFraction),
		// and a quiet second may allocate too little to be sampled.
		if !strings.Contains(w.Reason, "no samples") {
			t.Errorf("unexpected warning: %s", w)
		}
	}
	var gotKinds []string
	for _, c := range got {
		gotKinds = append(gotKinds, c.Kind)
	}
	if !slices.Equal(gotKinds, kinds) {
		t.Fatalf("captured kinds %v, want %v in the configured order", gotKinds, kinds)
	}
	for _, c := range got {
		if want := "rep-01-" + c.Kind + ".pb.gz"; c.File != want {
			t.Errorf("%s stored as %q, want %q", c.Kind, c.File, want)
		}
		checkStored(t, dir, c)
	}

	pattern, err := scenarios.FunctionPattern("profiles.burnHotspotCPU")
	if err != nil {
		t.Fatal(err)
	}
	cpu := got[0]
	if cpu.Window != time.Second || cpu.Start.IsZero() {
		t.Errorf("cpu covers %s from %v, want the 1s window", cpu.Window, cpu.Start)
	}
	share, err := ShareOf(cpu.Profile, "cpu", pattern)
	if err != nil {
		t.Fatal(err)
	}
	if share < 0.3 || share > 1 {
		var top strings.Builder
		i, _ := SampleIndex(cpu.Profile, "cpu")
		WriteTop(&top, Top(cpu.Profile, i, 10), cpu.Profile.SampleType[i].Unit)
		t.Errorf("share of burnHotspotCPU in the cpu profile = %.3f, want > 0.3 while it burns a core; top:\n%s", share, top.String())
	}
	if i, _ := SampleIndex(got[1].Profile, "allocs"); got[1].Profile.SampleType[i].Type != "alloc_space" {
		t.Errorf("allocs sample types %v: want alloc_space", got[1].Profile.SampleType)
	}
	if heap := got[2]; heap.Window != 0 || heap.Start.Sub(cpu.Start) < time.Second {
		t.Errorf("heap snapshot at %v (window %s), want one taken at the end of the window", heap.Start.Sub(cpu.Start), heap.Window)
	}
}

// checkStored proves a capture is on disk, gzipped, and parses and validates.
func checkStored(t *testing.T, dir string, c Captured) {
	t.Helper()
	path := filepath.Join(dir, c.File)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%s: %v", c.Kind, err)
	}
	if len(raw) < 2 || raw[0] != 0x1f || raw[1] != 0x8b {
		t.Errorf("%s: stored file is not gzipped", c.Kind)
	}
	if int64(len(raw)) != c.Bytes {
		t.Errorf("%s: Bytes = %d, file has %d", c.Kind, c.Bytes, len(raw))
	}
	p, err := Load(path)
	if err != nil {
		t.Fatalf("%s: %v", c.Kind, err)
	}
	if err := p.CheckValid(); err != nil {
		t.Errorf("%s: stored profile is invalid: %v", c.Kind, err)
	}
	if c.Profile == nil || len(p.Sample) != len(c.Profile.Sample) {
		t.Errorf("%s: returned profile differs from the stored one", c.Kind)
	}
}

func TestCaptureFaults(t *testing.T) {
	hang := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	garbage := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<html>not a profile</html>") })

	tests := []struct {
		name     string
		url      func(t *testing.T) string
		kinds    []string
		grace    time.Duration
		cancel   bool // cancel once the goroutine snapshot is stored
		busyCPU  bool // a CPU profile is already running in the server
		want     []string
		warnings map[string]string // kind -> part of the reason
	}{
		{
			name:     "an endpoint that is down warns for every kind",
			url:      func(t *testing.T) string { return "http://" + closedPort(t) + pprofPrefix },
			kinds:    []string{"cpu", "goroutine"},
			warnings: map[string]string{"cpu": "connection refused", "goroutine": "connection refused"},
		},
		{
			name:     "a 500 because a CPU profile is already running warns, and the snapshot still arrives",
			url:      func(t *testing.T) string { return newPprofServer(t, nil).URL + pprofPrefix },
			kinds:    []string{"cpu", "goroutine"},
			busyCPU:  true,
			want:     []string{"goroutine"},
			warnings: map[string]string{"cpu": "cpu profiling already in use"},
		},
		{
			name: "an endpoint slower than the window plus grace times out, and the others still arrive",
			url: func(t *testing.T) string {
				return newPprofServer(t, map[string]http.Handler{"profile": hang}).URL + pprofPrefix
			},
			kinds:    []string{"cpu", "goroutine"},
			grace:    time.Second, // long enough for the goroutine snapshot on a busy machine
			want:     []string{"goroutine"},
			warnings: map[string]string{"cpu": "no result within 2s"},
		},
		{
			name: "cancelling the capture cuts a hanging fetch short and keeps what arrived",
			url: func(t *testing.T) string {
				return newPprofServer(t, map[string]http.Handler{"profile": hang}).URL + pprofPrefix
			},
			kinds:    []string{"cpu", "goroutine"},
			cancel:   true,
			want:     []string{"goroutine"},
			warnings: map[string]string{"cpu": "cut short"},
		},
		{
			name: "garbage bytes in a 200 answer warn",
			url: func(t *testing.T) string {
				return newPprofServer(t, map[string]http.Handler{"heap": garbage}).URL + pprofPrefix
			},
			kinds:    []string{"heap", "goroutine"},
			want:     []string{"goroutine"},
			warnings: map[string]string{"heap": "not a pprof profile"},
		},
		{
			name:     "a URL that is not http warns",
			url:      func(t *testing.T) string { return "ftp://127.0.0.1/debug/pprof" },
			kinds:    []string{"goroutine"},
			warnings: map[string]string{"goroutine": "must be an http URL"},
		},
		{
			name:     "an unknown kind warns and the known ones arrive",
			url:      func(t *testing.T) string { return newPprofServer(t, nil).URL + pprofPrefix },
			kinds:    []string{"threads", "goroutine"},
			want:     []string{"goroutine"},
			warnings: map[string]string{"threads": "unknown kind"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.busyCPU {
				if err := rpprof.StartCPUProfile(io.Discard); err != nil {
					t.Fatalf("start the competing CPU profile: %v", err)
				}
				defer rpprof.StopCPUProfile()
			}
			dir := t.TempDir()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancel {
				go func() {
					for !exists(filepath.Join(dir, "r-goroutine.pb.gz")) && ctx.Err() == nil {
						time.Sleep(10 * time.Millisecond)
					}
					cancel()
				}()
			}
			cfg := Config{PprofURL: tt.url(t), Kinds: tt.kinds, Grace: tt.grace}

			got, warns := Capture(ctx, cfg, 100*time.Millisecond, dir, "r")

			var gotKinds []string
			for _, c := range got {
				gotKinds = append(gotKinds, c.Kind)
				checkStored(t, dir, c)
			}
			for _, w := range warns {
				t.Log(w)
			}
			if !slices.Equal(gotKinds, tt.want) {
				t.Errorf("captured %v, want %v (warnings %v)", gotKinds, tt.want, warns)
			}
			if len(warns) != len(tt.warnings) {
				t.Errorf("warnings %v, want one for each of %v", warns, tt.warnings)
			}
			for _, w := range warns {
				if want, ok := tt.warnings[w.Kind]; !ok || !strings.Contains(w.Reason, want) {
					t.Errorf("warning %q, want one containing %q", w, want)
				}
				if strings.Contains(w.Reason, "\n") {
					t.Errorf("warning %q spans several lines", w)
				}
			}
		})
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestCaptureWithoutSourceDoesNothing(t *testing.T) {
	got, warns := Capture(context.Background(), Config{Kinds: []string{"cpu"}}, time.Hour, t.TempDir(), "r")
	if got != nil || warns != nil {
		t.Errorf("got %v, %v; want nothing when no source is configured", got, warns)
	}
}

func TestCaptureFromCommand(t *testing.T) {
	pprofFile := filepath.Join(t.TempDir(), "given.pb.gz")
	given, err := ParseFolded(strings.NewReader("main;serve;hot 3\nmain;idle 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := writeProfile(pprofFile, given); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		command string
		pid     int
		grace   time.Duration
		window  time.Duration // default 1.5s
		want    string        // folded stacks of the stored profile, or "" when a warning is wanted
		warning string
	}{
		{
			name:    "folded stacks written with printf are converted and stored",
			command: `printf 'main;serve;hot 30\nmain;serve;cold 10\n' > {out}`,
			want:    "main;serve;cold 10\nmain;serve;hot 30\n",
		},
		{
			name:    "the placeholders are replaced",
			command: `printf 'seconds=%s;pid=%s;kind=%s 1\n' {seconds} {pid} {kind} > {out}`,
			pid:     4242,
			want:    "seconds=2;pid=4242;kind=cpu 1\n",
		},
		{
			name:    "a pprof file written to {out} is used as is",
			command: "cp " + shellQuote(pprofFile) + " {out}",
			want:    "main;idle 1\nmain;serve;hot 3\n",
		},
		{
			name:    "gzipped folded stacks are read too",
			command: `printf 'a;b 5\n' | gzip > {out}`,
			want:    "a;b 5\n",
		},
		{
			name:    "{pid} without a known process id warns and runs nothing",
			command: `printf 'a 1\n' > {out}; echo {pid}`,
			warning: "process id is unknown",
		},
		{
			name:    "a failing command warns with the last line of its stderr",
			command: `echo starting >&2; echo 'rbspy: permission denied' >&2; exit 3`,
			warning: "exit status 3): rbspy: permission denied",
		},
		{
			name:    "a command that writes nothing warns",
			command: `true`,
			warning: "wrote nothing",
		},
		{
			name:    "output that is neither pprof nor folded warns with the line",
			command: `printf 'a;b 5\nnot a stack\n' > {out}`,
			warning: "line 2",
		},
		{
			name:    "a command still running after the window plus grace is killed with its children",
			command: `sleep 30; printf 'a 1\n' > {out}`,
			grace:   200 * time.Millisecond,
			window:  100 * time.Millisecond,
			warning: "must exit by itself",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := Config{Command: tt.command, PID: tt.pid, Grace: tt.grace}
			window := cmp.Or(tt.window, 1500*time.Millisecond)

			got, warns := Capture(context.Background(), cfg, window, dir, "rep")
			for _, w := range warns {
				t.Log(w)
			}

			if tt.warning != "" {
				if len(got) != 0 || len(warns) != 1 || !strings.Contains(warns[0].Reason, tt.warning) {
					t.Fatalf("got %d profiles and warnings %v, want only a warning containing %q", len(got), warns, tt.warning)
				}
				return
			}
			if len(warns) != 0 || len(got) != 1 {
				t.Fatalf("got %d profiles and warnings %v, want one cpu profile", len(got), warns)
			}
			checkStored(t, dir, got[0])
			if got[0].File != "rep-cpu.pb.gz" {
				t.Errorf("stored as %q, want rep-cpu.pb.gz", got[0].File)
			}
			p, _ := Load(filepath.Join(dir, got[0].File))
			if folded := foldedOf(p); folded != tt.want {
				t.Errorf("stored stacks:\n%s\nwant:\n%s", folded, tt.want)
			}
			if p.DurationNanos == 0 {
				t.Errorf("a converted profile has no duration")
			}
		})
	}
}

func TestCaptureFromCommandIsCutShortByCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	dir := t.TempDir()
	started := filepath.Join(dir, "started")
	go func() {
		for !exists(started) {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
	}()
	cfg := Config{Command: "touch " + shellQuote(started) + "; sleep 30"}
	got, warns := Capture(ctx, cfg, time.Second, dir, "rep")
	if len(got) != 0 || len(warns) != 1 || !strings.Contains(warns[0].Reason, "cut short") {
		t.Errorf("got %v, %v; want one cut-short warning", got, warns)
	}
}

func TestShellQuoteSurvivesTheShell(t *testing.T) {
	for _, s := range []string{"/tmp/plain-path_1.out", "/tmp/a b/it's", `/tmp/$HOME;rm -rf x`, "/tmp/\"q\"\\n"} {
		out, err := runShell("printf %s " + shellQuote(s))
		if err != nil || out != s {
			t.Errorf("printf %%s %s = %q, %v; want %q", shellQuote(s), out, err, s)
		}
	}
}

func runShell(script string) (string, error) {
	out, err := exec.Command("sh", "-c", script).Output()
	return string(out), err
}

func TestCaptureCaveats(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "empty.pb.gz")
	if _, err := writeProfile(empty, &profile.Profile{SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		cfg       Config
		prefix    string
		captured  int
		warnKind  string
		warnMatch string
	}{
		{"an empty profile is stored and flagged", Config{Command: "cp " + shellQuote(empty) + " {out}"}, "r", 1, "cpu", "holds no samples"},
		{"a command wins over a pprof URL, and says so", Config{PprofURL: "http://127.0.0.1:1", Command: `printf 'a 1\n' > {out}`}, "r", 1, "", "using the command"},
		{"a prefix with a path separator is refused", Config{Command: `printf 'a 1\n' > {out}`}, "../r", 0, "", "path separator"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, warns := Capture(context.Background(), tt.cfg, time.Second, t.TempDir(), tt.prefix)
			if len(got) != tt.captured || len(warns) != 1 || warns[0].Kind != tt.warnKind || !strings.Contains(warns[0].Reason, tt.warnMatch) {
				t.Errorf("got %d profiles and warnings %v; want %d and one %q warning about %q", len(got), warns, tt.captured, tt.warnKind, tt.warnMatch)
			}
		})
	}
}

func TestProfileURL(t *testing.T) {
	tests := []struct {
		base, kind string
		seconds    int64
		want       string
	}{
		{"http://h:6060/admin/debug/pprof", "cpu", 20, "http://h:6060/admin/debug/pprof/profile?seconds=20"},
		{"http://h:6060/debug/pprof/", "allocs", 3, "http://h:6060/debug/pprof/allocs?seconds=3"},
		{"http://h:6060", "heap", 0, "http://h:6060/debug/pprof/heap"},
		{"https://h/x/debug/pprof?token=abc", "mutex", 1, "https://h/x/debug/pprof/mutex?seconds=1&token=abc"},
	}
	for _, tt := range tests {
		if got, err := profileURL(tt.base, tt.kind, tt.seconds); err != nil || got != tt.want {
			t.Errorf("profileURL(%q, %s, %d) = %q, %v; want %q", tt.base, tt.kind, tt.seconds, got, err, tt.want)
		}
	}
	if got := wholeSeconds(1500 * time.Millisecond); got != 2 {
		t.Errorf("a 1.5s window asks for %d seconds, want 2 (rounded up)", got)
	}
	if got := wholeSeconds(0); got != 1 {
		t.Errorf("an empty window asks for %d seconds, want at least 1", got)
	}
}
