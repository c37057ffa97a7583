package main

import (
	"fmt"
	"path/filepath"

	"github.com/google/pprof/profile"
	"github.com/spf13/cobra"

	"github.com/hotbench/hotbench/profiles"
	"github.com/hotbench/hotbench/results"
)

func (a *app) profileCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "profile",
		Short: "Read the server profiles captured during runs",
	}
	top := &cobra.Command{
		Use:   "top RUN",
		Short: "Top functions of a run's merged profiles, or their change against --diff BASE",
		Args:  exactArgs(1, "a run"),
		RunE: func(cmd *cobra.Command, args []string) error {
			kind := a.v.GetString("kind")
			n := a.v.GetInt("n")
			if n <= 0 {
				return usagef("-n %d: show at least one function", n)
			}
			cand, err := a.mergedProfile(args[0], kind)
			if err != nil {
				return err
			}
			idx, err := profiles.SampleIndex(cand, kind)
			if err != nil {
				return usageError{err}
			}
			if base := a.v.GetString("diff"); base != "" {
				bp, err := a.mergedProfile(base, kind)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "%s profile: %s against %s (Δ as pprof -diff_base: share of the base's total)\n", kind, args[0], base)
				return profiles.WriteDiff(a.stdout, profiles.Diff(bp, cand, idx, n))
			}
			fmt.Fprintf(a.stdout, "%s profile of %s (%s, repetitions merged)\n", kind, args[0], cand.SampleType[idx].Type)
			rows := profiles.Top(cand, idx, n)
			if a.v.GetBool("cum") {
				rows = profiles.TopCum(cand, idx, n)
			}
			return profiles.WriteTop(a.stdout, rows, cand.SampleType[idx].Unit)
		},
	}
	top.Flags().String("kind", "cpu", "profile kind: cpu, allocs, heap, mutex, block, goroutine")
	top.Flags().String("diff", "", "a base run: print each function's change against it")
	top.Flags().IntP("n", "n", 20, "number of functions")
	top.Flags().Bool("cum", false, "sort by cumulative share (where a function's time goes to its callees)")

	view := &cobra.Command{
		Use:         "view RUN",
		Annotations: map[string]string{watchesInterrupt: "true"},
		Short:       "Open pprof's web UI on a run's profiles (or on their diff against --diff BASE)",
		Args:        exactArgs(1, "a run"),
		RunE: func(cmd *cobra.Command, args []string) error {
			kind := a.v.GetString("kind")
			files, err := a.profileFiles(args[0], kind)
			if err != nil {
				return err
			}
			opts := profiles.ViewOptions{
				Files:     files,
				Addr:      a.v.GetString("addr"),
				NoBrowser: a.v.GetBool("no-browser"),
				Out:       a.stdout,
				Stderr:    a.stderr,
			}
			if base := a.v.GetString("diff"); base != "" {
				if opts.BaseFiles, err = a.profileFiles(base, kind); err != nil {
					return err
				}
			}
			return profiles.View(a.ctx, opts)
		},
	}
	view.Flags().String("kind", "cpu", "profile kind")
	view.Flags().String("diff", "", "a base run: show the difference against it")
	view.Flags().String("addr", "127.0.0.1:0", "where pprof's web UI listens (loopback by default)")
	view.Flags().Bool("no-browser", false, "print the URL without opening a browser")
	cmd.AddCommand(top, view)
	return cmd
}

// profileFiles lists the stored profiles of one kind over every repetition
// of the runs a reference names.
func (a *app) profileFiles(ref, kind string) ([]string, error) {
	runs, err := a.loadRuns(ref)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, r := range runs {
		files = append(files, runProfileFiles(r, kind)...)
	}
	if len(files) == 0 {
		return nil, usagef("%s has no %s profiles: set profiles.pprof (or profiles.command) and kinds in the scenario", ref, kind)
	}
	return files, nil
}

func runProfileFiles(r *results.Run, kind string) []string {
	var files []string
	for _, rep := range r.Repetitions {
		for _, p := range rep.Profiles {
			if p.Kind == kind {
				files = append(files, filepath.Join(r.Dir, filepath.FromSlash(p.File)))
			}
		}
	}
	return files
}

// mergedProfile merges a reference's profiles of one kind.
func (a *app) mergedProfile(ref, kind string) (*profile.Profile, error) {
	files, err := a.profileFiles(ref, kind)
	if err != nil {
		return nil, err
	}
	var ps []*profile.Profile
	for _, f := range files {
		p, err := profiles.Load(f)
		if err != nil {
			return nil, usageError{err}
		}
		ps = append(ps, p)
	}
	return profiles.Merge(ps)
}
