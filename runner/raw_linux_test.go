package runner

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hotbench/hotbench/results"
)

// The full disk of issue 9 item 10, for real: the results folder on a
// 64 KiB tmpfs and raw results at 1000 requests a second. The raw file
// fails, its partial file is removed, and the space it freed lets run.json
// keep the repetition. Mounting needs root; without it the injected full
// disk of TestRawWriteFailureStopsTheRunAndSaysSo covers the behaviour.
func TestRawResultsOnAFullDisk(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=64k"); err != nil {
		t.Skipf("cannot mount a tmpfs (%v): the injected full disk tests this", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	sc := scenario(quietServer(t), 1000, time.Second)
	sc.Runs = 2
	run, err := Run(context.Background(), sc, Options{Store: results.Open(dir), Raw: true})
	t.Logf("err: %v", err)
	if err == nil || !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "the raw results of get could not be written") {
		t.Fatalf("err = %v, want the raw results' full disk", err)
	}
	if run == nil || errors.Is(err, ErrNotSaved) {
		t.Fatalf("run %v, err %v: want run.json saved once the raw file was removed", run, err)
	}
	stored, err := results.Load(run.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored.Repetitions) != 1 || stored.Repetitions[0].Endpoints[0].Requests < 500 || stored.Complete {
		t.Errorf("run.json holds %d repetitions (complete %v), want the one measured, incomplete", len(stored.Repetitions), stored.Complete)
	}
	checkOnly(t, filepath.Join(run.Dir, "raw"), "repetitions")
	if entries, _ := os.ReadDir(filepath.Join(run.Dir, "raw", "repetitions")); len(entries) != 0 {
		t.Errorf("raw/repetitions holds %d files, want the partial one removed", len(entries))
	}
}
