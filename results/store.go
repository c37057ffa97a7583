package results

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hotbench/hotbench/internal/safefile"
)

// Store is a results folder:
//
//	<Dir>/<scenario>/<UTC start>-<label>/run.json     one run
//	<Dir>/<scenario>/<UTC start>-<label>/profiles/    its server profiles
//	<Dir>/<scenario>/verdicts/<UTC time>-<kind>.json  saved compare and gate verdicts
//	<Dir>/baselines.json                              named sets of runs
//
// A Store holds no open files: several hotbench processes may use one
// folder. Every file is written through a temporary file with an
// unpredictable name and renamed only over a regular file (never through a
// link), so a reader or a crash sees the old file or the new one; the
// read-modify-write of baselines.json and the naming of saved verdicts hold
// the folder's lock, <Dir>/.lock, so concurrent writers lose nothing.
type Store struct {
	Dir string
	// LockTimeout is how long a write waits for another hotbench holding
	// the folder's lock before it fails with ErrLocked; zero means
	// DefaultLockTimeout.
	LockTimeout time.Duration
}

// DefaultLockTimeout is how long a write waits for the folder's lock by
// default. The lock is held for milliseconds, so waiting longer means a
// stuck process.
const DefaultLockTimeout = 10 * time.Second

// ErrLocked is the error, tested with errors.Is, of a write that gave up
// waiting for the results folder's lock.
var ErrLocked = errors.New("results folder is locked")

const lockFile = ".lock"

// lock takes the folder's lock, creating the folder if needed, and returns
// the function that releases it.
func (s *Store) lock() (unlock func(), err error) {
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("create results folder: %w", err)
	}
	timeout := s.LockTimeout
	if timeout <= 0 {
		timeout = DefaultLockTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	path := filepath.Join(s.Dir, lockFile)
	l, err := safefile.LockFile(ctx, path)
	var held *safefile.LockError
	if errors.As(err, &held) {
		who := "another hotbench"
		if held.PID > 0 {
			who = fmt.Sprintf("another hotbench (pid %d)", held.PID)
		}
		return nil, &lockedError{fmt.Sprintf("results folder %s is locked by %s: wait for it, or remove %s", s.Dir, who, path), err}
	}
	if err != nil {
		return nil, err
	}
	return func() { l.Unlock() }, nil
}

// lockedError is a one-line message that satisfies errors.Is(err, ErrLocked)
// and errors.As(err, **safefile.LockError).
type lockedError struct {
	msg string
	err error
}

func (e *lockedError) Error() string   { return e.msg }
func (e *lockedError) Unwrap() []error { return []error{ErrLocked, e.err} }

// Open returns the store rooted at dir. The folder is created by the first
// write, so opening a folder that does not exist yet is not an error.
func Open(dir string) *Store { return &Store{Dir: dir} }

const (
	runFile     = "run.json"
	profilesDir = "profiles"
	verdictsDir = "verdicts"
	// timeLayout is sortable: folder names order like their start times.
	timeLayout = "20060102T150405Z"
)

var (
	scenarioNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
	runFolderRE    = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}Z-`)
)

func checkScenarioName(name string) error {
	if !scenarioNameRE.MatchString(name) {
		return fmt.Errorf("scenario name %q cannot name a results folder: use lower-case letters, digits and dashes", name)
	}
	return nil
}

// folderLabel turns a label into the part of a folder name after the time:
// lower case, [a-z0-9._-], no leading or trailing punctuation, "run" if
// nothing is left.
func folderLabel(label string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(label) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '.', c == '_':
			b.WriteRune(c)
			dash = false
		default: // '-', spaces, '/', anything else
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	s := strings.Trim(b.String(), "-._")
	if len(s) > 64 {
		s = strings.TrimRight(s[:64], "-._")
	}
	if s == "" {
		return "run"
	}
	return s
}

// Create makes the run's folder, <Dir>/<scenario>/<UTC start>-<label>/ with a
// profiles/ subfolder, sets r.Dir and saves run.json at once, so a run that
// is interrupted later leaves a folder marked incomplete. Two runs that
// start in the same second get distinct folders (…-before, …-before-2). A
// zero r.Start is set to now.
func (s *Store) Create(r *Run) error {
	if err := checkScenarioName(r.Scenario.Name); err != nil {
		return err
	}
	if r.Start.IsZero() {
		r.Start = time.Now().UTC()
	}
	parent := filepath.Join(s.Dir, r.Scenario.Name)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("create results folder: %w", err)
	}
	base := r.Start.UTC().Format(timeLayout) + "-" + folderLabel(r.Label)
	dir := ""
	for i := 1; dir == ""; i++ {
		name := base
		if i > 1 {
			name = fmt.Sprintf("%s-%d", base, i)
		}
		// Mkdir, not MkdirAll: it fails when the folder exists, so two
		// processes starting in the same second cannot share a folder.
		err := os.Mkdir(filepath.Join(parent, name), 0o755)
		switch {
		case err == nil:
			dir = filepath.Join(parent, name)
		case !errors.Is(err, fs.ErrExist):
			return fmt.Errorf("create run folder: %w", err)
		case i == 1000:
			return fmt.Errorf("create run folder: %s and 999 numbered variants exist; start runs with distinct labels", filepath.Join(parent, base))
		}
	}
	if err := os.Mkdir(filepath.Join(dir, profilesDir), 0o755); err != nil {
		os.RemoveAll(dir)
		return fmt.Errorf("create run folder: %w", err)
	}
	r.Dir = dir
	if err := Save(r); err != nil {
		// Nothing was measured yet: leave no folder that List would report.
		os.RemoveAll(dir)
		r.Dir = ""
		return err
	}
	return nil
}

// Save writes r.Dir/run.json atomically: readers see the old file or the new
// one, never a mix, and a crash leaves at most a hidden temporary file. A
// run.json that is not a regular file (a link, a FIFO) is refused, never
// written through. A zero FormatVersion is set to FormatVersion.
func Save(r *Run) error {
	if r.Dir == "" {
		return errors.New("save run: the run has no folder; create it with Store.Create first")
	}
	if r.FormatVersion == 0 {
		r.FormatVersion = FormatVersion
	}
	b, err := encodeRun(r)
	if err != nil {
		return fmt.Errorf("save run %s: %w", r.Dir, err)
	}
	if err := safefile.WriteFile(filepath.Join(r.Dir, runFile), b, 0o644, safefile.RegularOnly()); err != nil {
		return fmt.Errorf("save run: %w", err)
	}
	return nil
}

// encodeRun writes run.json: the header indented for people, and each
// repetition on one compact line, because repetitions are most of the bytes
// and indentation would double what every List has to scan.
func encodeRun(r *Run) ([]byte, error) {
	head := *r
	head.Repetitions = nil
	b, err := json.MarshalIndent(&head, "", "\t")
	if err != nil {
		return nil, err
	}
	const tail = "\n\t\"repetitions\": null\n}"
	if !bytes.HasSuffix(b, []byte(tail)) {
		return nil, errors.New("repetitions are not the last field of a run")
	}
	var buf bytes.Buffer
	buf.Write(b[:len(b)-len(tail)])
	buf.WriteString("\n\t\"repetitions\": [")
	for i := range r.Repetitions {
		rep, err := json.Marshal(&r.Repetitions[i])
		if err != nil {
			return nil, fmt.Errorf("repetition %d: %w", r.Repetitions[i].Index, err)
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString("\n\t\t")
		buf.Write(rep)
	}
	if len(r.Repetitions) > 0 {
		buf.WriteString("\n\t")
	}
	buf.WriteString("]\n}\n")
	return buf.Bytes(), nil
}

// Load reads the run in dir. A missing, corrupt or truncated run.json is an
// error that names the file and says what to do; so is a run.json written by
// a newer hotbench. Older format versions are converted on load.
func Load(dir string) (*Run, error) {
	path := filepath.Join(dir, runFile)
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s is not a hotbench run: it has no %s", dir, runFile)
		}
		return nil, fmt.Errorf("load run: %w", err)
	}
	r, err := decodeRun(path, data)
	if err != nil {
		return nil, err
	}
	r.Dir = dir
	return r, nil
}

// decodeRun decodes run.json bytes; path is for messages only.
func decodeRun(path string, data []byte) (*Run, error) {
	var probe struct {
		FormatVersion *int `json:"format_version"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, corrupt(path, err)
	}
	if probe.FormatVersion == nil {
		return nil, corrupt(path, errors.New("no format_version"))
	}
	if err := checkVersion(path, *probe.FormatVersion); err != nil {
		return nil, err
	}
	switch *probe.FormatVersion {
	case 1, FormatVersion:
		// Version 2 only added fields; a version 1 run decodes as is (see
		// FormatVersion for what its values mean).
		var r Run
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, corrupt(path, err)
		}
		return &r, nil
		// When a version changes a field's meaning or shape, it is decoded
		// here into its own type and converted.
	}
	return nil, corrupt(path, fmt.Errorf("format_version %d is not one this hotbench reads", *probe.FormatVersion))
}

func checkVersion(path string, v int) error {
	switch {
	case v > FormatVersion:
		return fmt.Errorf("%s was written by a newer hotbench (format %d; this one reads up to %d): upgrade hotbench", path, v, FormatVersion)
	case v < 1:
		return corrupt(path, fmt.Errorf("format_version %d", v))
	}
	return nil
}

func corrupt(path string, err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) && !strings.HasPrefix(syn.Error(), "unexpected end") {
		err = fmt.Errorf("%w at byte %d", err, syn.Offset)
	}
	return fmt.Errorf("%s is not a hotbench run (%w); delete the folder or restore it", path, err)
}

// RunInfo is what listing needs of a run: run.json without its repetitions'
// contents, so listing hundreds of runs decodes no histogram.
type RunInfo struct {
	Scenario         string
	Label            string
	Start, End       time.Time
	Complete         bool
	IncompleteReason string
	// Repetitions is the number of repetitions stored; Valid of them are
	// valid (complete and not marked invalid), the samples compare uses.
	Repetitions  int
	Valid        int
	ScenarioHash string
	Git          Git
	// Part is one shard's part of a sharded run: scenario@LABEL and
	// scenario@latest name the merged run, never a part (a part is named by
	// its folder), and the month counts the merged run only.
	Part bool
	// Calibration is one side of a `hotbench calibrate` A/A session: a
	// measurement of noise, which the month leaves out of its trends.
	Calibration bool
	Dir         string
}

// Name is the run's folder name.
func (i RunInfo) Name() string { return filepath.Base(i.Dir) }

// Ref names the run for display, as Run.Ref does.
func (i RunInfo) Ref() string { return ref(i.Scenario, i.Label, i.Dir) }

// runHeader is the part of run.json that RunInfo needs. Its field names must
// follow Run's in every format version this package reads.
type runHeader struct {
	FormatVersion *int `json:"format_version"`
	Scenario      struct {
		Name string `json:"name"`
	} `json:"scenario"`
	ScenarioHash     string    `json:"scenario_hash"`
	Label            string    `json:"label"`
	Start            time.Time `json:"start"`
	End              time.Time `json:"end"`
	Complete         bool      `json:"complete"`
	IncompleteReason string    `json:"incomplete_reason"`
	Git              Git       `json:"git"`
	Shard            *struct{} `json:"shard"`
	AB               *struct {
		Calibration bool `json:"calibration"`
	} `json:"ab"`
	Repetitions []struct {
		Complete bool     `json:"complete"`
		Invalid  []string `json:"invalid"`
	} `json:"repetitions"`
}

// readInfo reads the header of the run in dir. It checks the JSON syntax of
// the whole file, not the histograms.
func readInfo(dir string) (RunInfo, error) {
	path := filepath.Join(dir, runFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return RunInfo{}, fmt.Errorf("read run: %w", err)
	}
	var h runHeader
	if err := json.Unmarshal(data, &h); err != nil {
		return RunInfo{}, corrupt(path, err)
	}
	if h.FormatVersion == nil {
		return RunInfo{}, corrupt(path, errors.New("no format_version"))
	}
	if err := checkVersion(path, *h.FormatVersion); err != nil {
		return RunInfo{}, err
	}
	valid := 0
	for _, rep := range h.Repetitions {
		if (Repetition{Complete: rep.Complete, Invalid: rep.Invalid}).Valid() {
			valid++
		}
	}
	return RunInfo{
		Scenario:         h.Scenario.Name,
		Label:            h.Label,
		Start:            h.Start,
		End:              h.End,
		Complete:         h.Complete,
		IncompleteReason: h.IncompleteReason,
		Repetitions:      len(h.Repetitions),
		Valid:            valid,
		ScenarioHash:     h.ScenarioHash,
		Git:              h.Git,
		Part:             h.Shard != nil,
		Calibration:      h.AB != nil && h.AB.Calibration,
		Dir:              dir,
	}, nil
}

// List returns every run in the store, newest first. It skips nothing
// silently: when some run folders cannot be read (corrupt run.json, a newer
// format, a run folder without run.json), List returns the readable runs
// together with an error that joins one line per unreadable folder. A store
// folder that does not exist yet holds no runs.
func (s *Store) List() ([]RunInfo, error) {
	names, err := s.scenarioFolders()
	if err != nil {
		return nil, err
	}
	var runs []RunInfo
	var problems []error
	for _, name := range names {
		infos, probs := s.listScenario(name)
		runs = append(runs, infos...)
		for _, p := range probs {
			problems = append(problems, p.err)
		}
	}
	sortNewestFirst(runs)
	return runs, errors.Join(problems...)
}

// scenarioFolders lists the folder names under Dir that can be scenarios.
func (s *Store) scenarioFolders() ([]string, error) {
	entries, err := os.ReadDir(s.Dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("read results folder: %w", err)
	}
	var names []string
	for _, e := range entries {
		if scenarioNameRE.MatchString(e.Name()) && isDir(filepath.Join(s.Dir, e.Name()), e) {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// problem is a run folder that cannot be listed.
type problem struct {
	dir string
	err error
}

// listScenario reads the headers of one scenario's runs, in folder order.
func (s *Store) listScenario(scenario string) ([]RunInfo, []problem) {
	folder := filepath.Join(s.Dir, scenario)
	entries, err := os.ReadDir(folder)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, []problem{{folder, fmt.Errorf("read results folder: %w", err)}}
	}
	var dirs []string
	var problems []problem
	for _, e := range entries {
		name := e.Name()
		dir := filepath.Join(folder, name)
		if name == verdictsDir || strings.HasPrefix(name, ".") || !isDir(dir, e) {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, runFile)); err != nil {
			if runFolderRE.MatchString(name) {
				problems = append(problems, problem{dir, fmt.Errorf("%s has no %s: the run stopped before it was saved; delete the folder", dir, runFile)})
			}
			continue
		}
		dirs = append(dirs, dir)
	}
	// Reading is mostly JSON scanning: use every CPU.
	infos := make([]RunInfo, len(dirs))
	errs := make([]error, len(dirs))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < min(runtime.GOMAXPROCS(0), len(dirs)); w++ {
		wg.Go(func() {
			for i := range next {
				infos[i], errs[i] = readInfo(dirs[i])
			}
		})
	}
	for i := range dirs {
		next <- i
	}
	close(next)
	wg.Wait()
	var runs []RunInfo
	for i := range dirs {
		if errs[i] != nil {
			problems = append(problems, problem{dirs[i], errs[i]})
			continue
		}
		runs = append(runs, infos[i])
	}
	return runs, problems
}

func isDir(path string, e fs.DirEntry) bool {
	if e.Type()&fs.ModeSymlink != 0 {
		fi, err := os.Stat(path)
		return err == nil && fi.IsDir()
	}
	return e.IsDir()
}

func sortNewestFirst(runs []RunInfo) {
	sort.SliceStable(runs, func(i, j int) bool {
		if !runs[i].Start.Equal(runs[j].Start) {
			return runs[i].Start.After(runs[j].Start)
		}
		return runs[i].Dir > runs[j].Dir
	})
}
