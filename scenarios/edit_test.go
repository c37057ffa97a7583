package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	goldenfile "github.com/hotbench/hotbench/internal/golden"
	"github.com/hotbench/hotbench/internal/safefile"
)

// testCalibration is what the golden edits record.
func testCalibration() *Calibration {
	return &Calibration{
		Date: time.Date(2026, 12, 1, 16, 40, 0, 0, time.UTC), Host: "ci-runner-3", Commit: "3a53ee4", Blocks: 10, Alpha: 0.05,
		Metrics: map[string]CalibratedMetric{
			"search.p99":         {CV: 0.041, BetweenRuns: 0.12, DriftPerHour: 0.008, MDE5: 0.14, MDE10: 0.082, MDE20: 0.056},
			"search.p50":         {CV: 0.012, BetweenRuns: 0.05, DriftPerHour: -0.003, MDE5: 0.04, MDE10: 0.025, MDE20: 0.018},
			"server.cpu_per_req": {CV: 0.3, BetweenRuns: 0.6, DriftPerHour: 0.02, MDE5: math.NaN(), MDE10: 0.9, MDE20: 0.45},
		},
	}
}

// testEdit is calibrate --write's edit in the golden tests: runs, a limit
// the files have (p99) and one they do not (search.p99), the calibration.
func testEdit() Edit {
	return Edit{Runs: 20, MaxRegression: map[string]string{"p99": "14%", "search.p99": "18%"}, Calibration: testCalibration()}
}

// TestEditGolden applies testEdit to each testdata/calibrate/*.yaml and
// compares the result with the .golden file beside it. The result must
// load and validate, keep every line it had no reason to touch, in order,
// and come out the same when the edit is applied again.
func TestEditGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "calibrate", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no inputs: %v", err)
	}
	for _, name := range files {
		t.Run(filepath.Base(name), func(t *testing.T) {
			before, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			after, err := EditYAML(name, before, testEdit())
			if err != nil {
				t.Fatal(err)
			}
			goldenfile.Check(t, strings.TrimSuffix(name, ".yaml")+".golden", after)
			s, err := LoadBytes(name, after, nil)
			if err != nil {
				t.Fatalf("the result does not load: %v", err)
			}
			if errs := s.Validate(); len(errs) != 0 {
				t.Errorf("the result does not validate: %v", ErrorList(errs))
			}
			if s.Runs != 20 || s.Gate.MaxRegression["p99"].Text != "14%" || s.Gate.MaxRegression["search.p99"].Text != "18%" {
				t.Errorf("runs %d, max_regression %v", s.Runs, s.Gate.MaxRegression)
			}
			checkOnlyEdited(t, before, after)
			again, err := EditYAML(name, after, testEdit())
			if err != nil || !bytes.Equal(again, after) {
				t.Errorf("the same edit again changed the file (%v):\n%s", err, again)
			}
		})
	}
}

// edited matches the lines testEdit may change: runs, gate and its
// max_regression (a flow mapping is rewritten whole) and the limits it
// sets. The old calibration block goes whole.
var edited = regexp.MustCompile(`^\s*(["']?(runs|gate|max_regression|p99|search\.p99)["']?\s*:)`)

// checkOnlyEdited checks that after holds every line of before, in order,
// but the ones an edit may change.
func checkOnlyEdited(t *testing.T, before, after []byte) {
	t.Helper()
	f, err := newYAMLFile(before)
	if err != nil {
		t.Fatal(err)
	}
	first, last := -1, -1
	if k, v := pair(f.root, "calibration"); k != nil {
		first, last = k.Line-1, f.blockEnd(k, v)
	}
	a := strings.Split(string(before), "\n")
	b := strings.Split(string(after), "\n")
	for _, i := range removedLines(a, b) {
		if !edited.MatchString(a[i]) && (i < first || i > last) && !isBlank(a[i]) {
			t.Errorf("line %d %q is gone", i+1, a[i])
		}
	}
}

// removedLines lists the lines of a that are not in a longest common
// subsequence of a and b.
func removedLines(a, b []string) []int {
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []int
	for i, j := 0, 0; i < len(a); {
		switch {
		case j < len(b) && a[i] == b[j]:
			i, j = i+1, j+1
		case j < len(b) && lcs[i][j+1] >= lcs[i+1][j]:
			j++
		default:
			out = append(out, i)
			i++
		}
	}
	return out
}

// A calibration alone is a record: the scenario's hash stays.
func TestEditCalibrationKeepsTheHash(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "calibrate", "*.yaml"))
	for _, name := range files {
		before, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		after, err := EditYAML(name, before, Edit{Calibration: testCalibration()})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if Hash(mustLoad(t, name, string(before), nil)) != Hash(mustLoad(t, name, string(after), nil)) {
			t.Errorf("%s: the calibration changed the hash", name)
		}
	}
}

func TestEditKeepsLineEnds(t *testing.T) {
	name := filepath.Join("testdata", "calibrate", "runs-present.yaml")
	lf, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	want, err := EditYAML(name, lf, testEdit())
	if err != nil {
		t.Fatal(err)
	}
	crlf := bytes.ReplaceAll(lf, []byte("\n"), []byte("\r\n"))
	got, err := EditYAML(name, crlf, testEdit())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, bytes.ReplaceAll(want, []byte("\n"), []byte("\r\n"))) {
		t.Errorf("CR LF file:\n%q", got)
	}
	// A byte order mark stays, and a file without a last line end gets one
	// only where a line was added after its end.
	got, err = EditYAML(name, append([]byte(bom), bytes.TrimSuffix(lf, []byte("\n"))...), Edit{Runs: 20})
	if err != nil || !bytes.HasPrefix(got, []byte(bom)) || bytes.HasSuffix(got, []byte("\n")) || !bytes.Contains(got, []byte("\nruns: 20  ")) {
		t.Errorf("with a byte order mark (%v):\n%q", err, got)
	}
	mixed := append(bytes.Clone(crlf), "description: a line with LF only\n"...)
	if _, err := EditYAML(name, mixed, testEdit()); err == nil || !strings.Contains(err.Error(), "mixes line ends") {
		t.Errorf("mixed line ends: %v", err)
	}
}

// Odd layouts, each with the one line the edit must give.
func TestEditOddLayouts(t *testing.T) {
	const head = "name: s\ntarget: http://127.0.0.1:8080\nload: {rate: 1/s, duration: 1s}\nendpoints: [{name: search, path: /}]\n"
	for _, tt := range []struct {
		name, file string
		edit       Edit
		want       string // a line of the result
	}{
		{"a limit spelt another way keeps its spelling", head + "gate: {max_regression: {p99.9: 10%}}\n",
			Edit{MaxRegression: map[string]string{"p999": "12%"}}, "gate: {max_regression: {p99.9: 12%}}"},
		{"a quoted value is replaced whole", head + "runs: \"10\"   # quoted\n",
			Edit{Runs: 12}, "runs: 12     # quoted"},
		{"a value with a # inside quotes", head + "description: 'a # b' # c\nruns: '5' #x\n",
			Edit{Runs: 6}, "runs: 6   #x"},
		{"a comment that cannot keep its column moves", head + "runs: 5 # x\n",
			Edit{Runs: 1000}, "runs: 1000 # x"},
		{"a tab before a comment stays", head + "runs: 5\t# x\n",
			Edit{Runs: 6}, "runs: 6\t# x"},
		{"an explicit null", head + "runs: ~\n",
			Edit{Runs: 6}, "runs: 6"},
		{"an explicit null gate", head + "gate: null\n",
			Edit{MaxRegression: map[string]string{"p99": "12%"}}, "gate: {max_regression: {p50: 10%, p99: 12%, error_rate: 0}}"},
		{"an anchored gate keeps its anchor", head + "gate: &g {alpha: 0.05}\n",
			Edit{MaxRegression: map[string]string{"p99": "12%"}}, "gate: &g {alpha: 0.05, max_regression: {p50: 10%, p99: 12%, error_rate: 0}}"},
		{"an empty flow max_regression gates only what is set", head + "gate: {max_regression: {}}\n",
			Edit{MaxRegression: map[string]string{"p99": "12%"}}, "gate: {max_regression: {p99: 12%}}"},
		{"a trailing comma in a flow mapping", head + "gate: {max_regression: {p50: 5%, },}\n",
			Edit{MaxRegression: map[string]string{"p99": "12%"}}, "gate: {max_regression: {p50: 5%, p99: 12%, },}"},
		{"a flow mapping with a null value", head + "gate: {max_regression: {p50: 5%, p99: }}\n",
			Edit{MaxRegression: map[string]string{"p99": "12%"}}, "gate: {max_regression: {p50: 5%, p99: 12% }}"}, // the space before } stays
		{"a comment right after the document", head + "runs: 5\n# the end, no blank line\n",
			Edit{Calibration: &Calibration{Date: time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("", 3600)), Blocks: 1}}, "  date: 2026-01-02T03:04:05+01:00"},
		{"a host that would read as a number is quoted", head,
			Edit{Calibration: &Calibration{Date: time.Unix(0, 0).UTC(), Blocks: 1, Host: "1234", Commit: "yes: no"}}, "  host: \"1234\""},
		{"and a commit that would read as a mapping", head,
			Edit{Calibration: &Calibration{Date: time.Unix(0, 0).UTC(), Blocks: 1, Host: "1234", Commit: "yes: no"}}, "  commit: 'yes: no'"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EditYAML("s.yaml", []byte(tt.file), tt.edit)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains("\n"+string(got), "\n"+tt.want+"\n") {
				t.Errorf("no line %q in\n%s", tt.want, got)
			}
			again, err := EditYAML("s.yaml", got, tt.edit)
			if err != nil || !bytes.Equal(again, got) {
				t.Errorf("not idempotent (%v):\n%s", err, again)
			}
		})
	}
}

// What cannot be edited safely is refused, and says why.
func TestEditRefuses(t *testing.T) {
	const head = "name: s\ntarget: http://127.0.0.1:8080\nload: {rate: 1/s, duration: 1s}\nendpoints: [{name: search, path: /}]\n"
	p99 := Edit{MaxRegression: map[string]string{"p99": "12%"}}
	for _, tt := range []struct {
		name, file string
		edit       Edit
		msg        string
	}{
		{"a flow mapping over several lines", head + "gate:\n  max_regression: {p50: 5%,\n    p99: 10%}\n", p99, "over several lines"},
		{"a merge key in gate", head + "gate:\n  <<: {alpha: 0.05}\n  slo: {p99: 1s}\n", p99, "merge key"},
		{"a block scalar", head + "runs: |\n  5\n", Edit{Runs: 6}, ""},
		{"a file that does not load", head + "lod: {}\n", Edit{Runs: 6}, "does not load as it is"},
		{"a limit of an unknown endpoint", head, Edit{MaxRegression: map[string]string{"serch.p99": "12%"}}, `gate.max_regression.serch.p99: no endpoint is named "serch"`},
		{"a limit without its unit", head, Edit{MaxRegression: map[string]string{"p99": "12"}}, `gate.max_regression.p99: "12" has no unit`},
		{"a limit without a value", head, Edit{MaxRegression: map[string]string{"p99": " "}}, `gate.max_regression.p99: needs a value`},
		{"too many runs", head, Edit{Runs: 5000}, "runs: 5000 is too large"},
		{"a calibration without a date", head, Edit{Calibration: &Calibration{Blocks: 1}}, "calibration.date: is required"},
		{"a calibration of an unknown metric", head, Edit{Calibration: &Calibration{Date: time.Now(), Blocks: 1, Metrics: map[string]CalibratedMetric{"search.p99x": {}}}}, "p99x"},
		{"a drift past all numbers", head, Edit{Calibration: &Calibration{Date: time.Now(), Blocks: 1, Metrics: map[string]CalibratedMetric{"search.p99": {DriftPerHour: math.Inf(1)}}}}, "not a finite drift"},
		{"two documents", head + "---\nname: t\n", Edit{Runs: 6}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EditYAML("s.yaml", []byte(tt.file), tt.edit)
			if err == nil {
				// Some of these a careful edit could manage; none may
				// break the file or lose the edit.
				if tt.msg != "" {
					t.Fatalf("edited:\n%s", got)
				}
				if _, err := LoadBytes("s.yaml", got, nil); err != nil {
					t.Fatalf("the edit broke the file: %v\n%s", err, got)
				}
				return
			}
			if !strings.Contains(err.Error(), tt.msg) || strings.Count(err.Error(), "\n") > 2 {
				t.Errorf("error %q, want one saying %q", err, tt.msg)
			}
		})
	}
}

// TOML and JSON scenario files are not edited: a one-line error says what
// to set by hand.
func TestEditRefusesOtherFormats(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"s.toml", "s.json"} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte("not read"), 0o644); err != nil {
			t.Fatal(err)
		}
		err := WriteCalibration(path, testEdit(), nil)
		want := fmt.Sprintf("calibrate --write edits YAML scenario files: set runs: 20 and gate.max_regression {p99: 14%%, search.p99: 18%%} by hand in %s", path)
		if !errors.Is(err, ErrNotYAML) || err.Error() != want {
			t.Errorf("error %q, want %q", err, want)
		}
		if _, err := EditYAML(name, nil, Edit{Calibration: testCalibration()}); !errors.Is(err, ErrNotYAML) || strings.Contains(err.Error(), "\n") {
			t.Errorf("EditYAML: %v", err)
		}
	}
}

func TestWriteCalibration(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "calibrate", "runs-present.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "search.yaml")
	if err := os.WriteFile(path, src, 0o600); err != nil {
		t.Fatal(err)
	}
	write := func(p string, data []byte, perm fs.FileMode) error { return safefile.WriteFile(p, data, perm) }
	if err := WriteCalibration(path, testEdit(), write); err != nil {
		t.Fatal(err)
	}
	want, _ := EditYAML(path, src, testEdit())
	got, _ := os.ReadFile(path)
	fi, err := os.Stat(path)
	if err != nil || !bytes.Equal(got, want) || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v (%v), content:\n%s", fi.Mode(), err, got)
	}

	// An edit that fails leaves the file as it was, and writes nothing.
	calls := 0
	counting := func(p string, data []byte, perm fs.FileMode) error { calls++; return nil }
	bad := Edit{MaxRegression: map[string]string{"serch.p99": "10%"}}
	if err := WriteCalibration(path, bad, counting); err == nil || calls != 0 {
		t.Errorf("a bad edit: %v, %d writes", err, calls)
	}
	// So does one that changes nothing.
	if err := WriteCalibration(path, testEdit(), counting); err != nil || calls != 0 {
		t.Errorf("the same edit again: %v, %d writes", err, calls)
	}
	if err := WriteCalibration(filepath.Join(t.TempDir(), "none.yaml"), testEdit(), counting); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
}

// FuzzEditYAML edits arbitrary YAML: whatever it accepts must load (EditYAML
// checks) and come out the same from a second edit.
func FuzzEditYAML(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "calibrate", "*.yaml"))
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzInput {
			return
		}
		out, err := EditYAML("s.yaml", data, testEdit())
		if err != nil {
			return
		}
		again, err := EditYAML("s.yaml", out, testEdit())
		if err != nil || !bytes.Equal(again, out) {
			t.Errorf("not idempotent (%v):\n%q\n%q", err, out, again)
		}
		checkOnlyEdited(t, bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")), bytes.ReplaceAll(out, []byte("\r\n"), []byte("\n")))
	})
}

// Every shipped example can be calibrated: the result loads, keeps every
// line it had no reason to touch, and keeps the scenario's hash for a
// calibration alone.
func TestEditExamples(t *testing.T) {
	for _, name := range exampleFiles(t) {
		t.Run(filepath.Base(name), func(t *testing.T) {
			before, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			s := mustLoad(t, name, string(before), nil)
			e := s.Endpoints[0].Name
			c := testCalibration()
			c.Metrics = map[string]CalibratedMetric{e + ".p99": c.Metrics["search.p99"], "server.rss_peak": c.Metrics["server.cpu_per_req"]}
			edit := Edit{Runs: 20, MaxRegression: map[string]string{"p99": "14%", e + ".p99": "18%"}, Calibration: c}
			after, err := EditYAML(name, before, edit)
			if err != nil {
				t.Fatal(err)
			}
			edited := mustLoad(t, name, string(after), nil)
			if edited.Runs != 20 || edited.Gate.MaxRegression[e+".p99"].Text != "18%" || edited.Calibration == nil {
				t.Errorf("runs %d, max_regression %v, calibration %v", edited.Runs, edited.Gate.MaxRegression, edited.Calibration)
			}
			a := strings.Split(string(before), "\n")
			for _, i := range removedLines(a, strings.Split(string(after), "\n")) {
				if !regexp.MustCompile(`^\s*(runs|gate|max_regression|p99):`).MatchString(a[i]) {
					t.Errorf("line %d %q is gone", i+1, a[i])
				}
			}
			calibrated, err := EditYAML(name, before, Edit{Calibration: c})
			if err != nil || Hash(s) != Hash(mustLoad(t, name, string(calibrated), nil)) {
				t.Errorf("a calibration alone changed the hash (%v)", err)
			}
		})
	}
}
