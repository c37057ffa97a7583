package results

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/hotbench/hotbench/scenarios"
)

// Kinds of annotations.
const (
	// AnnotationRelease is a version that shipped (a git tag: SyncGitTags).
	AnnotationRelease = "release"
	// AnnotationDeploy is a change to what runs where the load goes.
	AnnotationDeploy = "deploy"
	// AnnotationIncident is a span (Time to End) when measurements cannot
	// be trusted: runs inside it are kept out of trends (InIncident).
	AnnotationIncident = "incident"
	// AnnotationFix is a performance fix that landed.
	AnnotationFix = "fix"
	// AnnotationNote is anything else worth seeing on a chart.
	AnnotationNote = "note"
)

// AnnotationKinds lists the kinds, in the order help and completion show
// them.
var AnnotationKinds = []string{AnnotationRelease, AnnotationDeploy, AnnotationIncident, AnnotationFix, AnnotationNote}

// Annotation marks a moment or a span on the trend charts: a release, a
// deploy, an incident, a fix or a note. Its JSON is one line of
// <Dir>/annotations.jsonl; fields may be added, never renamed.
type Annotation struct {
	// ID is short and unique in the store: six hex digits assigned by
	// AddAnnotation, or "tag-" and the tag's name for a release that
	// SyncGitTags added.
	ID   string `json:"id"`
	Kind string `json:"kind"`
	// Time is when it happened or began; End, when set, when it ended
	// (never before Time).
	Time  time.Time  `json:"time"`
	End   *time.Time `json:"end,omitempty"`
	Title string     `json:"title"`
	Text  string     `json:"text,omitempty"`
	Tags  []string   `json:"tags,omitempty"`
	// Scenarios it concerns; empty means every scenario.
	Scenarios []string `json:"scenarios,omitempty"`
	// Commit is a git commit hash (lower-case hex).
	Commit string `json:"commit,omitempty"`
	URL    string `json:"url,omitempty"`
}

// AppliesTo reports whether the annotation concerns scenario: it names it,
// or names no scenario at all. Every annotation applies to scenario "".
func (a *Annotation) AppliesTo(scenario string) bool {
	return scenario == "" || len(a.Scenarios) == 0 || slices.Contains(a.Scenarios, scenario)
}

// Covers reports whether t is within the annotation: from Time to End, both
// included, or exactly Time when it has no End.
func (a *Annotation) Covers(t time.Time) bool {
	if t.Before(a.Time) {
		return false
	}
	if a.End == nil {
		return t.Equal(a.Time)
	}
	return !t.After(*a.End)
}

// InIncident returns the first incident of as (in their order) that covers
// t and applies to scenario, or nil. An incident without an end is a moment,
// not an open span: it covers only its own Time, so one whose end was never
// written cannot grey out every later run.
func InIncident(as []Annotation, t time.Time, scenario string) *Annotation {
	for i := range as {
		a := &as[i]
		if a.Kind == AnnotationIncident && a.AppliesTo(scenario) && a.Covers(t) {
			return a
		}
	}
	return nil
}

// IncidentDuring returns the first incident of as that applies to scenario
// and shares any instant with [from, to] (a run from its start to its
// end), or nil. Unlike InIncident at the run's start, it also finds an
// incident that began while the run was under way. A zero to is from.
func IncidentDuring(as []Annotation, from, to time.Time, scenario string) *Annotation {
	if to.IsZero() || to.Before(from) {
		to = from
	}
	for i := range as {
		a := &as[i]
		end := a.Time
		if a.End != nil {
			end = *a.End
		}
		if a.Kind == AnnotationIncident && a.AppliesTo(scenario) && !a.Time.After(to) && !end.Before(from) {
			return a
		}
	}
	return nil
}

const annotationsFile = "annotations.jsonl"

// AnnotationsPath is the file the store keeps its annotations in.
func (s *Store) AnnotationsPath() string { return filepath.Join(s.Dir, annotationsFile) }

// annotationLine is one line of annotations.jsonl: an annotation, or (with
// Removed) the removal of the annotation of that ID, Time then being when
// it was removed.
type annotationLine struct {
	Annotation
	Removed bool `json:"removed,omitempty"`
}

// removalLine is how a removal is written: id, removed, time.
type removalLine struct {
	ID      string    `json:"id"`
	Removed bool      `json:"removed"`
	Time    time.Time `json:"time"`
}

// annotationLog is annotations.jsonl folded: the annotations that are not
// removed, in file order, and every ID the file has held.
type annotationLog struct {
	live []Annotation
	ever map[string]bool
	// torn is true when the file does not end with a newline (a write cut
	// short): the next line must start on a line of its own.
	torn bool
}

func (l *annotationLog) find(id string) int {
	for i := range l.live {
		if l.live[i].ID == id {
			return i
		}
	}
	return -1
}

// Annotations returns the store's annotations, oldest first (those of one
// time in the order they were added), without the removed ones. A store
// without annotations.jsonl has none. A line that is not an annotation is
// an error naming the file and the line.
func (s *Store) Annotations() ([]Annotation, error) {
	l, err := s.readAnnotations()
	if err != nil {
		return nil, err
	}
	as := l.live
	sort.SliceStable(as, func(i, j int) bool { return as[i].Time.Before(as[j].Time) })
	return as, nil
}

func (s *Store) readAnnotations() (*annotationLog, error) {
	path := s.AnnotationsPath()
	l := &annotationLog{ever: map[string]bool{}}
	if err := checkAnnotationsFile(path); errors.Is(err, fs.ErrNotExist) {
		return l, nil
	} else if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read annotations: %w", err)
	}
	l.torn = len(data) > 0 && data[len(data)-1] != '\n'
	where := map[string]int{} // live ID → its line
	for i, line := range bytes.Split(data, []byte("\n")) {
		n := i + 1
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		bad := func(format string, args ...any) error {
			return fmt.Errorf("%s:%d: %s; fix or delete that line", path, n, fmt.Sprintf(format, args...))
		}
		var al annotationLine
		if err := json.Unmarshal(line, &al); err != nil {
			var syn *json.SyntaxError
			if errors.As(err, &syn) || strings.HasPrefix(err.Error(), "unexpected end") {
				return nil, bad("not an annotation: the line is not one JSON object")
			}
			return nil, bad("not an annotation: %v", err)
		}
		a := al.Annotation
		switch {
		case strings.TrimSpace(a.ID) == "":
			return nil, bad("the annotation has no id")
		case al.Removed:
			l.ever[a.ID] = true
			if j := l.find(a.ID); j >= 0 {
				l.live = slices.Delete(l.live, j, j+1)
				delete(where, a.ID)
			}
			continue
		case a.Time.IsZero():
			return nil, bad("annotation %s has no time", a.ID)
		case !slices.Contains(AnnotationKinds, a.Kind):
			return nil, bad("annotation %s has kind %q, not one of %s", a.ID, a.Kind, strings.Join(AnnotationKinds, ", "))
		case strings.TrimSpace(a.Title) == "":
			return nil, bad("annotation %s has no title", a.ID)
		case a.End != nil && a.End.Before(a.Time):
			return nil, bad("annotation %s ends before it begins", a.ID)
		}
		if first, dup := where[a.ID]; dup {
			return nil, bad("id %s is already the id of line %d: give one of them another id", a.ID, first)
		}
		where[a.ID] = n
		l.ever[a.ID] = true
		l.live = append(l.live, a)
	}
	return l, nil
}

// checkAnnotationsFile refuses an annotations.jsonl that is not a regular
// file: it is never written through a link, nor read from a FIFO.
func checkAnnotationsFile(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return fmt.Errorf("annotations: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file (%s): move it away or remove it", path, fi.Mode().Type())
	}
	return nil
}

// appendAnnotations appends lines (each a JSON object, without its
// newline) to annotations.jsonl in one write, opened with O_APPEND: what is
// there is never rewritten, so a crash can cut short only the line being
// written. The caller holds the store's lock and has read l from the file.
func (s *Store) appendAnnotations(l *annotationLog, lines ...[]byte) error {
	var buf bytes.Buffer
	if l.torn {
		buf.WriteByte('\n') // end the cut line: ours must stand on their own
	}
	for _, line := range lines {
		buf.Write(line)
		buf.WriteByte('\n')
	}
	path := s.AnnotationsPath()
	before, err := os.Lstat(path)
	existed := err == nil
	if existed && !before.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file (%s): move it away or remove it", path, before.Mode().Type())
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("write annotations: %w", err)
	}
	// What was opened must be what was checked: a link planted meanwhile
	// is not written through.
	opened, err := f.Stat()
	if err == nil {
		var now fs.FileInfo
		if now, err = os.Lstat(path); err == nil && (!now.Mode().IsRegular() || !os.SameFile(opened, now) || (existed && !os.SameFile(before, now))) {
			err = fmt.Errorf("%s changed while it was opened: try again", path)
		}
	}
	if err == nil {
		_, err = f.Write(buf.Bytes())
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write annotations: %w", err)
	}
	return nil
}

var commitRE = regexp.MustCompile(`^[0-9a-f]{4,64}$`)

// checkAnnotation normalizes a (trimmed text, lower-case kind and commit,
// no duplicate tags or scenarios, times without a monotonic reading) and
// returns why it cannot be stored, if it cannot.
func checkAnnotation(a Annotation) (Annotation, error) {
	a.ID = strings.TrimSpace(a.ID)
	a.Kind = strings.ToLower(strings.TrimSpace(a.Kind))
	a.Title = strings.TrimSpace(a.Title)
	a.Text = strings.TrimSpace(a.Text)
	a.Commit = strings.ToLower(strings.TrimSpace(a.Commit))
	a.URL = strings.TrimSpace(a.URL)
	if len(a.ID) > 200 || strings.IndexFunc(a.ID, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return a, fmt.Errorf("id %q is not an annotation id: use at most 200 characters without spaces", a.ID)
	}
	if !slices.Contains(AnnotationKinds, a.Kind) {
		msg := fmt.Sprintf("kind %q is not one of %s", a.Kind, strings.Join(AnnotationKinds, ", "))
		if a.Kind == "" {
			msg = "an annotation needs a kind: one of " + strings.Join(AnnotationKinds, ", ")
		} else if s := scenarios.Suggest(a.Kind, AnnotationKinds); s != "" {
			msg += "; did you mean " + s + "?"
		}
		return a, errors.New(msg)
	}
	switch {
	case a.Title == "":
		return a, errors.New("an annotation needs a title, like the release's version or the incident's cause")
	case strings.ContainsAny(a.Title, "\r\n"):
		return a, errors.New("the title is one line (charts show it): put the rest in the text")
	case a.Time.IsZero():
		return a, errors.New("an annotation needs a time")
	}
	a.Time = a.Time.Round(0)
	if a.End != nil {
		end := a.End.Round(0)
		if end.Before(a.Time) {
			return a, fmt.Errorf("it ends (%s) before it begins (%s): give an end after the time", end.Format(time.RFC3339), a.Time.Format(time.RFC3339))
		}
		a.End = &end
	}
	var err error
	if a.Tags, err = cleanList(a.Tags, "tag"); err != nil {
		return a, err
	}
	if a.Scenarios, err = cleanList(a.Scenarios, "scenario"); err != nil {
		return a, err
	}
	for _, sc := range a.Scenarios {
		if err := checkScenarioName(sc); err != nil {
			return a, err
		}
	}
	if a.Commit != "" && !commitRE.MatchString(a.Commit) {
		return a, fmt.Errorf("commit %q is not a commit hash: give its hash (git rev-parse REF prints it)", a.Commit)
	}
	if a.URL != "" {
		u, err := url.Parse(a.URL)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return a, fmt.Errorf("url %q is not an absolute URL: write it like https://tracker.example.com/PERF-123", a.URL)
		}
	}
	return a, nil
}

// cleanList trims the items, drops empty ones and repeats, and refuses an
// item of several lines.
func cleanList(items []string, what string) ([]string, error) {
	var out []string
	for _, it := range items {
		it = strings.TrimSpace(it)
		switch {
		case it == "" || slices.Contains(out, it):
			continue
		case strings.ContainsAny(it, "\r\n"):
			return nil, fmt.Errorf("%s %q has several lines: a %s is one line", what, it, what)
		}
		out = append(out, it)
	}
	return out, nil
}

// newAnnotationID draws six hex digits that the store has never used.
func newAnnotationID(used map[string]bool) string {
	for {
		id := fmt.Sprintf("%06x", rand.N(1<<24))
		if !used[id] {
			return id
		}
	}
}

// AddAnnotation validates a and appends it to <Dir>/annotations.jsonl,
// returning it as stored. Its kind must be one of AnnotationKinds (any
// case), its title one line, its time set and its end, if any, not before
// it; scenarios must be scenario names, a commit a hex hash, a URL
// absolute. Text is trimmed, empty tags dropped. An empty ID is assigned
// (six hex digits never used in the store); a given one must be no live
// annotation's. It holds the folder's lock while it reads the file and
// appends, so annotations added at once by several processes are all kept;
// it fails with ErrLocked after LockTimeout.
func (s *Store) AddAnnotation(a Annotation) (Annotation, error) {
	a, err := checkAnnotation(a)
	if err != nil {
		return Annotation{}, fmt.Errorf("add annotation: %w", err)
	}
	unlock, err := s.lock()
	if err != nil {
		return Annotation{}, fmt.Errorf("add annotation: %w", err)
	}
	defer unlock()
	l, err := s.readAnnotations()
	if err != nil {
		return Annotation{}, err
	}
	if a.ID == "" {
		a.ID = newAnnotationID(l.ever)
	} else if l.find(a.ID) >= 0 {
		return Annotation{}, fmt.Errorf("add annotation: id %s is taken: leave the id empty to get a new one", a.ID)
	}
	line, err := json.Marshal(a)
	if err != nil {
		return Annotation{}, fmt.Errorf("add annotation: %w", err)
	}
	if err := s.appendAnnotations(l, line); err != nil {
		return Annotation{}, err
	}
	return a, nil
}

// RemoveAnnotation removes the annotation with id. The file stays
// append-only: a removal line, {"id": …, "removed": true, "time": now}, is
// appended, and Annotations leaves the annotation out from then on. An id
// that names no annotation (or a removed one) is an error.
func (s *Store) RemoveAnnotation(id string) error {
	unlock, err := s.lock()
	if err != nil {
		return fmt.Errorf("remove annotation: %w", err)
	}
	defer unlock()
	l, err := s.readAnnotations()
	if err != nil {
		return err
	}
	if l.find(id) < 0 {
		if l.ever[id] {
			return fmt.Errorf("remove annotation: %s is removed already", id)
		}
		return fmt.Errorf("remove annotation: no annotation has the id %q: list them with 'hotbench annotate ls'", id)
	}
	line, err := json.Marshal(removalLine{ID: id, Removed: true, Time: time.Now().UTC().Round(0)})
	if err != nil {
		return fmt.Errorf("remove annotation: %w", err)
	}
	return s.appendAnnotations(l, line)
}
