package main

import (
	"context"
	"crypto/sha256"
	"net/http"
	"net/http/httptest"
	"net/http/pprof"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hotbench/hotbench/results"
)

// burnInHotHandler is the "hotspot" of the profiled test service: it hashes
// for a while on every request, slow or fast depending on the service.
//
//go:noinline
func burnInHotHandler(rounds int) byte {
	sum := sha256.Sum256([]byte("hotbench"))
	for i := 0; i < rounds; i++ {
		sum = sha256.Sum256(sum[:])
	}
	return sum[0]
}

// profiledService is a Go service with net/http/pprof on an admin prefix,
// whose handler burns CPU in burnInHotHandler.
func profiledService(t *testing.T, rounds *atomic.Int64) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/admin/debug/pprof/", pprof.Index)
	mux.HandleFunc("/admin/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/work", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte{burnInHotHandler(int(rounds.Load()))})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func profiledScenario(t *testing.T, dir, target string) string {
	t.Helper()
	path := filepath.Join(dir, "hot.yaml")
	body := `name: hot
target: ` + target + `
load: {rate: 50/s, duration: 1s, timeout: 5s, max_send_lag: 200ms}
runs: 4
endpoints: [{name: work, path: /work}]
profiles: {pprof: ` + target + `/admin/debug/pprof, kinds: [cpu]}
hotspots:
  - {name: hashing, endpoint: work, metric: p50, objective: 1ms, functions: [hotbench.burnInHotHandler]}
gate: {alpha: 0.05, max_regression: {p50: 10%}}
`
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// The whole loop on a real Go service with net/http/pprof: run before and
// after a fix with profiles, find the hot function in the stored profiles
// and in profile top, compare, gate, baseline, report.
func TestTheLoopWithProfiles(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 2 × 4 one-second repetitions")
	}
	var rounds atomic.Int64
	rounds.Store(100000)
	srv := profiledService(t, &rounds)
	dir := t.TempDir()
	res := filepath.Join(dir, "results")
	sc := profiledScenario(t, dir, srv.URL)

	if code, _, errOut := hotbench(t, "run", sc, "--label", "slow", "--results", res); code != 0 {
		t.Fatalf("run slow: exit %d\n%s", code, errOut)
	}
	rounds.Store(1000) // the fix
	if code, _, errOut := hotbench(t, "run", sc, "--label", "fast", "--results", res); code != 0 {
		t.Fatalf("run fast: exit %d\n%s", code, errOut)
	}

	// Stored profiles are listed with their window and size, and the hot
	// function's share is in run.json for every repetition.
	dirs, err := results.Open(res).Resolve("hot@slow")
	if err != nil {
		t.Fatal(err)
	}
	slow, err := results.Load(dirs[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, rep := range slow.Repetitions {
		if len(rep.Profiles) != 1 || rep.Profiles[0].Kind != "cpu" || rep.Profiles[0].Bytes == 0 || rep.Profiles[0].Window != 1 {
			t.Fatalf("repetition %d profiles = %+v, want one cpu profile of a 1 s window", rep.Index, rep.Profiles)
		}
		// The load generator runs in this process too, and under the race
		// detector the HTTP stack costs more: the hot function's share is
		// about 0.3 to 0.8 of the process's CPU.
		if len(rep.Functions) != 1 || rep.Functions[0].Share < 0.2 || rep.Functions[0].Share > 1 {
			t.Errorf("repetition %d hot function share = %+v, want 0.2 to 1", rep.Index, rep.Functions)
		}
	}

	code, out, _ := hotbench(t, "profile", "top", "hot@slow", "--cum", "-n", "15", "--results", res)
	if code != 0 || !strings.Contains(out, "burnInHotHandler") {
		t.Errorf("profile top --cum of the slow run does not name the hot function (exit %d):\n%s", code, out)
	}
	code, out, _ = hotbench(t, "profile", "top", "hot@fast", "--diff", "hot@slow", "--results", res)
	if code != 0 || !strings.Contains(out, "burnInHotHandler") || !strings.Contains(out, "-") {
		t.Errorf("profile top --diff does not show the hot function shrinking (exit %d):\n%s", code, out)
	}

	code, out, _ = hotbench(t, "compare", "hot@slow", "hot@fast", "--format", "markdown", "--save", "--results", res)
	if code != 0 || !strings.Contains(out, "improved") {
		t.Errorf("compare exit %d:\n%s", code, out)
	}
	// A real Go server with few profile samples: the fixed service is
	// nearly idle, so its one-second CPU profiles hold far fewer than
	// profiles.min_samples (100). The share is shown, not tested, and said.
	if !strings.Contains(out, "too few samples") || !strings.Contains(out, "not used as evidence") {
		t.Errorf("compare tested shares of a nearly empty profile, or did not say so:\n%s", out)
	}
	// The fix passes the gate; the reverse is a regression: exit 1.
	if code, out, _ = hotbench(t, "gate", "hot@slow", "hot@fast", "--results", res); code != 0 {
		t.Errorf("gate of the fix: exit %d, want 0\n%s", code, out)
	}
	if code, out, _ = hotbench(t, "gate", "hot@fast", "hot@slow", "--results", res); code != 1 {
		t.Errorf("gate of a regression: exit %d, want 1\n%s", code, out)
	}
	if code, _, errOut := hotbench(t, "gate", "hot@slow", "hot@fast", "--max-regression", "p5o=10%", "--results", res); code != 2 || !strings.Contains(errOut, "p50") {
		t.Errorf("a typo in the policy: exit %d, want 2 with a suggestion\n%s", code, errOut)
	}
	if code, _, errOut := hotbench(t, "baseline", "set", "main", "hot@slow", "--results", res); code != 0 {
		t.Fatalf("baseline set: exit %d\n%s", code, errOut)
	}
	if code, out, _ = hotbench(t, "gate", "main", "hot@fast", "--results", res); code != 0 {
		t.Errorf("gate against the baseline by name: exit %d\n%s", code, out)
	}

	html := filepath.Join(dir, "run.html")
	if code, _, errOut := hotbench(t, "report", "hot@slow", "--out", html, "--results", res); code != 0 {
		t.Fatalf("report: exit %d\n%s", code, errOut)
	}
	month := time.Now().UTC().Format("2006-01")
	md := filepath.Join(dir, "month.md")
	code, _, errOut := hotbench(t, "report", "--month", month, "--out", filepath.Join(dir, "month.html"), "--markdown", md, "--results", res)
	if code != 0 {
		t.Fatalf("report --month: exit %d\n%s", code, errOut)
	}
	text, _ := os.ReadFile(md)
	if !strings.Contains(string(text), "hashing") || !strings.Contains(string(text), "improved") {
		t.Errorf("the month's Markdown does not show the hotspot and the saved verdict:\n%s", text)
	}
}

func TestRequiredProfilesFailTheRun(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "pprof") {
			http.Error(w, "profiling not enabled", http.StatusNotFound)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	sc := writeScenario(t, dir, srv.URL, "profiles: {pprof: "+srv.URL+"/debug/pprof, kinds: [cpu], required: true}\n")
	code, _, errOut := hotbench(t, "run", sc, "--runs", "1", "--results", filepath.Join(dir, "r"))
	if code != 1 || !strings.Contains(errOut, "profiles.required") {
		t.Errorf("exit %d, stderr:\n%s\nwant a failed run that says profiles are required", code, errOut)
	}
	// Without required, the same fault is a warning and the run passes.
	sc = writeScenario(t, dir, srv.URL, "profiles: {pprof: "+srv.URL+"/debug/pprof, kinds: [cpu]}\n")
	code, out, errOut := hotbench(t, "run", sc, "--runs", "1", "--results", filepath.Join(dir, "r"))
	if code != 0 || !strings.Contains(out+errOut, "WARNING") {
		t.Errorf("exit %d, want 0 with a warning:\n%s%s", code, out, errOut)
	}
}

func TestProfileViewServesPprofsUI(t *testing.T) {
	var rounds atomic.Int64
	rounds.Store(1000)
	srv := profiledService(t, &rounds)
	dir := t.TempDir()
	res := filepath.Join(dir, "results")
	sc := profiledScenario(t, dir, srv.URL)
	if code, _, errOut := hotbench(t, "run", sc, "--runs", "1", "--results", res); code != 0 {
		t.Fatalf("run: exit %d\n%s", code, errOut)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &syncBuffer{}
	done := make(chan int)
	go func() {
		done <- Main(ctx, []string{"profile", "view", "hot@latest", "--no-browser", "--results", res}, out, out)
	}()
	var url string
	for deadline := time.Now().Add(20 * time.Second); url == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if _, rest, ok := strings.Cut(out.String(), "http://127.0.0.1:"); ok {
			url = "http://127.0.0.1:" + strings.Fields(rest)[0]
		}
	}
	if url == "" {
		t.Fatalf("no URL printed:\n%s", out.String())
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("pprof UI answered %s", resp.Status)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("profile view exit %d after cancel:\n%s", code, out.String())
	}
}
