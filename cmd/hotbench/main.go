// Command hotbench drives load at a service, records honest latency and
// server profiles, and says with benchstat's statistics whether a change
// made a hotspot faster. See the README and docs/design.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/hotbench/hotbench/internal/safefile"
	"github.com/hotbench/hotbench/runner"
)

// Exit codes. Every decision about them is made in exitCode.
const (
	exitOK    = 0
	exitFail  = 1 // the run failed, or the gate found a regression
	exitUsage = 2 // bad input: flags, scenario, references, results
	// exitInconclusive: a side has too few valid repetitions to decide.
	exitInconclusive = 3
	exitInterrupted  = 130
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The first Ctrl-C cancels ctx (the load stops, results are kept); a
	// second one gets the default behaviour and ends the process.
	context.AfterFunc(ctx, stop)
	os.Exit(Main(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// Main runs hotbench with args and returns the exit code; tests call it
// in-process. When ctx is cancelled (Ctrl-C, SIGTERM), a command that
// watches it (run, demo, profile view) stops on its own and keeps what it
// measured; any other command is abandoned at once with exit 130, its
// unfinished output files removed, so a signal always stops hotbench.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := newRootCommand(ctx, stdout, stderr)
	cmd.SetArgs(args)
	watches := false
	if sub, _, err := cmd.Find(args); err == nil {
		watches = sub.Annotations[watchesInterrupt] == "true"
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Execute() }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		if watches {
			err = <-done
			break
		}
		select {
		case err = <-done: // it finished as the signal came
		default:
			safefile.RemoveUnfinished()
			fmt.Fprintln(stderr, "hotbench: interrupted")
			return exitInterrupted
		}
	}
	code := exitCode(err)
	if err != nil && !errors.Is(err, errSilent) {
		fmt.Fprintln(stderr, "hotbench:", err)
	}
	return code
}

// watchesInterrupt is the annotation of a command that stops by itself,
// keeping what it did, when the context is cancelled.
const watchesInterrupt = "hotbench/watches-interrupt"

// errSilent marks an error whose message was already printed.
var errSilent = errors.New("")

// usageError is bad input from the user: exit 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// failError is a verdict that failed (a gate): exit 1, message already shown.
type failError struct{ msg string }

func (e failError) Error() string { return e.msg }

// inconclusiveError is a gate that could not decide: exit 3, rerun.
type inconclusiveError struct{ msg string }

func (e inconclusiveError) Error() string { return e.msg }

func exitCode(err error) int {
	var usage usageError
	var fail failError
	var inconclusive inconclusiveError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, runner.ErrInterrupted):
		return exitInterrupted
	case errors.As(err, &usage):
		return exitUsage
	case errors.As(err, &fail):
		return exitFail
	case errors.As(err, &inconclusive):
		return exitInconclusive
	case isCobraUsage(err):
		return exitUsage
	}
	return exitFail
}
