package main

import (
	"fmt"

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
			cand, candSrc, err := a.mergedProfile(args[0], kind)
			if err != nil {
				return err
			}
			idx, err := profiles.SampleIndex(cand, kind)
			if err != nil {
				return usageError{err}
			}
			if base := a.v.GetString("diff"); base != "" {
				bp, baseSrc, err := a.mergedProfile(base, kind)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "%s profile: %s against %s (Δ: change of each function's share, in percentage points)\n", kind, args[0], base)
				baseSrc.Label, candSrc.Label = "base", "candidate"
				for _, src := range []profiles.Sources{baseSrc, candSrc} {
					if err := profiles.WriteSources(a.stdout, src); err != nil {
						return err
					}
				}
				return profiles.WriteDiff(a.stdout, profiles.Diff(bp, cand, idx, n))
			}
			fmt.Fprintf(a.stdout, "%s profile of %s (%s, valid repetitions merged)\n", kind, args[0], cand.SampleType[idx].Type)
			if err := profiles.WriteSources(a.stdout, candSrc); err != nil {
				return err
			}
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
			files, _, _, err := a.profileFiles(args[0], kind)
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
				if opts.BaseFiles, _, _, err = a.profileFiles(base, kind); err != nil {
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

// profileFiles lists the stored profiles of one kind over the valid
// repetitions of the runs a reference names, with a name for each
// ("svc@before rep-03"), and the runs' profiles.min_samples.
func (a *app) profileFiles(ref, kind string) (files, names []string, minSamples int64, err error) {
	runs, err := a.loadRuns(ref)
	if err != nil {
		return nil, nil, 0, err
	}
	if files, names, minSamples = results.ProfilesOf(runs, kind); len(files) == 0 {
		return nil, nil, 0, usagef("%s has no %s profiles in valid repetitions: set profiles.pprof (or profiles.command) and kinds in the scenario", ref, kind)
	}
	return files, names, minSamples, nil
}

// mergedProfile merges a reference's profiles of one kind and describes
// what it merged.
func (a *app) mergedProfile(ref, kind string) (*profile.Profile, profiles.Sources, error) {
	files, names, minSamples, err := a.profileFiles(ref, kind)
	if err != nil {
		return nil, profiles.Sources{}, err
	}
	m, src, err := profiles.LoadMerged(files, names)
	if err != nil {
		return nil, profiles.Sources{}, usageError{err}
	}
	src.MinSamples = minSamples
	return m, src, nil
}
