package results

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestRemove(t *testing.T) {
	t.Run("a run is gone from the folder, the list and its references", func(t *testing.T) {
		s, dirs := resolveStore(t)
		dangling, err := s.Remove([]string{dirs["after"]}, false)
		if err != nil || dangling != nil {
			t.Fatalf("Remove = %v, %v", dangling, err)
		}
		if _, err := os.Stat(dirs["after"]); !os.IsNotExist(err) {
			t.Errorf("the folder is still there: %v", err)
		}
		runs, err := s.List()
		if err != nil || len(runs) != 4 {
			t.Errorf("List after removing one of 5 runs: %d runs, %v", len(runs), err)
		}
		if _, err := s.Resolve("manual-search@after-fix"); err == nil {
			t.Error("the removed run still resolves")
		}
		entries, _ := os.ReadDir(filepath.Dir(dirs["after"]))
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".removing-") {
				t.Errorf("left %s behind", e.Name())
			}
		}
	})
	t.Run("a run a baseline names is refused, and nothing is removed", func(t *testing.T) {
		s, dirs := resolveStore(t)
		_, err := s.Remove([]string{dirs["after"], dirs["before"]}, false)
		var use *BaselineUseError
		if !errors.As(err, &use) || !reflect.DeepEqual(use.Uses, map[string][]string{"main": {dirs["before"]}}) {
			t.Fatalf("Remove = %v", err)
		}
		for _, want := range []string{"baseline main names " + dirs["before"], "hotbench baseline rm main", "--force"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("the refusal does not say %q: %v", want, err)
			}
		}
		for _, d := range []string{dirs["after"], dirs["before"]} {
			if _, err := os.Stat(filepath.Join(d, runFile)); err != nil {
				t.Errorf("%s was removed: %v", d, err)
			}
		}
	})
	t.Run("with force it is removed and the baseline named as dangling", func(t *testing.T) {
		s, dirs := resolveStore(t)
		dangling, err := s.Remove([]string{dirs["before"]}, true)
		if err != nil || !reflect.DeepEqual(dangling, map[string][]string{"main": {dirs["before"]}}) {
			t.Fatalf("Remove = %v, %v", dangling, err)
		}
		if _, err := s.Resolve("main"); err == nil || !strings.Contains(err.Error(), "set the baseline again") {
			t.Errorf("resolving the dangling baseline: %v", err)
		}
	})
	t.Run("the last run takes its empty scenario folder along", func(t *testing.T) {
		s, dirs := resolveStore(t)
		if _, err := s.Remove([]string{dirs["login"]}, false); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(s.Dir, "login")); !os.IsNotExist(err) {
			t.Errorf("the login folder is still there: %v", err)
		}
	})
	t.Run("only runs stored in the folder are removed", func(t *testing.T) {
		s, dirs := resolveStore(t)
		other := Open(t.TempDir())
		r := &Run{Scenario: testScenario(1), Label: "x", Start: testStart, FormatVersion: FormatVersion}
		mustCreate(t, other, r)
		for _, d := range []string{r.Dir, s.Dir, filepath.Join(s.Dir, "manual-search"), filepath.Dir(dirs["after"]) + "/nothing"} {
			if _, err := s.Remove([]string{d}, true); err == nil {
				t.Errorf("Remove(%s) succeeded", d)
			}
		}
		if _, err := os.Stat(r.Dir); err != nil {
			t.Errorf("a run outside the store was removed: %v", err)
		}
	})
}

func TestResolveRun(t *testing.T) {
	s, dirs := resolveStore(t)
	if d, err := s.ResolveRun("manual-search@before"); err != nil || d != dirs["before"] {
		t.Errorf("scenario@label: %s, %v", d, err)
	}
	if d, err := s.ResolveRun(dirs["after"]); err != nil || d != dirs["after"] {
		t.Errorf("a folder: %s, %v", d, err)
	}
	for _, ref := range []string{"main", "baseline:main"} {
		if _, err := s.ResolveRun(ref); err == nil || !strings.Contains(err.Error(), "main is a baseline") {
			t.Errorf("%s: %v", ref, err)
		}
	}
}

func TestListCountsValidRepetitions(t *testing.T) {
	s := Open(t.TempDir())
	r := &Run{Scenario: testScenario(1), Label: "x", Start: testStart, FormatVersion: FormatVersion,
		Repetitions: []Repetition{{Index: 1, Complete: true}, {Index: 2, Complete: true, Invalid: []string{"lag"}}, {Index: 3}}}
	mustCreate(t, s, r)
	runs, err := s.List()
	if err != nil || len(runs) != 1 || runs[0].Repetitions != 3 || runs[0].Valid != 1 {
		t.Errorf("List = %+v, %v; want 1 valid of 3", runs, err)
	}
}
