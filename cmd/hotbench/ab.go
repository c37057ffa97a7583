package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/hotbench/hotbench/ab"
	"github.com/hotbench/hotbench/ab/build"
	"github.com/hotbench/hotbench/ab/sequential"
	"github.com/hotbench/hotbench/compare"
	"github.com/hotbench/hotbench/internal/safefile"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/runner"
	"github.com/hotbench/hotbench/scenarios"
)

func (a *app) abCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "ab SCENARIO",
		Annotations: map[string]string{watchesInterrupt: "true"},
		Short:       "Build base and candidate from git, run them interleaved on this machine, and decide",
		Long: `ab builds the base (--base, default HEAD) and the candidate (--candidate, default
the working tree with its uncommitted changes) of the git repository around the
scenario with its server.build, starts both with server.command on free loopback
ports, and runs repetitions in blocks, one of each side twice per block, in ABBA or
BAAB order drawn from a seeded coin (--seed replays it). After --min-runs blocks and
at planned looks up to --max-runs it stops once the gated rows are decided, keeping
the chance of a false alarm at alpha across the looks. It stores two ordinary runs,
labelled base and candidate, and prints compare's table, the hotspot verdicts and
the session's decision. With --gate its exit code is the gate's: 0 pass, 1 a
regression or SLO breach, 2 usage or input error, 3 inconclusive.`,
		Args: exactArgs(1, "a scenario file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.ab(cmd, args[0])
		},
	}
	f := cmd.Flags()
	f.String("base", "HEAD", "git reference of the base")
	f.String("candidate", "", "git reference of the candidate (default: the working tree, uncommitted changes included)")
	f.String("repo", "", "a directory in the git repository to build (default: the scenario's)")
	f.Int("min-runs", ab.DefaultMinBlocks, "blocks before the first look")
	f.Int("max-runs", ab.DefaultMaxBlocks, "blocks at most")
	f.Int64("seed", 0, "seed of the blocks' order (default: drawn, and printed)")
	f.Bool("gate", false, "exit with the gate's code: 1 on a regression or SLO breach, 3 when inconclusive")
	f.Bool("allow-inconclusive", false, "with --gate, pass (with a warning) instead of exit 3")
	f.String("max-regression", "", "allowed regressions, overriding the scenario's gate: p99=10%,error_rate=0")
	f.String("slo", "", "limits the candidate must meet: p95=300ms,error_rate=0.1%")
	f.Float64("alpha", 0, "significance level (default: the scenario's gate.alpha, 0.05)")
	f.String("format", "text", "output format: text, markdown, json or junit")
	f.Bool("json", false, "print compare's JSON with the session's \"ab\" object (as --format json)")
	f.Bool("save", false, "store the verdict in the results folder, for the monthly report")
	fixLogFlags(cmd)
	f.String("cache-dir", "", "folder of cached builds (default: the user's cache folder)")
	f.String("markdown", "", "also write the Markdown (a pull-request comment) to this file")
	f.String("junit", "", "also write JUnit XML of the session's gate to this file")
	return cmd
}

func (a *app) calibrateCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "calibrate SCENARIO",
		Annotations: map[string]string{watchesInterrupt: "true"},
		Short:       "Measure this machine's noise A/A and the gate's minimum detectable effect",
		Long: `calibrate builds one version (--ref, default HEAD) and runs it as both sides of
an ab session (two server processes, --runs blocks, no early stop). Per metric it
reports the coefficient of variation of one repetition, the share of the variance
between the two processes, the drift over the session, the smallest regression the
gate detects at 5, 10 and 20 runs (by simulation with the gate's own test), and the
current gate's false-alarm rate. --write sets runs and gate.max_regression in the
scenario file so that the gate is not blind, and records a calibration: block,
keeping the file's comments and layout.`,
		Args: exactArgs(1, "a scenario file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.calibrate(cmd, args[0])
		},
	}
	f := cmd.Flags()
	f.String("ref", "HEAD", "git reference to build (\"\" for the working tree)")
	f.String("repo", "", "a directory in the git repository to build (default: the scenario's)")
	f.Int("runs", ab.DefaultCalibrationBlocks, "blocks to run (each is 2 repetitions a side)")
	f.Int64("seed", 0, "seed of the blocks' order and the simulations (default: drawn, and printed)")
	f.Bool("write", false, "write runs, gate.max_regression and a calibration: block into the scenario file")
	f.String("cache-dir", "", "folder of cached builds (default: the user's cache folder)")
	return cmd
}

// abOptions is what ab and calibrate share: the scenario, its policy with
// the flags over it, and where to build.
func (a *app) abOptions(cmd *cobra.Command, path string) (ab.Options, error) {
	sc, err := loadScenario(path, nil)
	if err != nil {
		return ab.Options{}, err
	}
	if !sc.Server.Managed() {
		return ab.Options{}, usagef("%s has no server.command: ab builds (server.build, optional) and starts both sides itself; add a server section like {build: \"go build -o {bin} ./cmd/app\", command: \"{bin} -addr {addr}\", ready: /healthz}", path)
	}
	policy := compare.PolicyFromScenario(sc.Gate)
	alpha := 0.0
	if cmd.Flags().Lookup("alpha") != nil {
		alpha = a.v.GetFloat64("alpha")
	}
	var names []string
	for _, e := range sc.Endpoints {
		names = append(names, e.Name)
	}
	if cmd.Flags().Lookup("max-regression") != nil {
		if err := compare.ParseOverrides(a.v.GetString("max-regression"), a.v.GetString("slo"), alpha, &policy, names); err != nil {
			return ab.Options{}, usageError{err}
		}
	}
	repo := a.v.GetString("repo")
	if repo == "" {
		repo = filepath.Dir(path)
	}
	o := ab.Options{
		Scenario: sc, Repo: repo, Policy: policy, Store: a.store(),
		Progress: a.stderr, Interactive: interactive(a.stderr), Version: version(),
		CacheDir: a.v.GetString("cache-dir"),
	}
	if cmd.Flags().Changed("seed") || a.v.InConfig("seed") {
		seed := a.v.GetInt64("seed")
		o.Seed = &seed
	}
	return o, nil
}

func (a *app) ab(cmd *cobra.Command, path string) error {
	o, err := a.abOptions(cmd, path)
	if err != nil {
		return err
	}
	format := a.v.GetString("format")
	if a.v.GetBool("json") {
		format = "json"
	}
	if !slices.Contains(compare.Formats, format) {
		return usagef("unknown format %q: use one of text, markdown, json, junit", format)
	}
	o.Base, o.Candidate = a.v.GetString("base"), a.v.GetString("candidate")
	o.MinBlocks, o.MaxBlocks = a.v.GetInt("min-runs"), a.v.GetInt("max-runs")
	if o.MinBlocks < sequential.MinBlocks || o.MaxBlocks < o.MinBlocks || o.MaxBlocks > sequential.MaxBlocks {
		return usagef("--min-runs %d --max-runs %d: ab needs %d ≤ min-runs ≤ max-runs ≤ %d blocks (defaults %d and %d)",
			o.MinBlocks, o.MaxBlocks, sequential.MinBlocks, sequential.MaxBlocks, ab.DefaultMinBlocks, ab.DefaultMaxBlocks)
	}
	if _, err := a.fixLog(); err != nil {
		return err // before the session, not after it
	}
	res, err := ab.Run(a.ctx, o)
	if err != nil {
		return a.abFailed(res, err)
	}
	if err := ab.Write(a.stdout, res, a.v.GetBool("gate"), format); err != nil {
		return err
	}
	// The other formats of the same session, for CI: one decision, never
	// recomputed by another test.
	for flag, f := range map[string]string{"markdown": "markdown", "junit": "junit"} {
		if file := a.v.GetString(flag); file != "" {
			if err := safefile.Write(file, func(w io.Writer) error { return ab.Write(w, res, true, f) }); err != nil {
				return fmt.Errorf("--%s %s: %w", flag, file, err)
			}
		}
	}
	fmt.Fprintf(a.stderr, "stored %s and %s\n", res.Base.Dir, res.Candidate.Dir)
	if a.v.GetBool("save") {
		var buf bytes.Buffer
		if err := ab.Write(&buf, res, true, "json"); err != nil {
			return err
		}
		data, err := a.savedWithFixLog(buf.Bytes(), []*results.Run{res.Base}, []*results.Run{res.Candidate})
		if err != nil {
			return err
		}
		saved, err := a.store().SaveVerdict(results.VerdictAB, res.Comparison.Scenario, time.Now().UTC(), data)
		if err != nil {
			return fmt.Errorf("save verdict: %w", err)
		}
		fmt.Fprintf(a.stderr, "saved ab verdict to %s\n", saved)
	}
	if !a.v.GetBool("gate") {
		return nil
	}
	return a.gateExit(res.Gate)
}

// abFailed turns a session's error into the command's, saying where the
// runs it stored are.
func (a *app) abFailed(res *ab.Result, err error) error {
	if errors.Is(err, build.ErrUnknownRef) || errors.Is(err, build.ErrNotRepository) {
		return usageError{err} // the user named something that is not there
	}
	kept := ""
	if res != nil && res.Base != nil && res.Candidate != nil {
		kept = fmt.Sprintf(" (what was measured is kept in %s and %s)", res.Base.Dir, res.Candidate.Dir)
	}
	if errors.Is(err, runner.ErrInterrupted) {
		fmt.Fprintf(a.stderr, "hotbench: interrupted%s\n", kept)
		return fmt.Errorf("%w%w", errSilent, err)
	}
	return fmt.Errorf("%w%s", err, kept)
}

func (a *app) calibrate(cmd *cobra.Command, path string) error {
	o, err := a.abOptions(cmd, path)
	if err != nil {
		return err
	}
	o.Calibrate = true
	o.Base = a.v.GetString("ref")
	o.MaxBlocks = a.v.GetInt("runs")
	if o.MaxBlocks < sequential.MinBlocks || o.MaxBlocks > sequential.MaxBlocks {
		return usagef("--runs %d: calibrate needs %d to %d blocks (%d recommended)", o.MaxBlocks, sequential.MinBlocks, sequential.MaxBlocks, ab.DefaultCalibrationBlocks)
	}
	res, err := ab.Run(a.ctx, o)
	if err != nil {
		return a.abFailed(res, err)
	}
	cal, err := ab.Calibrate(res, o.Scenario, o.Policy, res.Seed)
	if err != nil {
		return err
	}
	if err := ab.WriteCalibration(a.stdout, res, cal); err != nil {
		return err
	}
	if !a.v.GetBool("write") {
		return nil
	}
	host, _ := os.Hostname()
	edit := ab.CalibrationEdit(res, cal, host, time.Now().UTC())
	if err := scenarios.WriteCalibration(path, edit, func(p string, data []byte, perm fs.FileMode) error {
		return safefile.WriteFile(p, data, perm, safefile.RegularOnly())
	}); err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "wrote runs: %d, the gate's allowances and a calibration: block into %s\n", cal.RecommendedRuns, path)
	return nil
}
