package results

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hotbench/hotbench/internal/safefile"
)

// Kinds of saved verdicts.
const (
	VerdictCompare = "compare"
	VerdictGate    = "gate"
	// VerdictAB is `hotbench ab --save`: a comparison with the session's
	// gate decision.
	VerdictAB = "ab"
)

var verdictFileRE = regexp.MustCompile(`^([0-9]{8}T[0-9]{6}Z)-(compare|gate|ab)(-[0-9]+)?\.json$`)

// SavedVerdict is one verdict saved by SaveVerdict.
type SavedVerdict struct {
	Kind     string
	Scenario string
	// At is the time given to SaveVerdict, to the second, in UTC.
	At   time.Time
	Path string
	Data json.RawMessage
}

// SaveVerdict stores the JSON output of a compare or gate, so the monthly
// report can show the month's verdicts. It writes
// <Dir>/<scenario>/verdicts/<UTC time>-<kind>.json atomically (…-2.json and
// so on for verdicts of the same second) and returns the path. It holds the
// folder's lock while it picks the name, and fails with ErrLocked after
// LockTimeout.
func (s *Store) SaveVerdict(kind, scenario string, at time.Time, data []byte) (string, error) {
	if kind != VerdictCompare && kind != VerdictGate && kind != VerdictAB {
		return "", fmt.Errorf("save verdict: kind %q is not %s, %s or %s", kind, VerdictCompare, VerdictGate, VerdictAB)
	}
	if err := checkScenarioName(scenario); err != nil {
		return "", fmt.Errorf("save verdict: %w", err)
	}
	if !json.Valid(data) {
		return "", fmt.Errorf("save verdict: the %s verdict is not valid JSON", kind)
	}
	folder := filepath.Join(s.Dir, scenario, verdictsDir)
	if err := os.MkdirAll(folder, 0o755); err != nil {
		return "", fmt.Errorf("save verdict: %w", err)
	}
	unlock, err := s.lock()
	if err != nil {
		return "", fmt.Errorf("save verdict: %w", err)
	}
	defer unlock()
	base := at.UTC().Format(timeLayout) + "-" + kind
	for i := 1; i <= 1000; i++ {
		name := base + ".json"
		if i > 1 {
			name = fmt.Sprintf("%s-%d.json", base, i)
		}
		path := filepath.Join(folder, name)
		// Never overwrite a verdict, even one saved at the same moment by a
		// writer that does not take the lock: the name is claimed
		// atomically. Whatever holds a name already, even a link, is kept.
		err := safefile.WriteFile(path, data, 0o644, safefile.NoReplace(), safefile.RegularOnly())
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("save verdict: %w", err)
		}
		return path, nil
	}
	return "", fmt.Errorf("save verdict: %s and 999 numbered variants exist in %s", base+".json", folder)
}

// Verdicts returns the saved verdicts of a scenario (of every scenario when
// scenario is "") whose time is in [from, to), oldest first. A zero from or
// to leaves that end open. Like List, it returns the readable verdicts with
// an error that joins one line per unreadable file.
func (s *Store) Verdicts(scenario string, from, to time.Time) ([]SavedVerdict, error) {
	names := []string{scenario}
	if scenario == "" {
		var err error
		if names, err = s.scenarioFolders(); err != nil {
			return nil, err
		}
	} else if err := checkScenarioName(scenario); err != nil {
		return nil, err
	}
	type item struct {
		v   SavedVerdict
		seq int // 2 for …-2.json: same-second verdicts keep their order
	}
	var items []item
	var problems []error
	for _, name := range names {
		folder := filepath.Join(s.Dir, name, verdictsDir)
		entries, err := os.ReadDir(folder)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			problems = append(problems, fmt.Errorf("read verdicts: %w", err))
			continue
		}
		for _, e := range entries {
			path := filepath.Join(folder, e.Name())
			if strings.HasPrefix(e.Name(), ".") || !strings.HasSuffix(e.Name(), ".json") {
				continue // temporary files and whatever else is not ours
			}
			m := verdictFileRE.FindStringSubmatch(e.Name())
			if m == nil {
				problems = append(problems, fmt.Errorf("%s is not named like a saved verdict (TIME-compare.json or TIME-gate.json); rename or delete it", path))
				continue
			}
			at, _ := time.Parse(timeLayout, m[1]) // the pattern admits impossible dates such as month 13
			if at.IsZero() || (!from.IsZero() && at.Before(from)) || (!to.IsZero() && !at.Before(to)) {
				if at.IsZero() {
					problems = append(problems, fmt.Errorf("%s has no valid time in its name; rename or delete it", path))
				}
				continue
			}
			data, err := os.ReadFile(path)
			if err != nil {
				problems = append(problems, fmt.Errorf("read verdict: %w", err))
				continue
			}
			if !json.Valid(data) {
				problems = append(problems, fmt.Errorf("%s is not valid JSON; delete it or restore it", path))
				continue
			}
			seq, _ := strconv.Atoi(strings.TrimPrefix(m[3], "-"))
			items = append(items, item{SavedVerdict{Kind: m[2], Scenario: name, At: at, Path: path, Data: data}, seq})
		}
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		switch {
		case !a.v.At.Equal(b.v.At):
			return a.v.At.Before(b.v.At)
		case a.v.Scenario != b.v.Scenario:
			return a.v.Scenario < b.v.Scenario
		case a.v.Kind != b.v.Kind:
			return a.v.Kind < b.v.Kind
		}
		return a.seq < b.seq
	})
	out := make([]SavedVerdict, len(items))
	for i, it := range items {
		out[i] = it.v
	}
	return out, errors.Join(problems...)
}

// Scenarios lists the scenarios that have runs or saved verdicts, sorted.
func (s *Store) Scenarios() ([]string, error) {
	names, err := s.scenarioFolders()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, name := range names {
		entries, err := os.ReadDir(filepath.Join(s.Dir, name))
		if err != nil {
			return nil, fmt.Errorf("list scenarios: %w", err)
		}
		for _, e := range entries {
			dir := filepath.Join(s.Dir, name, e.Name())
			if !isDir(dir, e) {
				continue
			}
			if e.Name() == verdictsDir || runFolderRE.MatchString(e.Name()) {
				out = append(out, name)
				break
			}
		}
	}
	sort.Strings(out)
	return out, nil
}
