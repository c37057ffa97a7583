package runner

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hotbench/hotbench/internal/shellcmd"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// startUnmanaged starts the test binary as a server hotbench does not
// manage, as a service started by others would be, and stops it when the
// test ends.
func startUnmanaged(t *testing.T) (addr string, pid int) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	addr = freeAddr(t)
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), "HOTBENCH_TEST_SERVE="+addr)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	for deadline := time.Now().Add(10 * time.Second); Reachable(context.Background(), "http://"+addr) != nil; {
		if time.Now().After(deadline) {
			t.Fatal("the test server did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
	return addr, cmd.Process.Pid
}

// server.pid_file names a service started by others: its process id,
// read when the run begins (relative to the scenario file's folder), gives
// its CPU time and memory from /proc and {pid} to profiles.command.
func TestPidFile(t *testing.T) {
	addr, pid := startUnmanaged(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "server.pid"), []byte(strconv.Itoa(pid)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"server.pid", filepath.Join(dir, "server.pid")} {
		t.Run(path, func(t *testing.T) {
			seen := filepath.Join(t.TempDir(), "pid")
			sc := scenario("http://"+addr, 20, 500*time.Millisecond)
			sc.File = filepath.Join(dir, "scenario.yaml")
			sc.Endpoints[0].Path = "/burn?n=20"
			sc.Server = &scenarios.Server{PidFile: path}
			sc.Profiles = scenarios.Profiles{Command: "printf '%s' {pid} > " + shellcmd.Quote(seen) + "; exit 1", Kinds: []string{"cpu"}}
			run := runOnce(t, sc)
			st := run.Repetitions[0].Server
			if st == nil || st.CPUSource != results.CPUFromProc || st.CPUSeconds <= 0 || st.RSSPeakBytes <= 0 {
				t.Errorf("server statistics %+v, want CPU time and memory from /proc", st)
			}
			if got, _ := os.ReadFile(seen); string(got) != strconv.Itoa(pid) {
				t.Errorf("profiles.command saw {pid} %q, want %d", got, pid)
			}
		})
	}
}

// A pid file that cannot give a running process id stops the run before
// any load, with one line that names the file and says what to do.
func TestPidFileThatNamesNoServer(t *testing.T) {
	addr, _ := startUnmanaged(t)
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		contents string // "" with dir: a folder where the file should be
		dir      bool
		missing  bool
		want     string
	}{
		{name: "no such file", missing: true, want: "cannot be read (no such file or directory): start the service"},
		{name: "a folder, not a file", dir: true, want: "cannot be read (is a directory)"},
		{name: "empty", contents: "", want: `holds "", not a process id`},
		{name: "not a number", contents: "nginx\n", want: `holds "nginx", not a process id`},
		{name: "two numbers", contents: "12 13\n", want: `holds "12 13", not a process id`},
		{name: "zero", contents: "0", want: `holds "0", not a process id`},
		{name: "negative", contents: "-5", want: `holds "-5", not a process id`},
		{name: "megabytes of digits", contents: strings.Repeat("1", 1<<20), want: `holds "11111111111111111111…", not a process id`},
		{name: "a process that exited", contents: strconv.Itoa(dead.Process.Pid), want: "names process " + strconv.Itoa(dead.Process.Pid) + ", which is not running: start the service"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "app.pid")
			switch {
			case tt.dir:
				if err := os.Mkdir(path, 0o755); err != nil {
					t.Fatal(err)
				}
			case !tt.missing:
				if err := os.WriteFile(path, []byte(tt.contents), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			sc := scenario("http://"+addr, 20, 200*time.Millisecond)
			sc.File = filepath.Join(dir, "scenario.yaml")
			sc.Server = &scenarios.Server{PidFile: "app.pid"}
			store := t.TempDir()
			run, err := Run(context.Background(), sc, Options{Store: results.Open(store)})
			if err == nil || run != nil {
				t.Fatalf("Run: run %v, err %v; want no run and an error", run != nil, err)
			}
			msg := err.Error()
			if !strings.Contains(msg, "server.pid_file "+path) || !strings.Contains(msg, tt.want) || strings.Contains(msg, "\n") {
				t.Errorf("err = %q, want one line naming %s and %q", msg, path, tt.want)
			}
			if entries, _ := os.ReadDir(store); len(entries) != 0 {
				t.Errorf("a run folder was created: %v", entries)
			}
		})
	}
}
