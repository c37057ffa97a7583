package profiles

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/pprof/profile"
	"github.com/hotbench/hotbench/internal/safefile"
	"github.com/hotbench/hotbench/scenarios"
)

// DefaultGrace is how long a fetch or command may run past the window before
// it is abandoned: a loaded server answers late, and the CPU profile itself
// only ends when the window does.
const DefaultGrace = 10 * time.Second

// Config says where profiles come from and which kinds to take.
type Config struct {
	// PprofURL is a Go net/http/pprof base URL, with any path prefix
	// ("http://127.0.0.1:6060/admin/debug/pprof").
	PprofURL string
	// Command is run through `sh -c` once per kind, for servers that are not
	// Go. It takes precedence over PprofURL when both are set.
	Command string
	// Kinds are profile kinds (scenarios.ProfileKinds); empty means cpu.
	Kinds []string
	// PID is the server's process id, substituted for {pid} in Command.
	PID int
	// Client fetches from PprofURL; nil means a default client. A Timeout
	// shorter than the window plus Grace is raised to it.
	Client *http.Client
	// Grace is the time allowed past the window; zero means DefaultGrace.
	Grace time.Duration
	// MaxBytes bounds each profile as downloaded and once decompressed;
	// zero means DefaultMaxBytes. A larger one is skipped with a Warning,
	// and never held in memory beyond the bound.
	MaxBytes int64
}

// Captured is one stored profile.
type Captured struct {
	Kind string
	// File is the stored file's name relative to the dir given to Capture
	// ("rep-03-cpu.pb.gz"), so a run folder can move as a whole.
	File string
	// Start and Window are the time span the profile covers. Snapshot kinds
	// (heap, goroutine) are taken at the end of the window: their Start is the
	// moment of the snapshot and their Window is zero.
	Start  time.Time
	Window time.Duration
	// Bytes is the stored file's size.
	Bytes int64
	// Profile is the profile as stored.
	Profile *profile.Profile
}

// Warning is a caveat about one kind: it failed, was cut short, or is empty.
// Kind is empty for a caveat about the whole configuration.
type Warning struct {
	Kind   string
	Reason string
}

func (w Warning) String() string {
	if w.Kind == "" {
		return "profiles: " + w.Reason
	}
	return w.Kind + " profile: " + w.Reason
}

// snapshotKinds are point-in-time profiles: taken at the end of the window.
var snapshotKinds = map[string]bool{"heap": true, "goroutine": true}

var kindName = regexp.MustCompile(`^[a-z0-9_]+$`)

// Capture takes one profile per configured kind over the window that starts
// now, stores each as dir/{prefix}-{kind}.pb.gz and returns them in the order
// of cfg.Kinds. It never fails: a kind that cannot be taken, is cut short by
// ctx, or cannot be stored becomes a Warning, and the other kinds go on.
// A stored profile that holds no samples is returned with a Warning as well.
func Capture(ctx context.Context, cfg Config, window time.Duration, dir string, prefix string) ([]Captured, []Warning) {
	if cfg.PprofURL == "" && cfg.Command == "" {
		return nil, nil
	}
	c := &capturer{cfg: cfg, window: max(window, 0), dir: dir, prefix: prefix, grace: cfg.Grace, maxBytes: maxBytes(cfg.MaxBytes)}
	if c.grace <= 0 {
		c.grace = DefaultGrace
	}
	var warns []Warning
	if cfg.PprofURL != "" && cfg.Command != "" {
		warns = append(warns, Warning{Reason: "both pprof and command are set; using the command"})
	}
	if strings.ContainsAny(prefix, `/\`) {
		return nil, append(warns, Warning{Reason: fmt.Sprintf("file prefix %q must not contain a path separator", prefix)})
	}

	kinds := normalizeKinds(cfg.Kinds)
	start := time.Now()
	results := make([]kindResult, len(kinds))
	var wg sync.WaitGroup
	for i, kind := range kinds {
		wg.Go(func() { results[i] = c.capture(ctx, kind, start) })
	}
	wg.Wait()

	var got []Captured
	for i, r := range results {
		if r.captured != nil {
			got = append(got, *r.captured)
		}
		if r.warn != "" {
			warns = append(warns, Warning{Kind: kinds[i], Reason: oneLine(r.warn)})
		}
	}
	return got, warns
}

type capturer struct {
	cfg      Config
	window   time.Duration
	grace    time.Duration
	maxBytes int64
	dir      string
	prefix   string
}

type kindResult struct {
	captured *Captured
	warn     string
}

// decodeSlots lets one profile at a time be parsed and stored in the
// process: parsing takes CPU and memory, and the load generator shares the
// machine with every capture of a run.
var decodeSlots = make(chan struct{}, 1)

func (c *capturer) capture(ctx context.Context, kind string, start time.Time) kindResult {
	var (
		p    *profile.Profile
		data []byte
		from string
		err  error
	)
	covered := Captured{Kind: kind, Start: start, Window: c.window}
	switch {
	case c.cfg.Command != "":
		if !kindName.MatchString(kind) {
			return kindResult{warn: fmt.Sprintf("kind %q must be lower-case letters, digits or _", kind)}
		}
		p, err = c.runCommand(ctx, kind, start)
	case !slices.Contains(scenarios.ProfileKinds, kind):
		return kindResult{warn: fmt.Sprintf("unknown kind %q: use one of %s", kind, strings.Join(scenarios.ProfileKinds, ", "))}
	case snapshotKinds[kind]:
		if err := sleepCtx(ctx, time.Until(start.Add(c.window))); err != nil {
			return kindResult{warn: "cut short: capture cancelled before the end of the window"}
		}
		covered.Start, covered.Window = time.Now(), 0
		data, from, err = c.fetch(ctx, kind, 0, start.Add(c.window))
	default:
		data, from, err = c.fetch(ctx, kind, wholeSeconds(c.window), start.Add(c.window))
	}
	if err != nil {
		return kindResult{warn: err.Error()}
	}

	// Parsing and storing take turns, after the window (fetch reads an
	// answer only then): the measured window is the load generator's. (A
	// command's output is parsed by runCommand.)
	decodeSlots <- struct{}{}
	defer func() { <-decodeSlots }()
	if p == nil {
		p, err = parseBounded(data, c.maxBytes)
		data = nil
		var tl *TooLargeError
		switch {
		case errors.As(err, &tl):
			return kindResult{warn: tooLarge(from, tl).Error()}
		case err != nil:
			return kindResult{warn: fmt.Sprintf("GET %s answered something that is not a pprof profile (%v): is the URL a net/http/pprof base like http://host:port/debug/pprof?", from, err)}
		}
	}

	name := kind + ".pb.gz"
	if c.prefix != "" {
		name = c.prefix + "-" + name
	}
	n, err := writeProfile(filepath.Join(c.dir, name), p)
	if err != nil {
		return kindResult{warn: fmt.Sprintf("store: %v", err)}
	}
	covered.File, covered.Bytes, covered.Profile = name, n, p
	r := kindResult{captured: &covered}
	if len(p.Sample) == 0 {
		r.warn = "the profile holds no samples" + emptyHint(kind)
	}
	return r
}

func emptyHint(kind string) string {
	switch kind {
	case "mutex":
		return " (the server must call runtime.SetMutexProfileFraction)"
	case "block":
		return " (the server must call runtime.SetBlockProfileRate)"
	case "cpu":
		return " (was the server idle during the window?)"
	}
	return ""
}

// wholeSeconds is the window rounded up to whole seconds, at least 1, as the
// `seconds` parameter of net/http/pprof and {seconds} of a command want it.
func wholeSeconds(d time.Duration) int64 {
	return max(1, int64(math.Ceil(d.Seconds())))
}

func normalizeKinds(kinds []string) []string {
	var out []string
	for _, k := range kinds {
		k = strings.ToLower(strings.TrimSpace(k))
		if k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		out = []string{"cpu"}
	}
	return out
}

// writeProfile writes p gzipped to path through a temporary file and a
// rename, so a reader never sees half a profile.
func writeProfile(path string, p *profile.Profile) (int64, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return 0, err
	}
	// Inside the run folder only a regular file (or nothing) is replaced: a
	// link planted there is never written through.
	var n int64
	err := safefile.Write(path, func(w io.Writer) error {
		cw := &countingWriter{w: w}
		err := p.Write(cw)
		n = cw.n
		return err
	}, safefile.RegularOnly())
	if err != nil {
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	return n, nil
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// abandoned explains why work bounded by the caller's ctx and by a budget
// (window plus grace) stopped, or returns "" if neither is the cause.
func (c *capturer) abandoned(parent context.Context, err error, budget time.Duration) string {
	switch {
	case parent.Err() != nil:
		return "cut short: capture cancelled"
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("no result within %s (the window plus %s grace)", budget, c.grace)
	}
	return ""
}

// oneLine keeps a reason to one line: warnings are listed one per line.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	s = strings.Join(strings.Fields(strings.ReplaceAll(s, "\r", " ")), " ")
	const maxLen = 300
	if len(s) > maxLen {
		s = strings.ToValidUTF8(s[:maxLen], "") + "…"
	}
	return s
}
