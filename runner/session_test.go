package runner

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// A session driven by hand (Begin, two repetitions, Finish) stores the
// run Run stores for runs: 2, and what its caller changed between
// repetitions (as hotbench ab rewrites the stored target) goes into
// run.json with the next save.
func TestSessionByHandIsShapedLikeRun(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	sc := scenario(srv.URL, 50, 400*time.Millisecond)
	sc.Runs = 2
	sc.Load.Retries = 0 // a repetition a busy machine spoils stays in both
	git := &results.Git{Commit: "0123456789abcdef0123456789abcdef01234567", Dirty: true}

	want, err := Run(context.Background(), sc, Options{Store: results.Open(t.TempDir()), Label: "test"})
	if err != nil {
		t.Fatal(err)
	}

	var progress bytes.Buffer
	s, err := Begin(context.Background(), sc, Options{Store: results.Open(t.TempDir()), Label: "test", Git: git, Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	if stored, err := results.Load(s.Run().Dir); err != nil || len(stored.Repetitions) != 0 {
		t.Fatalf("Begin stored %v (%v), want the run folder with no repetitions yet", stored, err)
	}
	s.SetPlanned(4)
	for i := 1; i <= 2; i++ {
		s.Run().Scenario.Description = "block " + strconv.Itoa(i)
		rep, err := s.Repetition(context.Background(), false)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Index != i || len(s.Run().Repetitions) != i {
			t.Fatalf("repetition %d has index %d, the run %d repetitions", i, rep.Index, len(s.Run().Repetitions))
		}
		stored, err := results.Load(s.Run().Dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(stored.Repetitions) != i || stored.Scenario.Description != "block "+strconv.Itoa(i) {
			t.Errorf("after repetition %d run.json holds %d repetitions and description %q: want each saved with the caller's change", i, len(stored.Repetitions), stored.Scenario.Description)
		}
	}
	s.Run().Scenario.Description = "all blocks"
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	got, err := s.Finish(nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Repetition(context.Background(), false); err == nil {
		t.Error("Repetition after Finish ran")
	}

	stored, err := results.Load(got.Dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []*results.Run{got, stored} {
		if r.Label != want.Label || r.ScenarioHash != want.ScenarioHash || r.Complete != want.Complete || len(r.Repetitions) != len(want.Repetitions) {
			t.Errorf("session's run: label %q hash %s complete %v %d repetitions; Run's: %q %s %v %d",
				r.Label, r.ScenarioHash, r.Complete, len(r.Repetitions), want.Label, want.ScenarioHash, want.Complete, len(want.Repetitions))
		}
		for i, rep := range r.Repetitions {
			w := want.Repetitions[i]
			if rep.Index != w.Index || rep.Retry != w.Retry || len(rep.Endpoints) != len(w.Endpoints) || rep.Endpoints[0].Requests != w.Endpoints[0].Requests {
				t.Errorf("repetition %d: index %d retry %v requests %d, Run's %d %v %d", i, rep.Index, rep.Retry, rep.Endpoints[0].Requests, w.Index, w.Retry, w.Endpoints[0].Requests)
			}
		}
		if r.Git != *git {
			t.Errorf("git %+v, want the caller's %+v", r.Git, *git)
		}
		if r.Scenario.Description != "all blocks" {
			t.Errorf("description %q, want the caller's", r.Scenario.Description)
		}
	}
	// Two repetitions valid of four planned: Finish says so, as Run does
	// of sc.Runs.
	if !hasWarning(got, "only 2 of 4 repetitions are valid") {
		t.Errorf("warnings %q, want the plan's shortfall", got.Warnings)
	}
	if !strings.Contains(progress.String(), "rep 2/4") {
		t.Errorf("progress %q, want rep 2/4 of the plan", progress.String())
	}
}

// A retry adds one to the plan progress shows, as in Run; the repetition
// is stored as a retry.
func TestSessionRetryIsMarked(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	sc := scenario(srv.URL, 50, 200*time.Millisecond)
	var progress bytes.Buffer
	s, err := Begin(context.Background(), sc, Options{Store: results.Open(t.TempDir()), Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Repetition(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	rep, err := s.Repetition(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Retry || rep.Index != 2 {
		t.Errorf("repetition %d retry %v, want 2 marked as a retry", rep.Index, rep.Retry)
	}
	if !strings.Contains(progress.String(), "rep 2/2 (retry)") {
		t.Errorf("progress %q, want rep 2/2 (retry)", progress.String())
	}
	run, err := s.Finish(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Repetitions) != 2 || !run.Complete {
		t.Errorf("%d repetitions, complete %v", len(run.Repetitions), run.Complete)
	}
}

// Begin fails as Run does before any load: nothing is created.
func TestBeginChecksBeforeCreating(t *testing.T) {
	dir := t.TempDir()
	_, err := Begin(context.Background(), scenario("http://"+freeAddr(t), 10, time.Second), Options{Store: results.Open(dir)})
	if err == nil || !strings.Contains(err.Error(), "unreachable") {
		t.Fatalf("err = %v, want the unreachable target", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a run folder was created: %v", entries)
	}
	if _, err := Begin(context.Background(), &scenarios.Scenario{}, Options{}); err == nil {
		t.Error("Begin without a store succeeded")
	}
}

// An interrupted repetition is appended, not saved; Finish saves it and
// marks the run incomplete, as Run does.
func TestSessionInterruptedRepetitionIsFinished(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	sc := scenario(srv.URL, 50, 20*time.Second)
	s, err := Begin(context.Background(), sc, Options{Store: results.Open(t.TempDir())})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	_, repErr := s.Repetition(ctx, false)
	if !errors.Is(repErr, ErrInterrupted) {
		t.Fatalf("err = %v, want ErrInterrupted", repErr)
	}
	run, err := s.Finish(repErr)
	if !errors.Is(err, ErrInterrupted) || run == nil {
		t.Fatalf("Finish: run %v err %v, want the run and ErrInterrupted", run != nil, err)
	}
	stored, err := results.Load(run.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Complete || len(stored.Repetitions) != 1 {
		t.Errorf("stored complete %v with %d repetitions, want incomplete with the interrupted one", stored.Complete, len(stored.Repetitions))
	}
}

// Run().AB set between repetitions is stored with the next save.
func TestSessionSavesTheCallersAB(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	s, err := Begin(context.Background(), scenario(srv.URL, 50, 200*time.Millisecond), Options{Store: results.Open(t.TempDir())})
	if err != nil {
		t.Fatal(err)
	}
	s.Run().AB = &results.AB{Side: "base", Seed: 7, Order: []string{"ABBA"}, Blocks: 1}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Repetition(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	run, err := s.Finish(nil)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := results.Load(run.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if stored.AB == nil || stored.AB.Seed != 7 || len(stored.Repetitions) != 1 {
		t.Errorf("stored ab %+v with %d repetitions, want the caller's ab and the repetition", stored.AB, len(stored.Repetitions))
	}
}
