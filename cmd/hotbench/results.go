package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hotbench/hotbench/internal/safefile"
	"github.com/hotbench/hotbench/report"
	"github.com/hotbench/hotbench/results"
)

func (a *app) lsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ls",
		Short: "List stored runs, newest first",
		Long: `ls lists the stored runs, newest first: reference, start, repetitions, complete
or not, git commit and folder. --scenario keeps one scenario's runs. --json prints
a JSON array, one object a run: scenario, label, ref, path, start, end, complete
(and incomplete_reason), runs (the valid repetitions, the samples compare uses),
repetitions (all stored) and git {commit, dirty}.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if fi, err := os.Stat(a.store().Dir); err == nil && !fi.IsDir() {
				return usagef("--results %s is a file, not a results folder: name the folder runs are stored in", a.store().Dir)
			}
			runs, listErr := a.store().List()
			if s := a.v.GetString("scenario"); s != "" {
				var names []string
				kept := runs[:0:0]
				for _, r := range runs {
					if r.Scenario == s {
						kept = append(kept, r)
					}
					if !slices.Contains(names, r.Scenario) {
						names = append(names, r.Scenario)
					}
				}
				if len(kept) == 0 && len(runs) > 0 {
					slices.Sort(names)
					fmt.Fprintf(a.stderr, "no runs of scenario %q in %s; scenarios with runs: %s\n", s, a.store().Dir, strings.Join(names, ", "))
				}
				runs = kept
			}
			asJSON := a.v.GetBool("json")
			if len(runs) == 0 && listErr == nil {
				if asJSON {
					fmt.Fprintln(a.stdout, "[]")
				}
				if a.v.GetString("scenario") == "" {
					fmt.Fprintf(a.stderr, "no runs in %s (run a scenario with 'hotbench run', or try 'hotbench demo')\n", a.store().Dir)
				}
				return nil
			}
			if len(runs) == 0 && !asJSON {
				return usageError{listErr}
			}
			var err error
			if asJSON {
				err = writeRunListJSON(a.stdout, runs)
			} else {
				err = report.WriteRunList(a.stdout, runs)
			}
			if err != nil {
				return err
			}
			if listErr != nil {
				// Unreadable results are an input error, as for show (exit 2).
				return usagef("some run folders could not be read:\n%w", listErr)
			}
			return nil
		},
	}
	cmd.Flags().String("scenario", "", "list only this scenario's runs")
	cmd.Flags().Bool("json", false, "print the runs as a JSON array")
	return cmd
}

// runListEntry is one run of ls --json. Fields may be added, never renamed.
type runListEntry struct {
	Scenario         string      `json:"scenario"`
	Label            string      `json:"label"`
	Ref              string      `json:"ref"`
	Path             string      `json:"path"`
	Start            time.Time   `json:"start"`
	End              time.Time   `json:"end"`
	Complete         bool        `json:"complete"`
	IncompleteReason string      `json:"incomplete_reason,omitempty"`
	Runs             int         `json:"runs"`
	Repetitions      int         `json:"repetitions"`
	Git              results.Git `json:"git"`
}

// writeRunListJSON prints runs as ls --json does: one JSON array, times in
// UTC.
func writeRunListJSON(w io.Writer, runs []results.RunInfo) error {
	list := make([]runListEntry, len(runs))
	for i, r := range runs {
		list[i] = runListEntry{
			Scenario: r.Scenario, Label: r.Label, Ref: r.Ref(), Path: r.Dir,
			Start: r.Start.UTC(), End: r.End.UTC(), Complete: r.Complete, IncompleteReason: r.IncompleteReason,
			Runs: r.Valid, Repetitions: r.Repetitions, Git: r.Git,
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(list)
}

// loadRuns resolves references (each may hold several, comma-separated)
// to runs. Unknown references and unreadable runs are input errors (exit 2).
func (a *app) loadRuns(refs ...string) ([]*results.Run, error) {
	runs, err := a.store().LoadRuns(refs...)
	if err != nil {
		return nil, usageError{err}
	}
	return runs, nil
}

func (a *app) showCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "show RUN",
		Short: "Print one run's summary (RUN: folder, scenario@label, scenario@latest or baseline)",
		Args:  exactArgs(1, "a run (folder, scenario@label, scenario@latest or baseline)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			runs, err := a.loadRuns(args[0])
			if err != nil {
				return err
			}
			if a.v.GetBool("json") && len(runs) > 1 {
				// Several runs (a baseline, a list): one JSON array.
				all := make([]results.Summary, len(runs))
				for i, r := range runs {
					all[i] = results.Summarize(r)
				}
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(all)
			}
			for i, r := range runs {
				if i > 0 {
					fmt.Fprintln(a.stdout)
				}
				if err := a.printSummary(r, a.v.GetBool("json")); err != nil {
					return err
				}
			}
			return nil
		},
	}
	cmd.Flags().Bool("json", false, "print the summary as JSON")
	return cmd
}

func (a *app) exportCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export RUN... --format benchfmt",
		Short: "Write runs in the Go benchmark format, for stock benchstat",
		Long: `export writes one line per repetition and endpoint in the Go benchmark format,
so stock benchstat reads hotbench results:

  hotbench export manual-search@before > before.txt
  hotbench export manual-search@after > after.txt
  benchstat before.txt after.txt`,
		Args: minArgs(1, "one or more runs"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f := a.v.GetString("format"); f != "benchfmt" {
				return usagef("unknown export format %q: the only one is benchfmt", f)
			}
			runs, err := a.loadRuns(args...)
			if err != nil {
				return err
			}
			for _, r := range runs {
				if _, left := r.ValidRepetitions(); left > 0 {
					fmt.Fprintf(a.stderr, "export: %s: left out %d invalid repetition(s), as compare does (named in the file's comments)\n", r.Ref(), left)
				}
			}
			path := a.v.GetString("out")
			if path == "" {
				path = "-"
			}
			return outputError(safefile.Write(path, func(w io.Writer) error {
				return results.ExportBenchfmt(w, runs...)
			}, safefile.Stdout(a.stdout)))
		},
	}
	cmd.Flags().String("format", "benchfmt", "export format (benchfmt)")
	cmd.Flags().StringP("out", "o", "", "write to this file instead of standard output")
	return cmd
}

func (a *app) baselineCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "baseline",
		Short: "Name sets of runs (e.g. main) so pipelines can compare against them",
	}
	set := &cobra.Command{
		Use:   "set NAME RUN...",
		Short: "Name one or more runs as a baseline (replacing any of that name)",
		Args:  minArgs(2, "a baseline name and one or more runs"),
		RunE: func(cmd *cobra.Command, args []string) error {
			st := a.store()
			var dirs []string
			for _, ref := range args[1:] {
				d, err := st.Resolve(ref)
				if err != nil {
					return usageError{err}
				}
				dirs = append(dirs, d...)
			}
			if err := st.SetBaseline(args[0], dirs); err != nil {
				return storeError(err)
			}
			fmt.Fprintf(a.stderr, "baseline %s: %d run(s)\n", args[0], len(dirs))
			return nil
		},
	}
	ls := &cobra.Command{
		Use:   "ls",
		Short: "List baselines",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			all, err := a.store().Baselines()
			if err != nil {
				return err
			}
			for _, name := range slices.Sorted(maps.Keys(all)) {
				fmt.Fprintf(a.stdout, "%s\t%s\n", name, strings.Join(all[name], " "))
			}
			return nil
		},
	}
	rm := &cobra.Command{
		Use:   "rm NAME",
		Short: "Remove a baseline (its runs stay)",
		Args:  exactArgs(1, "a baseline name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.store().RemoveBaseline(args[0]); err != nil {
				return storeError(err)
			}
			return nil
		},
	}
	cmd.AddCommand(set, ls, rm)
	return cmd
}

// storeError makes a bad baseline name or reference an input error (exit 2),
// while a results folder that stayed locked by another hotbench is a failure
// to do the work (exit 1): running again later succeeds.
func storeError(err error) error {
	if errors.Is(err, results.ErrLocked) {
		return err
	}
	return usageError{err}
}
