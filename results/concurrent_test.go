package results

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Tests that start copies of the test binary as writers: the child runs the
// same test, finds its job in the environment and exits.
const childEnv = "HOTBENCH_RESULTS_TEST_CHILD"

// runChildren starts n copies of the test named test, the i-th with
// childEnv=job and HOTBENCH_RESULTS_TEST_INDEX=i, all at once, and waits for
// them; each must exit 0.
func runChildren(t *testing.T, test, job string, n int) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts processes")
	}
	cmds := make([]*exec.Cmd, n)
	outs := make([]strings.Builder, n)
	for i := range cmds {
		cmds[i] = exec.Command(os.Args[0], "-test.run=^"+test+"$")
		cmds[i].Env = append(os.Environ(), childEnv+"="+job, fmt.Sprintf("HOTBENCH_RESULTS_TEST_INDEX=%d", i))
		cmds[i].Stdout, cmds[i].Stderr = &outs[i], &outs[i]
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("writer %d: %v: %s", i, err, outs[i].String())
		}
	}
}

// child reports whether this process is a writer started by runChildren, and
// its job and index.
func child() (job string, index int, ok bool) {
	job = os.Getenv(childEnv)
	if job == "" {
		return "", 0, false
	}
	fmt.Sscan(os.Getenv("HOTBENCH_RESULTS_TEST_INDEX"), &index)
	return job, index, true
}

func childDone(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// storeOfRuns is a store with five runs, named by their index.
func storeOfRuns(t *testing.T) (*Store, []string) {
	t.Helper()
	s := Open(t.TempDir())
	var dirs []string
	for i := range 5 {
		r := mustCreate(t, s, &Run{Scenario: testScenario(1), Label: fmt.Sprint(i), Start: testStart, FormatVersion: FormatVersion})
		dirs = append(dirs, r.Dir)
	}
	return s, dirs
}

func wantBaselines(t *testing.T, s *Store, n int) {
	t.Helper()
	got, err := s.Baselines()
	if err != nil {
		t.Fatal(err)
	}
	var lost []string
	for i := range n {
		if name := fmt.Sprintf("b-%02d", i); len(got[name]) != 1 {
			lost = append(lost, name)
		}
	}
	if len(lost) > 0 || len(got) != n {
		t.Errorf("%d baselines kept of %d set at once; lost %v", len(got), n, lost)
	}
}

// Issue 9, item 8: 20 parallel `baseline set` all exited 0 and 6 baselines
// were lost.
func TestBaselinesSetAtOnceAreAllKept(t *testing.T) {
	s, dirs := storeOfRuns(t)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			if err := s.SetBaseline(fmt.Sprintf("b-%02d", i), dirs[i%len(dirs):][:1]); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	wantBaselines(t, s, 20)

	t.Run("and removed at once, all go", func(t *testing.T) {
		var wg sync.WaitGroup
		for i := range 10 {
			wg.Go(func() {
				if err := s.RemoveBaseline(fmt.Sprintf("b-%02d", 2*i)); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		got, err := s.Baselines()
		if err != nil || len(got) != 10 {
			t.Errorf("%d baselines left of 20 after removing 10: %v", len(got), err)
		}
	})
}

func TestBaselinesSetByParallelProcessesAreAllKept(t *testing.T) {
	if job, i, ok := child(); ok {
		dir, run, _ := strings.Cut(job, "\n")
		childDone(Open(dir).SetBaseline(fmt.Sprintf("b-%02d", i), []string{run}))
	}
	s, dirs := storeOfRuns(t)
	runChildren(t, "TestBaselinesSetByParallelProcessesAreAllKept", s.Dir+"\n"+dirs[0], 20)
	wantBaselines(t, s, 20)
}

func TestVerdictsSavedByParallelProcessesAreAllKept(t *testing.T) {
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	if job, i, ok := child(); ok {
		_, err := Open(job).SaveVerdict(VerdictGate, "svc", at, fmt.Appendf(nil, `{"job": %d}`, i))
		childDone(err)
	}
	s := Open(t.TempDir())
	runChildren(t, "TestVerdictsSavedByParallelProcessesAreAllKept", s.Dir, 20)
	got, err := s.Verdicts("svc", time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	jobs := map[string]bool{}
	for _, v := range got {
		jobs[string(v.Data)] = true
	}
	if len(got) != 20 || len(jobs) != 20 {
		t.Errorf("kept %d verdicts (%d distinct) of 20 saved at once", len(got), len(jobs))
	}
}

func TestALockedResultsFolderSaysWhoHoldsIt(t *testing.T) {
	s, dirs := storeOfRuns(t)
	unlock, err := s.lock()
	if err != nil {
		t.Fatal(err)
	}
	s.LockTimeout = 50 * time.Millisecond
	err = s.SetBaseline("main", dirs[:1])
	want := fmt.Sprintf("results folder %s is locked by another hotbench (pid %d): wait for it, or remove %s",
		s.Dir, os.Getpid(), filepath.Join(s.Dir, ".lock"))
	if err == nil || !strings.HasSuffix(err.Error(), ": "+want) {
		t.Errorf("error\n %v\nwant\n %s", err, want)
	}
	if !errors.Is(err, ErrLocked) {
		t.Errorf("error %v is not ErrLocked", err)
	}
	_, err = s.SaveVerdict(VerdictGate, "svc", testStart, []byte(`{}`))
	if !errors.Is(err, ErrLocked) {
		t.Errorf("SaveVerdict: error %v, want ErrLocked", err)
	}
	unlock()
	if err := s.SetBaseline("main", dirs[:1]); err != nil {
		t.Errorf("after the holder is done: %v", err)
	}
}

// Files under the results folder are written only as regular files: a link
// or a FIFO planted there is refused and nothing is written through it.
func TestStoreFilesAreNeverWrittenThroughLinks(t *testing.T) {
	victim := filepath.Join(t.TempDir(), "victim")
	const precious = `{"precious": true}` // JSON, so only writing can refuse it
	os.WriteFile(victim, []byte(precious), 0o644)
	wantVictim := func(t *testing.T) {
		t.Helper()
		if b, _ := os.ReadFile(victim); string(b) != precious {
			t.Errorf("the file behind the link now holds %.40q", b)
		}
	}

	t.Run("baselines.json", func(t *testing.T) {
		s, dirs := storeOfRuns(t)
		os.Symlink(victim, filepath.Join(s.Dir, baselinesFile))
		err := s.SetBaseline("main", dirs[:1])
		if err == nil || !strings.Contains(err.Error(), "is a symbolic link, not a regular file: remove it") {
			t.Errorf("error %v", err)
		}
		wantVictim(t)
	})
	t.Run("run.json", func(t *testing.T) {
		s, dirs := storeOfRuns(t)
		r, err := Load(dirs[0])
		if err != nil {
			t.Fatal(err)
		}
		os.Remove(filepath.Join(dirs[0], runFile))
		os.Symlink(victim, filepath.Join(dirs[0], runFile))
		if err := Save(r); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("error %v", err)
		}
		wantVictim(t)
		_ = s
	})
	t.Run("a saved verdict takes the next free name", func(t *testing.T) {
		s := Open(t.TempDir())
		folder := filepath.Join(s.Dir, "svc", verdictsDir)
		os.MkdirAll(folder, 0o755)
		os.Symlink(victim, filepath.Join(folder, "20261127T010203Z-gate.json"))
		path, err := s.SaveVerdict(VerdictGate, "svc", testStart, []byte(`{}`))
		if err != nil || filepath.Base(path) != "20261127T010203Z-gate-2.json" {
			t.Errorf("saved to %s, %v", path, err)
		}
		wantVictim(t)
	})
	t.Run("the lock file", func(t *testing.T) {
		s, dirs := storeOfRuns(t)
		os.Symlink(victim, filepath.Join(s.Dir, ".lock"))
		if err := s.SetBaseline("main", dirs[:1]); err == nil || !strings.Contains(err.Error(), "symbolic link") {
			t.Errorf("error %v", err)
		}
		wantVictim(t)
	})
}
