package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/hotbench/hotbench/internal/redact"
	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// ErrInterrupted is returned, wrapped, when the context was cancelled during
// the load. The run returned with it holds what was measured until then.
var ErrInterrupted = errors.New("interrupted")

// ErrNotSaved is wrapped by Run's error when run.json could not be written
// (a full disk): Run then returns no run, since the run folder holds only
// what the last successful save put there, and the message says how many
// repetitions that is. Without it, a run Run returns is stored as returned.
var ErrNotSaved = errors.New("run.json could not be saved")

// drainGrace is how long a stopped attack may take to hand back the requests
// it has in flight before they are abandoned: Ctrl-C must stop the load at
// once, not after the slowest timeout.
const drainGrace = time.Second

// Options controls one execution of a scenario.
type Options struct {
	// Label names the run ("before", "fix-regexp"); it is part of the folder name.
	Label string
	// Store receives the run; the run folder is created before any load.
	Store *results.Store
	// Raw also writes the measured results in vegeta's format, without
	// bodies: raw/results.bin and raw/repetitions/ (see raw.go).
	Raw bool
	// Progress receives progress and warnings (usually standard error); nil
	// for none. Interactive redraws a live line instead of printing lines.
	Progress    io.Writer
	Interactive bool
	// Version is hotbench's version, recorded in run.json.
	Version string
	// ServerPID is the server's process id when known: each repetition
	// reads the CPU time and memory of it and its descendants from /proc
	// (cpu_per_req, rss_peak), and profiles.command gets it as {pid}. Run
	// sets it for a server it starts; when it is 0, Begin reads it from
	// server.pid_file, if the scenario names one.
	ServerPID int
	// Git, when set, is recorded as the code under test instead of the
	// working directory's git state (hotbench ab measures builds of other
	// commits).
	Git *results.Git
	// Shard makes this process one shard of a schedule split over
	// several (runner/shard.go): it sends only the hits of each endpoint's
	// stream whose number is congruent to Shard.Index modulo Shard.Count.
	// The zero Shard is the whole schedule.
	Shard Shard
	// StartAt, when set, says when repetition index must begin (its
	// warm-up's first hit), so that shards on several machines start each
	// repetition together; the repetition waits until then. A zero time
	// starts at once.
	StartAt func(index int) time.Time

	// pauseHook, set by tests, runs before the pacer paces hit n of
	// repetition rep: a hook that sleeps stalls the generator.
	pauseHook func(rep int, n uint64)
	// createRaw, set by tests, creates a raw results file in place of
	// safefile.Create.
	createRaw func(path string) (rawFile, error)
}

// Run executes the scenario's repetitions against its target and stores the
// run. It returns the run even when it fails part way (then incomplete and
// saved), with an error that says why; an interrupted run wraps
// ErrInterrupted, and one whose run.json could not be written returns no
// run and wraps ErrNotSaved. Secrets in the scenario's URLs are redacted in
// everything Run stores, prints or returns (see redacted).
func Run(ctx context.Context, sc *scenarios.Scenario, opts Options) (run *results.Run, err error) {
	defer func() { err = redactError(err) }()
	if opts.Store == nil {
		return nil, errors.New("runner: no results store")
	}
	if !sc.Server.Managed() {
		return measure(ctx, sc, opts)
	}
	srv, err := StartServer(ctx, *sc.Server, sc.Target)
	if err != nil {
		return nil, interrupted(ctx, err)
	}
	opts.ServerPID = srv.PID()
	run, err = measure(ctx, sc, opts)
	if stopErr := srv.Stop(); stopErr != nil && run != nil {
		// The server died under load: the errors are in the run; say why.
		run.Warnings = append(run.Warnings, redact.Text(stopErr.Error()))
		if saveErr := results.Save(run); saveErr != nil && err == nil {
			// run.json holds every repetition, only not this warning.
			err = fmt.Errorf("%v; and run.json could not record it: %w", stopErr, saveErr)
		}
	}
	return run, err
}

// notSaved is the error of a run whose run.json could not be written: what
// went wrong first (cause, when something did), the failed save, and how
// many repetitions the folder still holds from the last save that worked.
func notSaved(run *results.Run, saved int, cause, err error) error {
	msg := fmt.Sprintf("%v: %s holds %d of the %d repetitions measured; free space and run again", err, run.Dir, saved, len(run.Repetitions))
	if cause != nil {
		msg = fmt.Sprintf("%v; and run.json could not be saved either (%v): %s holds %d of the %d repetitions measured", cause, err, run.Dir, saved, len(run.Repetitions))
	}
	return &notSavedError{msg: msg, errs: []error{ErrNotSaved, cause, err}}
}

type notSavedError struct {
	msg  string
	errs []error
}

func (e *notSavedError) Error() string   { return e.msg }
func (e *notSavedError) Unwrap() []error { return e.errs }

// Reachable fails when nothing accepts connections at the target, so a typo
// in the URL costs a second, not a whole run of connection errors.
func Reachable(ctx context.Context, target string) error {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return fmt.Errorf("target %q is not a URL: write it like http://127.0.0.1:8080", redact.URL(target))
	}
	host := u.Host
	if u.Port() == "" {
		port := "80"
		if u.Scheme == "https" {
			port = "443"
		}
		host = net.JoinHostPort(u.Hostname(), port)
	}
	d := net.Dialer{Timeout: 3 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return fmt.Errorf("target %s is unreachable (%v): start the service or fix target (--target, HOTBENCH_TARGET)", redact.URL(target), unwrapOp(err))
	}
	return conn.Close()
}

func unwrapOp(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	return err
}

func joinURL(target, path string) string {
	return strings.TrimSuffix(target, "/") + path
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// lagWarnings says loudly when the numbers the run reports include a load
// generator that fell behind its schedule: such numbers measure hotbench as
// much as the server. It judges the repetitions the summary merges by the
// limits that make a single repetition invalid, so it speaks when no
// repetition was valid, and a run whose lagging repetitions were redone is
// not blamed for them.
func lagWarnings(run *results.Run) []string {
	l := run.Scenario.Load
	if l.Closed() {
		return nil
	}
	maxLag, stall := lagLimits(l)
	reps, _ := run.MergedRepetitions() // the repetitions the numbers come from
	var out []string
	for _, name := range run.EndpointNames() {
		lag := results.NewHistogram()
		for _, rep := range reps {
			if e := rep.Endpoint(name); e != nil {
				lag.Merge(e.SendLag)
			}
		}
		p99, mx := lag.Quantile(0.99), lag.Max()
		if p99 > maxLag.Seconds() || mx > stall.Seconds() {
			out = append(out, fmt.Sprintf(
				"load generator fell behind on %s (send lag p99 %s, max %s): this run measures hotbench as much as the server; lower the rate, remove max_workers or use a bigger load machine",
				name, metric.Format(p99, metric.Seconds), metric.Format(mx, metric.Seconds)))
		}
	}
	return out
}

// interrupted marks an error that happened because ctx was cancelled.
func interrupted(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w before the load began", ErrInterrupted)
	}
	return err
}
