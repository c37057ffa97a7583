package report

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// The fix log: each hotspot a saved verdict of the month found improved,
// with the ticket, pull request, commits and note the verdict was saved
// with, the measured change with each side's interval, and the profile.
func TestFixLog(t *testing.T) {
	m, err := BuildMonth(context.Background(), monthFixture(t), day(1, 0), quick)
	if err != nil {
		t.Fatal(err)
	}
	fixes := m.Scenarios[1].Fixes
	if len(fixes) != 3 {
		t.Fatalf("%d fixes, want search-regexp by the compare of Nov 16, and both hotspots by the gate of Nov 23", len(fixes))
	}
	f := fixes[0]
	if f.Hotspot != "search-regexp" || f.TrackedAs() != "PERF-12, PR #41" || !strings.HasPrefix(f.Note, "compile the search pattern once") {
		t.Errorf("the regexp fix: %+v", f)
	}
	if len(f.BaseCommits) != 1 || len(f.CandCommits) != 1 || !strings.Contains(f.CommitsText(), " → ") {
		t.Errorf("the regexp fix's commits: %q", f.CommitsText())
	}
	if got := f.ChangeText(); !strings.HasPrefix(got, "p99 47.5ms [") || !strings.Contains(got, "] → 3.54ms [") || !strings.Contains(got, "(-92.5%, p=0.0022, n=6+6)") {
		t.Errorf("the measured change: %q", got)
	}
	if !strings.HasPrefix(f.Profile, "regexp.Compile 55.3% → 3.06% of CPU (-52.2 pp, p=0.0022)") {
		t.Errorf("the profile evidence: %q", f.Profile)
	}
	if fixes[1].TrackedAs() != "–" || fixes[1].CommitsText() != "–" {
		t.Errorf("a gate saved without a fix log has ticket %q and commits %q", fixes[1].TrackedAs(), fixes[1].CommitsText())
	}
	var page bytes.Buffer
	if err := m.WriteHTML(&page); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<h3>Fixed this month</h3>", "PERF-12, PR #41", "“compile the search pattern once per query shape"} {
		if !strings.Contains(page.String(), want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if minutes := strings.Join(m.Minutes(), "\n"); !strings.Contains(minutes, "Fixed this month, by saved verdicts: search-regexp (PERF-12, PR #41); steps-n-plus-one.") {
		t.Errorf("the minutes do not list the fixes:\n%s", minutes)
	}
}

// A verdict that is not one (no "base") is named among the month's
// warnings by parseVerdict; parseFixes refuses it too.
func TestParseFixesRefusesWhatIsNotAVerdict(t *testing.T) {
	if _, err := parseFixes([]byte(`{"rows": []}`), "compare", day(3, 0)); err == nil {
		t.Error("parseFixes read a file without a base")
	}
}
