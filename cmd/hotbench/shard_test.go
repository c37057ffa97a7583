package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/shard"
)

// knownShape answers 95 % of each endpoint's requests in 1 ms and 5 % in
// 50 ms (every twentieth): the median is the fast mode, p99 the slow one.
func knownShape(t *testing.T) *httptest.Server {
	t.Helper()
	var fast, mixed atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := &fast
		if r.URL.Path == "/mixed" {
			n = &mixed
		}
		if n.Add(1)%20 == 0 {
			time.Sleep(50 * time.Millisecond)
		} else {
			time.Sleep(time.Millisecond)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func shardScenario(t *testing.T, dir, target, duration, retries string) string {
	t.Helper()
	path := filepath.Join(dir, "shape.yaml")
	body := `name: shape
target: ` + target + `
load: {rate: 400/s, duration: ` + duration + `, warmup: 500ms, timeout: 2s, max_send_lag: 250ms, retries: ` + retries + `}
runs: 2
endpoints:
  - {name: fast, path: /fast, weight: 3}
  - {name: mixed, path: /mixed}
`
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// child runs this test binary as hotbench in a process of its own.
func child(args ...string) *exec.Cmd {
	exe, _ := os.Executable()
	c := exec.Command(exe, args...)
	c.Env = append(os.Environ(), asHotbench+"=1")
	return c
}

// The check of issue 12: four shard processes over the real coordination
// on loopback, against a server of known shape at 400/s, make one run that
// holds exactly the scheduled requests, endpoint by endpoint, with the p50
// and p99 of a single process's run of the same scenario.
func TestShardsLocalMatchASingleProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("two runs of two repetitions")
	}
	dir := t.TempDir()
	resultsDir := filepath.Join(dir, "results")
	// A repetition a busy machine spoils is redone, on every shard.
	sc := shardScenario(t, dir, knownShape(t).URL, "2s", "2")

	var single bytes.Buffer
	c := child("run", sc, "--label", "single", "--results", resultsDir, "--json")
	c.Stdout, c.Stderr = &single, os.Stderr
	if err := c.Run(); err != nil {
		t.Fatalf("single-process run: %v", err)
	}
	code, out, errOut := hotbench(t, "run", sc, "--shards", "4", "--local", "--label", "sharded", "--results", resultsDir, "--json")
	if code != 0 {
		t.Fatalf("run --shards 4 --local: exit %d\n%s", code, errOut)
	}
	var s, m results.Summary
	if err := json.Unmarshal(single.Bytes(), &s); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if s.Runs != 2 {
		t.Fatalf("the single-process run has %d valid repetitions %+v, want 2", s.Runs, s.Repetitions)
	}
	t.Logf("repetitions run: merged %d, single %d (retries included)", len(m.Repetitions), len(s.Repetitions))
	if !m.Complete || m.Runs != 2 || m.Shards == nil || len(m.Shards.Parts) != 4 {
		t.Fatalf("merged run: complete %v, %d valid repetitions %+v, shards %+v\n%s", m.Complete, m.Runs, m.Repetitions, m.Shards, errOut)
	}
	for i, e := range m.Endpoints {
		se := s.Endpoints[i]
		// 400/s for 2 s, twice: 1,200 of the weight-3 endpoint's, 400 of the other's.
		want := map[string]int64{"fast": 1200, "mixed": 400}[e.Name]
		if e.Requests != want || se.Requests != want {
			t.Errorf("%s: merged %d requests, single %d, want the %d scheduled", e.Name, e.Requests, se.Requests, want)
		}
		t.Logf("%s: requests merged %d / single %d; p50 merged %.2f ms / single %.2f ms; p99 merged %.2f ms / single %.2f ms",
			e.Name, e.Requests, se.Requests, e.Latency.P50*1e3, se.Latency.P50*1e3, e.Latency.P99*1e3, se.Latency.P99*1e3)
		// The fast mode is 1 ms plus loopback and the generator; p99 is
		// the 50 ms mode. Their usual spread on a busy 2-core machine
		// running five race-instrumented processes is a millisecond or two.
		if d := e.Latency.P50 - se.Latency.P50; d > 0.003 || d < -0.003 || e.Latency.P50 < 0.001 || e.Latency.P50 > 0.01 {
			t.Errorf("%s: p50 merged %.2f ms, single %.2f ms", e.Name, e.Latency.P50*1e3, se.Latency.P50*1e3)
		}
		for _, p99 := range []float64{e.Latency.P99, se.Latency.P99} {
			if p99 < 0.049 || p99 > 0.07 {
				t.Errorf("%s: p99 %.2f ms, want the 50 ms mode (merged %.2f, single %.2f)", e.Name, p99*1e3, e.Latency.P99*1e3, se.Latency.P99*1e3)
			}
		}
	}
	for i, skew := range m.Shards.StartSkew {
		t.Logf("repetition %d: start skew between the 4 shards %.3f ms", i+1, skew*1e3)
		if skew > 0.05 {
			t.Errorf("repetition %d: shards started %.1f ms apart", i+1, skew*1e3)
		}
	}
	for _, p := range m.Shards.Parts {
		t.Logf("shard %d: clock offset %.3f ms, round trip %.3f ms", p.Index, p.ClockOffset*1e3, p.RTT*1e3)
	}

	// hotbench merge on one part finds its siblings and makes the same run.
	code, out2, errOut := hotbench(t, "merge", filepath.Join(resultsDir, "shape", m.Shards.Parts[1].Run), "--label", "again", "--results", resultsDir, "--json")
	if code != 0 {
		t.Fatalf("merge: exit %d\n%s", code, errOut)
	}
	var again results.Summary
	if err := json.Unmarshal([]byte(out2), &again); err != nil {
		t.Fatal(err)
	}
	if again.Label != "again" || fmt.Sprint(again.Endpoints) != fmt.Sprint(m.Endpoints) {
		t.Errorf("merging the parts again gave %+v, want %+v", again.Endpoints, m.Endpoints)
	}
}

// Killing one shard's process mid-run aborts the run on the others, which
// exit non-zero, and shard 0 stores a merged run that is incomplete and
// names the killed shard.
func TestKilledShardLeavesAnIncompleteMergedRun(t *testing.T) {
	if testing.Short() {
		t.Skip("a sharded run")
	}
	dir := t.TempDir()
	resultsDir := filepath.Join(dir, "results")
	sc := shardScenario(t, dir, knownShape(t).URL, "4s", "0")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	procs := make([]*exec.Cmd, 4)
	stderr := make([]*syncBuffer, 4)
	for i := range procs {
		stderr[i] = &syncBuffer{}
		procs[i] = child("run", sc, "--shard", fmt.Sprintf("%d/4", i), "--coordinator", addr, "--results", resultsDir, "--label", "k")
		procs[i].Stderr = stderr[i]
		if err := procs[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	// The first repetition starts 2 s after the last shard registers and
	// runs 4.5 s: kill shard 2 inside it.
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(stderr[2].String(), "rep 1") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(time.Second)
	if err := procs[2].Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for i, p := range procs {
		err := p.Wait()
		if i != 2 && (err == nil || p.ProcessState.ExitCode() == 0) {
			t.Errorf("shard %d exited 0 after shard 2 was killed:\n%s", i, stderr[i].String())
		}
	}
	if !strings.Contains(stderr[1].String(), "shard 2 of 4 disconnected") {
		t.Errorf("shard 1 does not say shard 2 disconnected:\n%s", stderr[1].String())
	}
	infos, err := results.Open(resultsDir).List()
	if err != nil {
		t.Fatal(err)
	}
	var merged *results.Run
	for _, info := range infos {
		r, err := results.Load(info.Dir)
		if err == nil && r.Shards != nil {
			merged = r
		}
	}
	if merged == nil {
		t.Fatalf("shard 0 stored no merged run:\n%s", stderr[0].String())
	}
	t.Logf("merged run: %s", merged.IncompleteReason)
	if merged.Complete || !strings.Contains(merged.IncompleteReason, "shard 2 of 4: disconnected during repetition 1") {
		t.Errorf("merged run complete %v, reason %q: want incomplete, naming shard 2", merged.Complete, merged.IncompleteReason)
	}
	if len(merged.Repetitions) == 0 || merged.Repetitions[0].Valid() {
		t.Errorf("the merged repetition shard 2 was killed in is a sample: %+v", merged.Repetitions)
	}
	if !strings.Contains(stderr[0].String(), "the merged run is incomplete") {
		t.Errorf("shard 0 does not say the merged run is incomplete:\n%s", stderr[0].String())
	}
}

func TestK8sCommand(t *testing.T) {
	dir := t.TempDir()
	sc := shardScenario(t, dir, "http://shape.default.svc:8080", "20s", "2")
	code, out, errOut := hotbench(t, "k8s", sc, "--shards", "3", "--image", "hotbench:test", "--results-claim", "runs", "--namespace", "perf")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	objs, err := shard.DecodeStrict([]byte(out))
	if err != nil || len(objs) != 3 {
		t.Fatalf("%d objects, %v\n%s", len(objs), err, out)
	}
	if !strings.Contains(out, "completions: 3") || !strings.Contains(out, "- --shards\n        - \"3\"") {
		t.Errorf("manifests do not carry 3 shards:\n%s", out)
	}
	for _, args := range [][]string{
		{"k8s", sc, "--shards", "3"},
		{"k8s", sc, "--image", "i"},
	} {
		if code, _, errOut := hotbench(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want 2: %s", args, code, errOut)
		}
	}
}

func TestShardFlagsAreChecked(t *testing.T) {
	dir := t.TempDir()
	sc := shardScenario(t, dir, "http://127.0.0.1:1", "1s", "2")
	t.Setenv(envJobIndex, "")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--shard", "4/4"}, "0 <= I < N"},
		{[]string{"--shard", "1/4", "--shards", "3"}, "disagree"},
		{[]string{"--shards", "4"}, "JOB_COMPLETION_INDEX"},
		{[]string{"--shards", "1", "--local"}, "at least 2"},
		{[]string{"--shard", "1/2", "--raw"}, "--raw"},
	} {
		code, _, errOut := hotbench(t, append([]string{"run", sc, "--results", dir}, tt.args...)...)
		if code != exitUsage || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", tt.args, code, errOut, tt.want)
		}
	}
}
