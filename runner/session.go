package runner

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/hotbench/hotbench/internal/redact"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// Session is one run whose repetitions its caller drives one at a time, so
// that two runs can be interleaved (hotbench ab runs the base's and the
// candidate's repetitions in ABBA/BAAB blocks). Run is a Session driven by
// the scenario's own plan: sc.Runs repetitions, an invalid one redone at
// once up to load.retries times.
//
// A Session is not safe for concurrent use; its methods are called in turn:
// Begin, Repetition as many times as the caller decides, then Finish once.
type Session struct {
	sc        *scenarios.Scenario
	opts      Options
	run       *results.Run
	p         *progress
	transport *transport

	plan     int  // the repetitions planned, retries aside (sc.Runs unless SetPlanned)
	retried  int  // the repetitions run in place of invalid ones
	saved    int  // the repetitions run.json holds
	finished bool // Finish (or a failed save in measure) closed the session
}

// Begin checks that the target is reachable, reads server.pid_file (see
// Options.ServerPID) and checks the profile endpoint, then creates and
// stores the run folder, as Run does before any load, and returns the
// session that runs its repetitions. Nothing is created when a check
// fails; the error is one line that says what to do.
func Begin(ctx context.Context, sc *scenarios.Scenario, opts Options) (_ *Session, err error) {
	defer func() { err = redactError(err) }()
	if opts.Store == nil {
		return nil, errors.New("runner: no results store")
	}
	if err := Reachable(ctx, sc.Target); err != nil {
		return nil, interrupted(ctx, err)
	}
	if opts.ServerPID == 0 {
		pid, err := pidFromFile(sc)
		if err != nil {
			return nil, err
		}
		opts.ServerPID = pid
	}
	// Checked once before the load, so a wrong profile URL is said in a
	// second rather than as one warning per repetition after the whole run.
	profWarn, err := checkProfileEndpoint(ctx, sc.Profiles)
	if err != nil {
		return nil, interrupted(ctx, err)
	}
	stored := redacted(*sc)
	run := &results.Run{
		FormatVersion:   results.FormatVersion,
		Scenario:        stored,
		ScenarioHash:    scenarios.Hash(&stored),
		Label:           opts.Label,
		Start:           time.Now().UTC(),
		Host:            hostInfo(),
		GoVersion:       runtime.Version(),
		HotbenchVersion: opts.Version,
		VegetaVersion:   moduleVersion("github.com/tsenart/vegeta/v12"),
	}
	if opts.Git != nil {
		run.Git = *opts.Git
	} else {
		run.Git = gitState(ctx)
	}
	if err := opts.Store.Create(run); err != nil {
		return nil, fmt.Errorf("create run folder: %w", err)
	}
	s := &Session{
		sc:   sc,
		opts: opts,
		run:  run,
		p:    newProgress(opts.Progress, opts.Interactive, sc),
		// One transport for the whole run: connections stay warm from one
		// repetition to the next, and are closed when the run ends.
		transport: newTransport(sc.Load.Timeout.D()),
		plan:      sc.Runs,
	}
	if profWarn != "" {
		run.ProfileWarnings = append(run.ProfileWarnings, profWarn)
		s.p.warn(profWarn)
	}
	return s, nil
}

// Run is the run being built. A caller may change it between repetitions
// (Run().AB, which side of an interleaved session it is): the next save
// stores the change (Repetition, Save, Finish).
func (s *Session) Run() *results.Run { return s.run }

// ServerPID is the process id whose CPU time and memory each repetition
// reads from /proc: Options.ServerPID, or the one server.pid_file names; 0
// when unknown.
func (s *Session) ServerPID() int { return s.opts.ServerPID }

// SetPlanned sets how many repetitions the caller means to run, retries
// aside: progress shows "rep 3/8", and Finish warns when fewer than that
// many are valid. Begin plans sc.Runs; hotbench ab plans two a block per
// side. Each Repetition run as a retry adds one to what progress shows.
func (s *Session) SetPlanned(n int) { s.plan = n }

// planned is what progress shows for repetition index: the plan, the
// retries begun, and never fewer than the repetitions run.
func (s *Session) planned(index int) int { return max(s.plan+s.retried, index) }

// Repetition runs the next repetition (index len(Run().Repetitions)+1):
// its warm-up and measured window, the server's profiles and its CPU time
// and memory over the window. It appends the repetition to the run, valid
// or not, and saves run.json. retry marks it as run in place of an invalid
// one. Whether to redo an invalid repetition is the caller's decision:
// Repetition never repeats itself.
//
// The error wraps ErrInterrupted after Ctrl-C, or says why the repetition
// failed (profiles.required without a profile, raw results that could not
// be written); the repetition is then appended but not saved, and the
// caller ends the run with Finish(err), which saves it. An error that wraps
// ErrNotSaved means run.json could not be written: the folder holds what
// the last save put there, and the message says how many repetitions.
func (s *Session) Repetition(ctx context.Context, retry bool) (_ results.Repetition, err error) {
	defer func() { err = redactError(err) }()
	rep, runErr, saveErr := s.next(ctx, retry)
	if saveErr != nil {
		return rep, saveErr
	}
	return rep, runErr
}

// next runs the next repetition, keeping apart a failure of the
// repetition (runErr: it was not saved) and of the save after it.
func (s *Session) next(ctx context.Context, retry bool) (rep results.Repetition, runErr, saveErr error) {
	if s.finished {
		return results.Repetition{}, errors.New("runner: Repetition after the session finished"), nil
	}
	if retry {
		s.retried++
	}
	run := s.run
	index := len(run.Repetitions) + 1
	rep, warns, profWarns, err := repetition(ctx, s.sc, index, s.planned(index), retry, run.Dir, s.opts, s.p, s.transport)
	run.Repetitions = append(run.Repetitions, rep)
	run.Warnings = append(run.Warnings, warns...)
	run.ProfileWarnings = append(run.ProfileWarnings, profWarns...)
	run.End = time.Now().UTC()
	if err != nil {
		return rep, err, nil
	}
	if err := results.Save(run); err != nil {
		return rep, nil, notSaved(run, s.saved, nil, err)
	}
	s.saved = len(run.Repetitions)
	return rep, nil, nil
}

// Save writes run.json now, for a caller that changed Run() between
// repetitions. An error wraps ErrNotSaved.
func (s *Session) Save() error {
	if err := results.Save(s.run); err != nil {
		return redactError(notSaved(s.run, s.saved, nil, err))
	}
	s.saved = len(s.run.Repetitions)
	return nil
}

// Finish ends the run: it adds the warnings about the run as a whole
// (fewer valid repetitions than planned, a load generator that fell
// behind, a rate not achieved), marks the run complete, or incomplete
// with runErr as the reason, saves it a last time and closes the
// connections. It returns the run and runErr, as Run does: no run, and an
// error wrapping ErrNotSaved, when run.json could not be written.
func (s *Session) Finish(runErr error) (_ *results.Run, err error) {
	defer func() { err = redactError(err) }()
	if s.finished {
		return nil, errors.New("runner: the session finished already")
	}
	s.close()
	run := s.run
	if err := s.joinRaw(); err != nil && runErr == nil {
		runErr = err
	}
	var after []string
	if valid, _ := run.ValidRepetitions(); len(valid) < s.plan {
		after = append(after, fmt.Sprintf(
			"only %d of %d repetitions are valid (%d run, %d of %d retries used): statistics use the valid ones; see the repetitions' reasons and run again",
			len(valid), s.plan, len(run.Repetitions), s.retried, s.sc.Load.Retries))
	}
	after = append(after, lagWarnings(run)...)
	after = append(after, rateWarnings(run)...)
	run.Warnings = append(run.Warnings, after...)
	for _, w := range after {
		s.p.warn(w)
	}
	run.Complete = runErr == nil
	if runErr != nil {
		run.IncompleteReason = redact.Text(runErr.Error())
	}
	if err := results.Save(run); err != nil {
		return nil, notSaved(run, s.saved, runErr, err)
	}
	return run, runErr
}

// close ends the session without a last save.
func (s *Session) close() {
	s.finished = true
	s.transport.CloseIdleConnections()
}

// measure runs the scenario's plan against a target that is already up:
// sc.Runs repetitions, an invalid one redone at once up to load.retries
// times per run, so the run still has sc.Runs samples if it can; an
// interrupted one ends the run instead (Ctrl-C means stop).
func measure(ctx context.Context, sc *scenarios.Scenario, opts Options) (*results.Run, error) {
	s, err := Begin(ctx, sc, opts)
	if err != nil {
		return nil, err
	}
	var runErr error
	planned, retries, retry := sc.Runs, 0, false
	for i := 1; i <= planned; i++ {
		rep, err, saveErr := s.next(ctx, retry)
		if saveErr != nil {
			s.close()
			return nil, saveErr
		}
		if err != nil {
			runErr = err
			break
		}
		retry = false
		if !rep.Valid() {
			why := strings.Join(rep.Reasons(), "; ")
			if retries < sc.Load.Retries {
				retries++
				planned++
				retry = true
				s.p.note(fmt.Sprintf("repetition %d invalid (%s): redoing it, %d of %d retries", rep.Index, why, retries, sc.Load.Retries))
			} else {
				s.p.note(fmt.Sprintf("repetition %d invalid (%s): not redone, all %d retries used (load.retries)", rep.Index, why, sc.Load.Retries))
			}
		}
	}
	return s.Finish(runErr)
}
