package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/hotbench/hotbench/metric"
)

// Edit is what `hotbench calibrate --write` changes in a scenario file.
type Edit struct {
	// Runs sets the top-level runs; 0 leaves it as it is.
	Runs int
	// MaxRegression sets entries of gate.max_regression: a key as the file
	// writes it ("p99", "search.p99") to a value as the file writes it
	// ("12%"). The file's other entries stay; a file without
	// max_regression gets the default policy's entries with these over
	// them, so that setting one limit does not lift the others.
	MaxRegression map[string]string
	// Calibration replaces the calibration: block; nil leaves it.
	Calibration *Calibration
}

func (e Edit) empty() bool { return e.Runs == 0 && len(e.MaxRegression) == 0 && e.Calibration == nil }

// ErrNotYAML is what EditYAML and WriteCalibration return (wrapped, with
// what to set by hand) for a TOML or JSON scenario file: only YAML files
// are edited in place.
var ErrNotYAML = errors.New("calibrate --write edits YAML scenario files only")

type notYAMLError struct{ msg string }

func (e *notYAMLError) Error() string        { return e.msg }
func (e *notYAMLError) Is(target error) bool { return target == ErrNotYAML }

func notYAML(name string, e Edit) error {
	var set []string
	if e.Runs != 0 {
		set = append(set, "runs: "+strconv.Itoa(e.Runs))
	}
	if len(e.MaxRegression) > 0 {
		set = append(set, "gate.max_regression "+flowText(limitEntries(e.MaxRegression)))
	}
	if len(set) == 0 {
		return &notYAMLError{fmt.Sprintf("calibrate --write edits YAML scenario files: %s is left as it is", name)}
	}
	return &notYAMLError{fmt.Sprintf("calibrate --write edits YAML scenario files: set %s by hand in %s", strings.Join(set, " and "), name)}
}

// WriteFunc replaces the file at path with data atomically, giving a new
// file perm; the command passes internal/safefile's WriteFile, which this
// package may not import (docs/design.md).
type WriteFunc func(path string, data []byte, perm fs.FileMode) error

// WriteCalibration applies e to the YAML scenario file at path (see
// EditYAML) and, when that changes it, writes the result with write, with
// the file's own permissions. On any error the file is left as it was. A
// TOML or JSON file is not read: the error (ErrNotYAML) says what to set by
// hand.
func WriteCalibration(path string, e Edit, write WriteFunc) error {
	if formats[strings.ToLower(filepath.Ext(path))] != "yaml" {
		return notYAML(path, e)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("calibrate --write: %w", err)
	}
	data, err := readFile(osFile(path), MaxFileSize)
	if err != nil {
		return fmt.Errorf("calibrate --write: %w", err)
	}
	out, err := EditYAML(path, data, e)
	if err != nil || bytes.Equal(out, data) {
		return err
	}
	return write(path, out, fi.Mode().Perm())
}

// EditYAML returns data, the YAML scenario file name, with e applied to
// its text: runs and the entries of gate.max_regression get their new
// values where they are written, or new lines where they are not (runs
// after load, gate at the end), and the calibration: block is replaced, or
// added at the end. Every other byte stays: comments (a value's own
// comment too, at its column where it fits), blank lines, key order,
// quoting, indentation, CR LF line ends. Applying the same edit twice
// gives the same bytes.
//
// The file must load before the edit, the edit must be valid for it, and
// the result must load and hold the edit; otherwise EditYAML fails and
// returns no text. A file it cannot edit safely (a flow mapping over
// several lines, a merge key where it edits, mixed line ends) is an error
// that says what to set by hand.
func EditYAML(name string, data []byte, e Edit) ([]byte, error) {
	if formats[strings.ToLower(filepath.Ext(name))] != "yaml" {
		return nil, notYAML(name, e)
	}
	orig, err := LoadBytes(name, data, nil)
	if err != nil {
		return nil, fmt.Errorf("calibrate --write: %s does not load as it is; fix it first:\n%w", name, err)
	}
	if err := e.check(orig); err != nil {
		return nil, fmt.Errorf("calibrate --write %s: %w", name, err)
	}
	if e.empty() {
		return data, nil
	}
	t, err := newYAMLFile(data)
	if err == nil && e.Runs != 0 {
		err = t.setRuns(e.Runs)
	}
	if err == nil && len(e.MaxRegression) > 0 {
		err = t.reparse(t.setMaxRegression(limitEntries(e.MaxRegression)))
	}
	if err == nil && e.Calibration != nil {
		err = t.reparse(t.setCalibration(e.Calibration))
	}
	if err != nil {
		return nil, fmt.Errorf("calibrate --write %s: %w", name, err)
	}
	out := t.bytes()
	edited, err := LoadBytes(name, out, nil)
	if err != nil {
		return nil, fmt.Errorf("calibrate --write: the edited %s would not load, so it was left as it is (a bug: please report it with the file):\n%w", name, err)
	}
	if err := e.took(out, edited); err != nil {
		return nil, fmt.Errorf("calibrate --write: the edit of %s did not take, so it was left as it is (a bug: please report it with the file): %w", name, err)
	}
	return out, nil
}

// reparse locates the keys again after an edit that succeeded.
func (t *yamlFile) reparse(err error) error {
	if err != nil {
		return err
	}
	if err := t.parse(); err != nil {
		return fmt.Errorf("the edited text does not parse (a bug: please report it with the file): %w", err)
	}
	return nil
}

// check reports an edit that could never load in s: each problem as
// Validate words it, at the field it would set.
func (e Edit) check(s *Scenario) error {
	v := &validator{}
	if e.Runs != 0 {
		if err := CheckRuns(e.Runs); err != nil {
			v.add("runs", "%v", err)
		}
	}
	if len(e.MaxRegression) > 0 {
		limits := map[string]Quantity{}
		for _, key := range sortedKeys(e.MaxRegression) {
			_, name := metric.SplitKey(key)
			text := strings.TrimSpace(e.MaxRegression[key])
			if text == "" {
				v.add("gate.max_regression."+key, "needs a value, like %s", exampleValue(name))
				continue
			}
			// Validate parses the text, and says what is wrong with it.
			limits[key] = Quantity{Text: text}
		}
		v.limits("gate.max_regression", limits, true, endpointNames(s.Endpoints))
	}
	if e.Calibration != nil {
		v.calibration(e.Calibration, endpointNames(s.Endpoints))
	}
	if len(v.errs) > 0 {
		return ErrorList(v.errs)
	}
	return nil
}

// took checks that the edited text, which loads as s, holds the edit.
func (e Edit) took(out []byte, s *Scenario) error {
	t, err := newYAMLFile(out)
	if err != nil {
		return err
	}
	if e.Runs != 0 {
		if _, v := pair(t.root, "runs"); v == nil || v.Value != strconv.Itoa(e.Runs) {
			return fmt.Errorf("runs is not %d", e.Runs)
		}
	}
	if len(e.MaxRegression) > 0 {
		_, g := pair(t.root, "gate")
		var m *yaml.Node
		if g != nil && g.Kind == yaml.MappingNode {
			_, m = pair(g, "max_regression")
		}
		for _, want := range limitEntries(e.MaxRegression) {
			found := false
			for i := 0; m != nil && m.Kind == yaml.MappingNode && i+1 < len(m.Content); i += 2 {
				if sameLimit(m.Content[i].Value, want.key) && m.Content[i+1].Value == want.value {
					found = true
				}
			}
			if !found {
				return fmt.Errorf("gate.max_regression.%s is not %s", want.key, want.value)
			}
		}
	}
	if e.Calibration != nil {
		if s.Calibration == nil || !slices.Equal(calibrationLines(s.Calibration, ""), calibrationLines(e.Calibration, "")) {
			return errors.New("the calibration block reads back differently")
		}
	}
	return nil
}

// setRuns gives runs its value where it is written, or adds it after the
// load block (before endpoints, or at the end, without one).
func (t *yamlFile) setRuns(n int) error {
	text := strconv.Itoa(n)
	if _, v := pair(t.root, "runs"); v != nil {
		return t.setScalar("runs", v, text)
	}
	line := t.rootIndent() + "runs: " + text
	if k, v := pair(t.root, "load"); k != nil {
		at := t.blockEnd(k, v) + 1
		if at < len(t.lines) && isBlank(t.lines[at]) {
			t.insert(at, "", line) // load, blank, runs, blank, endpoints
		} else {
			t.insert(at, line)
		}
	} else if k, _ := pair(t.root, "endpoints"); k != nil {
		at := t.blockStart(k)
		if at > 0 && isBlank(t.lines[at-1]) {
			t.insert(at, line, "")
		} else {
			t.insert(at, line)
		}
	} else {
		t.addTop("calibration", line)
	}
	return t.parse()
}

// setMaxRegression sets entries of gate.max_regression, in whichever style
// the file writes gate and max_regression.
func (t *yamlFile) setMaxRegression(entries []flowEntry) error {
	const field = "gate.max_regression"
	full := withDefaultLimits(entries) // for a max_regression written nowhere
	gk, gv := pair(t.root, "gate")
	switch {
	case gk == nil:
		t.addTop("calibration", t.rootIndent()+"gate:", t.rootIndent()+t.step()+"max_regression: "+flowText(full))
		return nil
	case gv.Kind == yaml.AliasNode || gv.Kind == yaml.MappingNode && hasMerge(gv):
		return fmt.Errorf("gate comes from elsewhere (an alias or a merge key): set %s by hand", field)
	case isNull(gv):
		if implicitNull(gv) {
			at := t.blockEnd(gk, gv) + 1
			t.insert(at, strings.Repeat(" ", gk.Column-1)+t.step()+"max_regression: "+flowText(full))
			return nil
		}
		return t.setScalar("gate", gv, "{max_regression: "+flowText(full)+"}")
	case gv.Kind != yaml.MappingNode:
		return errors.New("gate is not a mapping: fix it first")
	}
	mk, mv := pair(gv, "max_regression")
	if isFlow(gv) {
		mr := flowText(full)
		if mk != nil && !isNull(mv) {
			if mv.Kind != yaml.MappingNode || !isFlow(mv) {
				return fmt.Errorf("%s is not a mapping: fix it first", field)
			}
			var err error
			if _, _, _, mr, err = t.rewriteFlow(field, mv, entries, sameLimit); err != nil {
				return err
			}
		}
		li, open, end, text, err := t.rewriteFlow("gate", gv, []flowEntry{{"max_regression", mr}}, func(a, b string) bool { return a == b })
		if err != nil {
			return err
		}
		t.setText(li, open, end, text)
		return nil
	}
	switch {
	case mk == nil:
		t.insert(t.afterEntries(gv), strings.Repeat(" ", gv.Content[0].Column-1)+"max_regression: "+flowText(full))
		return nil
	case isNull(mv):
		return t.setScalar(field, mv, flowText(full))
	case mv.Kind == yaml.MappingNode && isFlow(mv):
		li, open, end, text, err := t.rewriteFlow(field, mv, entries, sameLimit)
		if err != nil {
			return err
		}
		t.setText(li, open, end, text)
		return nil
	case mv.Kind != yaml.MappingNode:
		return fmt.Errorf("%s is not a mapping: fix it first", field)
	case hasMerge(mv):
		return fmt.Errorf("%s takes entries from elsewhere (a merge key): set it by hand", field)
	}
	var missing []string
	indent := strings.Repeat(" ", mv.Content[0].Column-1)
	for _, e := range entries {
		found := false
		for i := 0; i+1 < len(mv.Content); i += 2 {
			if sameLimit(mv.Content[i].Value, e.key) {
				found = true
				if err := t.setScalar(field+"."+mv.Content[i].Value, mv.Content[i+1], e.value); err != nil {
					return err
				}
			}
		}
		if !found {
			missing = append(missing, indent+e.key+": "+e.value)
		}
	}
	t.insert(t.afterEntries(mv), missing...)
	return nil
}

// setCalibration replaces the calibration block, keeping its key's line
// (and its comment) when the block is in block style, or adds it at the
// end.
func (t *yamlFile) setCalibration(c *Calibration) error {
	const header = "calibration:                  # written by `hotbench calibrate --write`: a record, not a setting"
	k, v := pair(t.root, "calibration")
	if k == nil {
		lines := append([]string{t.rootIndent() + header}, calibrationLines(c, t.rootIndent()+t.step())...)
		at := len(t.lines)
		for at > 0 && isBlank(t.lines[at-1]) {
			at--
		}
		if t.spaced() && at > 0 {
			lines = append([]string{""}, lines...)
		}
		t.insert(at, lines...)
		t.finalNL = true
		return nil
	}
	end := t.blockEnd(k, v)
	if v.Kind == yaml.MappingNode && !isFlow(v) && !hasMerge(v) {
		indent := strings.Repeat(" ", v.Content[0].Column-1)
		t.replace(k.Line, end, calibrationLines(c, indent)...)
		return nil
	}
	indent := strings.Repeat(" ", k.Column-1)
	t.replace(k.Line-1, end, append([]string{indent + header}, calibrationLines(c, indent+t.step())...)...)
	return nil
}

// calibrationLines writes c's entries, each line starting with indent.
func calibrationLines(c *Calibration, indent string) []string {
	lines := []string{indent + "date: " + c.Date.Format(time.RFC3339)}
	if c.Host != "" {
		lines = append(lines, indent+"host: "+yamlScalar(c.Host))
	}
	if c.Commit != "" {
		lines = append(lines, indent+"commit: "+yamlScalar(c.Commit))
	}
	lines = append(lines, indent+"blocks: "+strconv.Itoa(c.Blocks))
	if c.Alpha != 0 {
		lines = append(lines, indent+"alpha: "+strconv.FormatFloat(c.Alpha, 'g', -1, 64))
	}
	if len(c.Metrics) == 0 {
		return lines
	}
	lines = append(lines, indent+"metrics:")
	keys := sortedKeys(c.Metrics)
	slices.SortStableFunc(keys, compareCalibrationKeys)
	for _, key := range keys {
		m := c.Metrics[key]
		lines = append(lines, indent+"  "+key+": {cv: "+FormatPercent(m.CV)+", between_runs: "+FormatPercent(m.BetweenRuns)+
			", drift: "+FormatDrift(m.DriftPerHour)+", mde_5: "+FormatMDE(m.MDE5)+", mde_10: "+FormatMDE(m.MDE10)+", mde_20: "+FormatMDE(m.MDE20)+"}")
	}
	return lines
}

// compareCalibrationKeys orders a calibration's metrics by endpoint, the
// server's last, then as metric.Compare orders metrics.
func compareCalibrationKeys(a, b string) int {
	ea, ma := metric.SplitKey(a)
	eb, mb := metric.SplitKey(b)
	if ea != eb {
		switch {
		case ea == ServerEndpoint:
			return 1
		case eb == ServerEndpoint:
			return -1
		}
		return strings.Compare(ea, eb)
	}
	return metric.Compare(ma, mb)
}

// yamlScalar writes s as a YAML value that reads back as the text s:
// plain where it can be, quoted where plain would read as something else
// (a number, true, null) or not at all.
func yamlScalar(s string) string {
	b, err := yaml.Marshal(s)
	if out := strings.TrimSuffix(string(b), "\n"); err == nil && !strings.Contains(out, "\n") {
		return out
	}
	return strconv.Quote(s)
}

// limitEntries are the entries of a max_regression edit, in the order
// they are written: limits of every endpoint first, then each endpoint's,
// each as metric.Compare orders metrics.
func limitEntries(m map[string]string) []flowEntry {
	var entries []flowEntry
	for _, k := range sortedKeys(m) {
		entries = append(entries, flowEntry{strings.TrimSpace(k), strings.TrimSpace(m[k])})
	}
	slices.SortStableFunc(entries, func(a, b flowEntry) int {
		ea, ma := metric.SplitKey(a.key)
		eb, mb := metric.SplitKey(b.key)
		if ea != eb {
			return strings.Compare(ea, eb) // "" first
		}
		return metric.Compare(ma, mb)
	})
	return entries
}

// withDefaultLimits is entries over DefaultMaxRegression: the limits a
// file without max_regression has, which adding one must keep.
func withDefaultLimits(entries []flowEntry) []flowEntry {
	def := DefaultMaxRegression()
	m := map[string]string{}
	for k, q := range def {
		m[k] = q.Text
	}
	for _, e := range entries {
		for k := range m {
			if sameLimit(k, e.key) {
				delete(m, k)
			}
		}
		m[e.key] = e.value
	}
	return limitEntries(m)
}

// sameLimit reports whether two keys of the gate's limits name one limit:
// search.p99.9 and search.p999 do.
func sameLimit(a, b string) bool {
	canon := func(k string) string {
		e, name := metric.SplitKey(strings.ToLower(strings.TrimSpace(k)))
		return limitKey(e, metric.Canonical(name))
	}
	return canon(a) == canon(b)
}
