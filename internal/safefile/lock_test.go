package safefile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// increment adds one to the number in path under the lock: a
// read-modify-write that loses updates without it.
func increment(lockPath, path string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	l, err := LockFile(ctx, lockPath)
	if err != nil {
		return err
	}
	defer l.Unlock()
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	n, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	time.Sleep(time.Millisecond) // widen the window a lost update needs
	return WriteFile(path, []byte(strconv.Itoa(n+1)), 0o644)
}

func wantCount(t *testing.T, path string, want int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := strconv.Atoi(string(data)); got != want {
		t.Errorf("count %d, want %d: updates were lost", got, want)
	}
}

func TestLockKeepsGoroutinesOutOfEachOther(t *testing.T) {
	dir := t.TempDir()
	lock, count := filepath.Join(dir, ".lock"), filepath.Join(dir, "count")
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			for range 5 {
				if err := increment(lock, count); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	wantCount(t, count, 100)
}

func TestLockKeepsProcessesOutOfEachOther(t *testing.T) {
	if dir := os.Getenv("SAFEFILE_TEST_LOCK_DIR"); dir != "" {
		for range 5 {
			if err := increment(filepath.Join(dir, ".lock"), filepath.Join(dir, "count")); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
		os.Exit(0)
	}
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	cmds := make([]*exec.Cmd, 20)
	outs := make([]strings.Builder, len(cmds))
	for i := range cmds {
		cmds[i] = exec.Command(os.Args[0], "-test.run=^TestLockKeepsProcessesOutOfEachOther$")
		cmds[i].Env = append(os.Environ(), "SAFEFILE_TEST_LOCK_DIR="+dir)
		cmds[i].Stdout, cmds[i].Stderr = &outs[i], &outs[i]
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("child %d: %v: %s", i, err, outs[i].String())
		}
	}
	wantCount(t, filepath.Join(dir, "count"), 100)
}

func TestAHeldLockTimesOutNamingItsHolder(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".lock")
	held, err := LockFile(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = LockFile(ctx, path)
	var le *LockError
	if !errors.As(err, &le) || le.PID != os.Getpid() || le.Path != path || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want a LockError naming pid %d", err, os.Getpid())
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("is locked by process %d", os.Getpid())) {
		t.Errorf("message %q", err)
	}
	if err := held.Unlock(); err != nil {
		t.Fatal(err)
	}
	again, err := LockFile(context.Background(), path)
	if err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	again.Unlock()
}
