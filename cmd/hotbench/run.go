package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hotbench/hotbench/compare"
	"github.com/hotbench/hotbench/report"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/runner"
	"github.com/hotbench/hotbench/scenarios"
)

func (a *app) runCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "run SCENARIO",
		Annotations: map[string]string{watchesInterrupt: "true"},
		Short:       "Drive a scenario's load and store the run",
		Long: `run drives the scenario's load (open model by default), records a latency
histogram per endpoint and repetition measured from each request's scheduled send
time, and stores the run under the results folder. Ctrl-C stops the load at once
and keeps what was measured, marked incomplete.`,
		Args: exactArgs(1, "a scenario file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, err := loadScenario(args[0], a.scenarioOverrides(cmd))
			if err != nil {
				return err
			}
			if sharded(cmd) {
				return a.runSharded(cmd, sc, args[0])
			}
			run, err := runner.Run(a.ctx, sc, runner.Options{
				Label:       a.v.GetString("label"),
				Store:       a.store(),
				Raw:         a.v.GetBool("raw"),
				Progress:    a.stderr,
				Interactive: interactive(a.stderr),
				Version:     version(),
			})
			if err := a.finishRun(run, err, a.v.GetBool("json")); err != nil {
				return err
			}
			return a.checkRunSLOs(run)
		},
	}
	f := cmd.Flags()
	f.String("label", "", "label of this run, e.g. before or after (part of its folder name)")
	f.Int("runs", 0, "repetitions, overriding the scenario's runs")
	f.String("target", "", "base URL of the service, overriding the scenario's target")
	f.String("rate", "", "arrival rate, overriding load.rate (200/s, max)")
	f.String("duration", "", "measured window of a repetition, overriding load.duration")
	f.Bool("raw", false, "also write the measured results (no warm-up, no bodies) in vegeta's format: raw/results.bin holds the valid repetitions for vegeta report and plot, raw/repetitions/ each one by endpoint")
	f.Bool("json", false, "print the summary as JSON on standard output")
	f.Bool("allow-outside", false, "let body_file name files outside the scenario's folder (allow_outside_files)")
	addShardFlags(f)
	return cmd
}

// scenarioOverrides turns the flags the user set, or the config file sets,
// into scenario keys (the scenario's own environment layer sits below them).
func (a *app) scenarioOverrides(cmd *cobra.Command) map[string]string {
	keys := map[string]string{"runs": "runs", "target": "target", "rate": "load.rate", "duration": "load.duration", "allow-outside": "allow_outside_files"}
	out := map[string]string{}
	for flag, key := range keys {
		if cmd.Flags().Changed(flag) || a.v.InConfig(flag) {
			out[key] = a.v.GetString(flag)
		}
	}
	return out
}

// loadScenario loads and validates a scenario; problems are usage errors
// listing every one of them.
func loadScenario(path string, overrides map[string]string) (*scenarios.Scenario, error) {
	sc, err := scenarios.Load(path, overrides)
	if err != nil {
		return nil, usageError{err}
	}
	return sc, nil
}

// finishRun prints what a run measured, whatever happened to it, and turns
// the runner's error into the command's.
func (a *app) finishRun(run *results.Run, err error, asJSON bool) error {
	if run == nil {
		if err != nil {
			return err
		}
		return errors.New("no run")
	}
	if len(run.Repetitions) > 0 {
		if perr := a.printSummary(run, asJSON); perr != nil {
			return perr
		}
	}
	switch {
	case errors.Is(err, runner.ErrInterrupted):
		fmt.Fprintf(a.stderr, "hotbench: interrupted: kept %d repetition(s) in %s, marked incomplete\n", len(run.Repetitions), run.Dir)
		return fmt.Errorf("%w%w", errSilent, err)
	case err != nil:
		return fmt.Errorf("%v (what was measured is kept in %s)", err, run.Dir)
	}
	fmt.Fprintf(a.stderr, "stored %s\n", run.Dir)
	return nil
}

// checkRunSLOs holds a stored run to its scenario's gate.slo (default
// error_rate 1 %), as k6 holds a test to its thresholds: a breach, or a run
// without one valid repetition, is printed and fails the run (exit 1); the
// run stays stored either way.
func (a *app) checkRunSLOs(run *results.Run) error {
	failures := compare.CheckRun(run, compare.PolicyFromScenario(run.Scenario.Gate))
	if len(failures) == 0 {
		return nil
	}
	for _, f := range failures {
		where := strings.TrimPrefix(f.Endpoint+" "+f.Metric, " ")
		if where != "" {
			where += ": "
		}
		fmt.Fprintf(a.stderr, "FAIL %s%s\n", where, f.Reason)
	}
	return failError{fmt.Sprintf("run failed: %d SLO breach(es) (gate.slo; the run is kept in %s)", len(failures), run.Dir)}
}

// printSummary prints the run's summary as JSON, or as text with its
// scenario's hotspots against their objectives.
func (a *app) printSummary(run *results.Run, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(results.Summarize(run))
	}
	return report.WriteRunSummary(a.stdout, run)
}

func (a *app) validateCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "validate SCENARIO...",
		Short: "Check scenario files and list every problem (exit 2 on any)",
		Args:  minArgs(1, "one or more scenario files"),
		RunE: func(cmd *cobra.Command, args []string) error {
			bad := 0
			var overrides map[string]string
			if a.v.GetBool("allow-outside") {
				overrides = map[string]string{"allow_outside_files": "true"}
			}
			for _, path := range args {
				sc, err := scenarios.Load(path, overrides)
				if err != nil {
					bad++
					fmt.Fprintln(a.stderr, err)
					continue
				}
				fmt.Fprintf(a.stdout, "%s: ok (%s, %d endpoint(s), %s)\n", path, sc.Name, len(sc.Endpoints), describeLoad(sc))
				if need := compare.NeedRuns(sc.Gate.Alpha); sc.Runs < need {
					// Valid, but no gate on such runs can ever decide.
					fmt.Fprintf(a.stderr, "%s: note: runs: %d is too few for statistics: with fewer than %d a side nothing can be significant at alpha %g (gates exit 3); %d are recommended\n",
						path, sc.Runs, need, sc.Gate.Alpha, max(need, compare.RecommendedRuns))
				}
			}
			if bad > 0 {
				return usagef("%d of %d scenario file(s) have problems", bad, len(args))
			}
			return nil
		},
	}
	cmd.Flags().Bool("allow-outside", false, "let body_file name files outside the scenario's folder (allow_outside_files)")
	return cmd
}

func describeLoad(sc *scenarios.Scenario) string {
	l := sc.Load
	if l.Closed() {
		return fmt.Sprintf("closed model, %d workers for %s × %d runs", l.Workers, l.Window(), sc.Runs)
	}
	s := fmt.Sprintf("%s for %s", l.Rate, l.Window())
	if len(l.Stages) > 0 {
		s = fmt.Sprintf("%d stages over %s", len(l.Stages), l.Window())
	}
	return s + " × " + strconv.Itoa(sc.Runs) + " runs"
}
