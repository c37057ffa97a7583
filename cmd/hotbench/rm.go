package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hotbench/hotbench/results"
)

func (a *app) rmCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rm RUN...",
		Short: "Remove stored runs (RUN: folder, scenario@label or scenario@latest)",
		Long: `rm removes stored runs, with their profiles and raw results, and prints what
it removed. It asks nothing. Each RUN is a run folder in the results folder,
scenario@LABEL (the newest run with that label), scenario@FOLDER or
scenario@latest; several may be given, or comma-separated. A baseline name is
refused: it names a set of runs (remove it with 'hotbench baseline rm NAME').

A run that a baseline names is not removed, and nothing is, unless --force:
then the baseline is left naming a run that is gone, and is refused until it
is set again ('hotbench baseline set') or removed ('hotbench baseline rm').`,
		Args: minArgs(1, "one or more runs"),
		RunE: func(cmd *cobra.Command, args []string) error {
			st := a.store()
			var dirs, refs []string
			for _, arg := range args {
				for _, ref := range strings.Split(arg, ",") {
					if ref = strings.TrimSpace(ref); ref == "" {
						continue
					}
					dir, err := st.ResolveRun(ref)
					if err != nil {
						return usageError{err}
					}
					dirs, refs = append(dirs, dir), append(refs, ref)
				}
			}
			if len(dirs) == 0 {
				return usagef("no runs named: give a run folder, scenario@latest or scenario@LABEL")
			}
			// Described before they go, as ls names them.
			names := map[string]string{}
			for i, d := range dirs {
				names[d] = refs[i]
				if r, err := results.Load(d); err == nil {
					names[d] = r.Ref()
				}
			}
			dangling, err := st.Remove(dirs, a.v.GetBool("force"))
			var use *results.BaselineUseError
			switch {
			case errors.As(err, &use):
				return usageError{err}
			case err != nil:
				return storeError(err)
			}
			seen := map[string]bool{}
			for _, d := range dirs {
				if !seen[d] {
					seen[d] = true
					fmt.Fprintf(a.stderr, "removed %s (%s)\n", names[d], filepath.Clean(d))
				}
			}
			for _, name := range sortedNames(dangling) {
				fmt.Fprintf(a.stderr, "WARNING: baseline %s still names %d removed run(s): set it again with 'hotbench baseline set %s RUN...' or clear it with 'hotbench baseline rm %s'\n",
					name, len(dangling[name]), name, name)
			}
			return nil
		},
	}
	cmd.Flags().Bool("force", false, "remove runs that baselines name (the baselines are left to set again or remove)")
	return cmd
}

func sortedNames[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
