package results

import "sort"

// References lists references that name stored runs, for completing them
// in a shell: scenario@latest for every scenario with runs, then
// scenario@LABEL for each of its labels, newest first, spelled as the
// run's folder spells the label (lower case, no spaces: nothing to quote),
// which Resolve reads as the label. With baselines, the baseline names
// follow. Unreadable runs are left out: completion has nowhere to report
// them, and ls names them.
func (s *Store) References(baselines bool) []string {
	runs, _ := s.List() // newest first
	var out []string
	seen := map[string]bool{}
	add := func(ref string) {
		if !seen[ref] {
			seen[ref] = true
			out = append(out, ref)
		}
	}
	byScenario := map[string][]RunInfo{}
	for _, r := range runs {
		byScenario[r.Scenario] = append(byScenario[r.Scenario], r)
	}
	for _, name := range sortedKeys(byScenario) {
		add(name + "@latest")
		for _, r := range byScenario[name] {
			if r.Label != "" {
				add(name + "@" + folderLabel(r.Label))
			}
		}
	}
	if baselines {
		all, _ := s.Baselines()
		for _, n := range sortedKeys(all) {
			add(n)
		}
	}
	return out
}

// Months lists the calendar months (UTC, YYYY-MM) in which stored runs
// started, newest first: the months a monthly report can draw.
func (s *Store) Months() []string {
	runs, _ := s.List()
	var out []string
	seen := map[string]bool{}
	for _, r := range runs {
		if m := r.Start.UTC().Format("2006-01"); !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(out)))
	return out
}
