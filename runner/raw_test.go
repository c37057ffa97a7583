package runner

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/hotbench/hotbench/internal/safefile"
	"github.com/hotbench/hotbench/results"
)

// quietServer answers every request at once with 200.
func quietServer(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// fullDisk is a raw file on a disk that fills after limit bytes: a real
// safefile.File whose writes fail with ENOSPC past the limit, as a full
// file system's do.
type fullDisk struct {
	*safefile.File
	path  string
	limit int
	n     int
	mu    sync.Mutex
	ended string // "commit" or "abort"
}

func (f *fullDisk) Write(p []byte) (int, error) {
	if f.n+len(p) > f.limit {
		return 0, fmt.Errorf("write %s: %w", f.path, syscall.ENOSPC)
	}
	f.n += len(p)
	return f.File.Write(p)
}

func (f *fullDisk) Commit() error { f.end("commit"); return f.File.Commit() }
func (f *fullDisk) Abort() error  { f.end("abort"); return f.File.Abort() }

func (f *fullDisk) end(how string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ended == "" {
		f.ended = how
	}
}

// fillingDisk returns a createRaw hook whose files of repetition rep fill
// the disk after limit bytes, and the files it made.
func fillingDisk(rep, limit int) (func(string) (rawFile, error), *[]*fullDisk) {
	var made []*fullDisk
	return func(path string) (rawFile, error) {
		f, err := safefile.Create(path, safefile.RegularOnly())
		if err != nil {
			return nil, err
		}
		d := &fullDisk{File: f, path: path, limit: 1 << 40}
		if strings.Contains(filepath.Base(path), fmt.Sprintf("rep-%02d-", rep)) {
			d.limit = limit
		}
		made = append(made, d)
		return d, nil
	}, &made
}

// Issue 9 item 10: a raw file that cannot be written (a full disk) stops
// the run with a one-line error that says so, and run.json keeps what was
// measured, the failed repetition included: its numbers are sound, only
// its raw results are lost. The partial raw file is removed.
func TestRawWriteFailureStopsTheRunAndSaysSo(t *testing.T) {
	srv := quietServer(t)
	sc := scenario(srv, 200, time.Second)
	sc.Runs = 3
	create, made := fillingDisk(2, 2000)
	run, err := Run(context.Background(), sc, Options{Store: results.Open(t.TempDir()), Raw: true, createRaw: create})
	if err == nil {
		t.Fatal("Run succeeded with a full disk")
	}
	msg := err.Error()
	for _, want := range []string{"repetition 2: the raw results of get could not be written", "rep-02-get.bin: no space left on device", "free space, or run without --raw"} {
		if !strings.Contains(msg, want) {
			t.Errorf("err = %q, want it to say %q", msg, want)
		}
	}
	if !errors.Is(err, syscall.ENOSPC) || errors.Is(err, ErrNotSaved) || strings.Contains(msg, "\n") {
		t.Errorf("err = %q: want one line wrapping ENOSPC, and not ErrNotSaved", msg)
	}
	if run == nil {
		t.Fatal("no run returned, although run.json was saved")
	}
	stored, lerr := results.Load(run.Dir)
	if lerr != nil {
		t.Fatal(lerr)
	}
	if len(stored.Repetitions) != 2 || stored.Repetitions[1].Endpoints[0].Requests == 0 {
		t.Errorf("run.json holds %d repetitions, want both measured (the second with its requests)", len(stored.Repetitions))
	}
	if stored.Complete || !strings.Contains(stored.IncompleteReason, "raw results") {
		t.Errorf("stored complete=%v reason=%q, want incomplete because of the raw results", stored.Complete, stored.IncompleteReason)
	}
	if len(*made) < 2 || (*made)[0].ended != "commit" || (*made)[1].ended != "abort" {
		t.Errorf("raw files ended %v, want the first committed and the second aborted", *made)
	}
	checkOnly(t, filepath.Join(run.Dir, "raw", "repetitions"), "rep-01-get.bin")
	// The run's stream holds the first repetition, if it is valid: the
	// second's raw results are lost.
	if stored.Repetitions[0].Valid() {
		checkOnly(t, filepath.Join(run.Dir, "raw"), "repetitions", "results.bin")
		if n := countRaw(t, filepath.Join(run.Dir, "raw", "results.bin")); n != stored.Repetitions[0].Endpoints[0].Requests {
			t.Errorf("results.bin holds %d results, want the %d of repetition 1", n, stored.Repetitions[0].Endpoints[0].Requests)
		}
	} else {
		checkOnly(t, filepath.Join(run.Dir, "raw"), "repetitions")
	}
}

// countRaw counts the results of a raw results file.
func countRaw(t *testing.T, path string) int64 {
	t.Helper()
	var n int64
	if err := eachResult(path, func(*vegeta.Result) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// When run.json cannot be saved either, Run returns no run (nothing may
// claim that what was measured is kept) and says what the folder holds.
func TestRunJSONThatCannotBeSavedIsNotClaimedKept(t *testing.T) {
	srv := quietServer(t)
	// jam replaces run.json by a folder at the first hit of repetition
	// rep, so the save after that repetition fails.
	jam := func(dir string) {
		path := filepath.Join(dir, "run.json")
		os.Remove(path)
		os.Mkdir(path, 0o755)
	}
	tests := []struct {
		name string
		runs int
		rep  int  // the repetition whose save fails
		raw  bool // and whose raw file fills the disk
		want []string
	}{
		{"a save that fails after the first repetition", 2, 1, false,
			[]string{"run.json", "holds 0 of the 1 repetitions measured; free space and run again"}},
		{"a save that fails after the second", 2, 2, false,
			[]string{"holds 1 of the 2 repetitions measured"}},
		{"a full disk for raw results and run.json", 2, 1, true,
			[]string{"the raw results of get could not be written", "no space left on device", "and run.json could not be saved either", "holds 0 of the 1 repetitions measured"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := results.Open(t.TempDir())
			sc := scenario(srv, 100, 500*time.Millisecond)
			sc.Runs = tt.runs
			opts := Options{Store: store}
			opts.pauseHook = func(r int, n uint64) {
				if r == tt.rep && n == 1 {
					dirs, _ := filepath.Glob(filepath.Join(store.Dir, sc.Name, "*"))
					jam(dirs[0])
				}
			}
			if tt.raw {
				opts.Raw = true
				opts.createRaw, _ = fillingDisk(tt.rep, 1000)
			}
			run, err := Run(context.Background(), sc, opts)
			if run != nil || !errors.Is(err, ErrNotSaved) {
				t.Fatalf("Run = %v, %v; want no run and ErrNotSaved", run, err)
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("err = %q, want it to say %q", err, want)
				}
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("err is not one line: %q", err)
			}
		})
	}
}

// Raw files are written under an unpredictable temporary name and renamed
// into place when the repetition ends (issue 9 item 1).
func TestRawFilesAreRenamedIntoPlace(t *testing.T) {
	srv := quietServer(t)
	sc := scenario(srv, 100, time.Second)
	store := results.Open(t.TempDir())
	var during []string
	opts := Options{Store: store, Raw: true}
	opts.pauseHook = func(rep int, n uint64) {
		if n == 50 {
			during, _ = filepath.Glob(filepath.Join(store.Dir, sc.Name, "*", "raw", "*", "*"))
		}
	}
	run, err := Run(context.Background(), sc, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(during) != 1 || !strings.HasPrefix(filepath.Base(during[0]), ".rep-01-get.bin.") {
		t.Errorf("during the load raw/ held %q, want one hidden temporary file", during)
	}
	checkOnly(t, filepath.Join(run.Dir, "raw", "repetitions"), "rep-01-get.bin")
}
