package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hotbench/hotbench/compare"
	"github.com/hotbench/hotbench/results"
)

func (a *app) compareCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "compare BASE CAND",
		Short: "Say with benchstat's statistics what changed between two sets of runs",
		Long: `compare pools the repetitions of each side (a run folder, scenario@label,
scenario@latest or a baseline name; several, comma-separated) and compares every
endpoint's metrics and hotspot function shares with benchstat's statistics
(median, order-statistic confidence interval, Mann-Whitney U test).`,
		Args: exactArgs(2, "a base and a candidate"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, _, err := a.comparison(args, false)
			if err != nil {
				return err
			}
			return a.writeVerdict("compare", c, nil)
		},
	}
	a.verdictFlags(cmd)
	return cmd
}

func (a *app) gateCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "gate BASE CAND",
		Short: "Fail (exit 1) on a significant regression or an SLO breach; exit 0 otherwise",
		Long: `gate compares like compare, then applies the policy of the base scenario's
gate section, overridden by flags. Regressions are tested with Holm's correction
across the gated rows, so an A/A pair fails at most alpha of the time. Exit codes:
0 pass, 1 regression or SLO breach, 2 usage or input error (including an unknown
metric or endpoint in the policy), 3 inconclusive: a side has too few valid
repetitions to decide (rerun with more; --allow-inconclusive passes with a warning).`,
		Args: exactArgs(2, "a base and a candidate"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, policy, err := a.comparison(args, true)
			var undecided inconclusiveError
			if errors.As(err, &undecided) && a.v.GetBool("allow-inconclusive") {
				fmt.Fprintf(a.stderr, "WARNING: %s; passing because of --allow-inconclusive\n", undecided.msg)
				return nil
			}
			if err != nil {
				return err
			}
			g := compare.Gate(c, policy)
			if err := a.writeVerdict("gate", c, &g); err != nil {
				return err
			}
			return a.gateExit(g)
		},
	}
	a.verdictFlags(cmd)
	cmd.Flags().Bool("allow-inconclusive", false, "pass (with a warning) when a side has too few valid repetitions to decide, instead of exit 3")
	cmd.Flags().String("max-regression", "", "allowed regressions, overriding the scenario's gate: p99=10%,error_rate=0,search.p50=5ms (any percentile: p95, p99.9)")
	cmd.Flags().String("slo", "", "limits the candidate must meet: p95=300ms,search.p99.9=1s,error_rate=0.1%")
	return cmd
}

// gateExit is a gate's decision as the command's result: failures fail
// (exit 1), an undecided gate is inconclusive (exit 3) unless
// --allow-inconclusive passes it with a warning.
func (a *app) gateExit(g compare.GateResult) error {
	switch {
	case len(g.Failures) > 0:
		return failError{fmt.Sprintf("gate failed: %d failure(s)", len(g.Failures))}
	case g.Inconclusive && a.v.GetBool("allow-inconclusive"):
		fmt.Fprintf(a.stderr, "WARNING: %s; passing because of --allow-inconclusive\n", g.InconclusiveReason)
	case g.Inconclusive:
		return inconclusiveError{g.InconclusiveReason}
	}
	return nil
}

func (a *app) verdictFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.String("format", "text", "output format: text, markdown, json or junit")
	f.Float64("alpha", 0, "significance level (default: the scenario's gate.alpha, 0.05)")
	f.Bool("force", false, "compare runs of different scenarios or endpoints anyway")
	f.Bool("save", false, "store the verdict in the results folder, for the monthly report")
	fixLogFlags(cmd)
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		_, err := a.fixLog()
		return err
	}
}

// fixLogFlags adds --ticket, --pr and --note, which --save stores with the
// verdict for the month report's fix log.
func fixLogFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.String("ticket", "", "with --save: the ticket the work is tracked in, like PERF-123, for the month's fix log")
	f.String("pr", "", "with --save: the pull request that made the change (its number or URL)")
	f.String("note", "", "with --save: what the group learned from the fix, in a sentence or two")
}

// fixLog reads --ticket, --pr and --note. They are stored only with a saved
// verdict, so giving one without --save is a usage error rather than a note
// silently lost.
func (a *app) fixLog() (compare.FixLog, error) {
	f := compare.FixLog{Ticket: a.v.GetString("ticket"), PR: a.v.GetString("pr"), Note: a.v.GetString("note")}
	if !a.v.GetBool("save") {
		for _, name := range []string{"ticket", "pr", "note"} {
			if strings.TrimSpace(a.v.GetString(name)) != "" {
				return f, usagef("--%s is stored with the saved verdict: add --save", name)
			}
		}
	}
	return f, nil
}

// savedWithFixLog is a verdict's JSON with the fix log of the flags and the
// commits of both sides' runs.
func (a *app) savedWithFixLog(data []byte, base, cand []*results.Run) ([]byte, error) {
	fix, err := a.fixLog()
	if err != nil {
		return nil, err
	}
	fix.Commits = compare.RunCommits(base, cand)
	return compare.WithFixLog(data, fix)
}

// comparison loads both sides and compares them with the options
// compare.ResolveCompare (or, for a gate, compare.ResolveGate: the base's
// policy under the flags) layers from the scenarios and the flags.
func (a *app) comparison(args []string, gate bool) (*compare.Comparison, compare.Policy, error) {
	base, err := a.loadRuns(args[0])
	if err != nil {
		return nil, compare.Policy{}, err
	}
	cand, err := a.loadRuns(args[1])
	if err != nil {
		return nil, compare.Policy{}, err
	}
	if results.SameRuns(base, cand) {
		msg := fmt.Sprintf("base and candidate are the same runs (%s): this compares nothing; name two different sets of runs", args[0])
		if gate {
			return nil, compare.Policy{}, usagef("%s", msg)
		}
		fmt.Fprintln(a.stderr, "WARNING: "+msg)
	}
	settings := compare.Settings{
		MaxRegression: a.v.GetString("max-regression"),
		SLO:           a.v.GetString("slo"),
		Force:         a.v.GetBool("force"),
	}
	if alpha := a.v.GetFloat64("alpha"); a.v.IsSet("alpha") || alpha != 0 {
		settings.Alpha = &alpha
	}
	resolve := compare.ResolveCompare
	if gate {
		resolve = compare.ResolveGate
	}
	plan, err := resolve(base, cand, settings)
	for _, w := range plan.Warnings {
		fmt.Fprintln(a.stderr, "WARNING: "+w)
	}
	if err != nil {
		return nil, compare.Policy{}, usageError{err}
	}
	c, err := compare.Compare(base, cand, plan.Options)
	var undecided *compare.InconclusiveError
	switch {
	case errors.As(err, &undecided):
		// A side without one valid repetition: nothing to decide on, rerun.
		return nil, compare.Policy{}, inconclusiveError{err.Error()}
	case err != nil:
		// Mismatched scenarios are input errors.
		return nil, compare.Policy{}, usageError{err}
	}
	return c, plan.Policy, nil
}

// writeVerdict prints the comparison in the chosen format and, with --save,
// stores its JSON in the results folder.
func (a *app) writeVerdict(kind string, c *compare.Comparison, g *compare.GateResult) error {
	format := a.v.GetString("format")
	if err := compare.Write(a.stdout, c, g, format); err != nil {
		return usageError{err}
	}
	if !a.v.GetBool("save") {
		return nil
	}
	var buf bytes.Buffer
	if err := compare.Write(&buf, c, g, "json"); err != nil {
		return err
	}
	// The runs were loaded to compare them; read them again for their
	// commits, which the comparison does not keep.
	var sides [2][]*results.Run
	for i, dirs := range [][]string{c.BasePaths, c.CandidatePaths} {
		for _, dir := range dirs {
			if r, err := results.Load(dir); err == nil {
				sides[i] = append(sides[i], r)
			}
		}
	}
	data, err := a.savedWithFixLog(buf.Bytes(), sides[0], sides[1])
	if err != nil {
		return err
	}
	path, err := a.store().SaveVerdict(kind, c.Scenario, time.Now().UTC(), data)
	if err != nil {
		return fmt.Errorf("save verdict: %w", err)
	}
	fmt.Fprintf(a.stderr, "saved %s verdict to %s\n", kind, path)
	return nil
}
