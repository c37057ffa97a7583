package results

import (
	"reflect"
	"slices"
	"testing"
)

func TestReferencesAndMonths(t *testing.T) {
	s, _ := resolveStore(t)
	got := s.References(true)
	// Labels as their folders spell them ("After Fix" is after-fix), newest
	// first; the unlabelled run is reached by @latest; baselines last.
	want := []string{"login@latest", "login@base", "manual-search@latest", "manual-search@after-fix", "manual-search@before", "main"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("References(true) = %q, want %q", got, want)
	}
	for _, ref := range got {
		if _, err := s.Resolve(ref); err != nil {
			t.Errorf("%s does not resolve: %v", ref, err)
		}
	}
	if got := s.References(false); slices.Contains(got, "main") {
		t.Errorf("References(false) lists the baseline: %q", got)
	}
	if got := s.Months(); !reflect.DeepEqual(got, []string{"2026-11"}) {
		t.Errorf("Months() = %q", got)
	}
	if got := Open(t.TempDir()).References(true); got != nil {
		t.Errorf("an empty store: %q", got)
	}
}
