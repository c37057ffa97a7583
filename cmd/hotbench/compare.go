package main

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/hotbench/hotbench/compare"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
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
			c, err := a.comparison(args, nil)
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
			var policy compare.Policy
			c, err := a.comparison(args, &policy)
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
			switch {
			case len(g.Failures) > 0:
				return failError{fmt.Sprintf("gate failed: %d failure(s)", len(g.Failures))}
			case g.Inconclusive && a.v.GetBool("allow-inconclusive"):
				fmt.Fprintf(a.stderr, "WARNING: %s; passing because of --allow-inconclusive\n", g.InconclusiveReason)
			case g.Inconclusive:
				return inconclusiveError{g.InconclusiveReason}
			}
			return nil
		},
	}
	a.verdictFlags(cmd)
	cmd.Flags().Bool("allow-inconclusive", false, "pass (with a warning) when a side has too few valid repetitions to decide, instead of exit 3")
	cmd.Flags().String("max-regression", "", "allowed regressions, overriding the scenario's gate: p99=10%,error_rate=0,search.p50=5ms (any percentile: p95, p99.9)")
	cmd.Flags().String("slo", "", "limits the candidate must meet: p95=300ms,search.p99.9=1s,error_rate=0.1%")
	return cmd
}

func (a *app) verdictFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.String("format", "text", "output format: text, markdown, json or junit")
	f.Float64("alpha", 0, "significance level (default: the scenario's gate.alpha, 0.05)")
	f.Bool("force", false, "compare runs of different scenarios or endpoints anyway")
	f.Bool("save", false, "store the verdict in the results folder, for the monthly report")
}

// comparison loads both sides and compares them. With policy non-nil it is
// filled from the base's gate section and the flags first, so the table and
// the gate test at the same alpha.
func (a *app) comparison(args []string, policy *compare.Policy) (*compare.Comparison, error) {
	base, err := a.loadRuns(args[0])
	if err != nil {
		return nil, err
	}
	cand, err := a.loadRuns(args[1])
	if err != nil {
		return nil, err
	}
	if sameRuns(base, cand) {
		msg := fmt.Sprintf("base and candidate are the same runs (%s): this compares nothing; name two different sets of runs", args[0])
		if policy != nil {
			return nil, usagef("%s", msg)
		}
		fmt.Fprintln(a.stderr, "WARNING: "+msg)
	}
	alpha := a.v.GetFloat64("alpha")
	if a.v.IsSet("alpha") || alpha != 0 {
		// One set of limits for files, environment and flags.
		if err := scenarios.CheckAlpha(alpha); err != nil {
			return nil, usagef("--alpha %v", err)
		}
	}
	if policy != nil {
		// The policy is the base's: a pull request that loosens its own
		// scenario's gate must not pass by it.
		*policy = compare.PolicyFromScenario(base[0].Scenario.Gate)
		if !reflect.DeepEqual(base[0].Scenario.Gate, cand[0].Scenario.Gate) {
			fmt.Fprintln(a.stderr, "WARNING: the candidate's scenario has another gate section; the base's policy applies")
		}
		if err := compare.ParseOverrides(a.v.GetString("max-regression"), a.v.GetString("slo"), alpha, policy, cand[0].EndpointNames()); err != nil {
			return nil, usageError{err}
		}
		alpha = policy.Alpha
	}
	if alpha == 0 {
		alpha = cand[0].Scenario.Gate.Alpha
	}
	opts := compare.Options{Alpha: alpha, Force: a.v.GetBool("force")}
	if policy != nil {
		// A percentile only the flags name (--slo p95=300ms) needs its rows.
		opts.Metrics = policy.Metrics()
	}
	c, err := compare.Compare(base, cand, opts)
	var undecided *compare.InconclusiveError
	switch {
	case errors.As(err, &undecided):
		// A side without one valid repetition: nothing to decide on, rerun.
		return nil, inconclusiveError{err.Error()}
	case err != nil:
		// Mismatched scenarios are input errors.
		return nil, usageError{err}
	}
	return c, nil
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
	path, err := a.store().SaveVerdict(kind, c.Scenario, time.Now().UTC(), buf.Bytes())
	if err != nil {
		return fmt.Errorf("save verdict: %w", err)
	}
	fmt.Fprintf(a.stderr, "saved %s verdict to %s\n", kind, path)
	return nil
}

// sameRuns reports whether both sides name exactly the same run folders.
func sameRuns(base, cand []*results.Run) bool {
	dirs := func(runs []*results.Run) []string {
		var d []string
		for _, r := range runs {
			abs, err := filepath.Abs(r.Dir)
			if err != nil {
				abs = r.Dir
			}
			d = append(d, abs)
		}
		slices.Sort(d)
		return slices.Compact(d)
	}
	return slices.Equal(dirs(base), dirs(cand))
}
