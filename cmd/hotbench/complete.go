package main

import (
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// Shell completion. cobra adds `hotbench completion bash|zsh|fish|powershell`
// (the script to load) and the hidden `hotbench __complete ARGS...` the
// scripts call; completeCommands teaches the commands what to offer:
//
//   - run references (scenario@LABEL and scenario@latest from the results
//     folder, and baseline names where a baseline may stand) for the
//     commands that take runs and for --diff;
//   - each command's --format values, profile --kind values and the
//     months that have runs for --month;
//   - scenario files for the commands that take one, folders for
//     --results, config files for --config.
//
// It is called once the command tree is built, so it sees every command;
// a command that registered its own completion keeps it.

// runArgs says which positional arguments of a command are run references:
// how many (-1: any number), from which position, and whether a baseline
// name may be one of them.
type runArgs struct {
	from, max int
	baselines bool
}

var runArgCommands = map[string]runArgs{
	"show":         {0, 1, true},
	"export":       {0, -1, true},
	"compare":      {0, 2, true},
	"gate":         {0, 2, true},
	"report":       {0, 2, true},
	"profile top":  {0, 1, true},
	"profile view": {0, 1, true},
	"rm":           {0, -1, false},
	"baseline set": {1, -1, false},
}

// formats are each command's --format values, where the flag's usage does
// not list them as "…: a, b or c".
var formats = map[string][]string{
	"export": {"benchfmt"},
}

// scenarioFileCommands take a scenario file as their first argument.
var scenarioFileCommands = map[string]bool{"run": true, "validate": true, "ab": true, "calibrate": true, "k8s": true}

func (a *app) completeCommands(root *cobra.Command) {
	flag := func(cmd *cobra.Command, name string, f cobra.CompletionFunc) {
		if cmd.Flags().Lookup(name) == nil && cmd.PersistentFlags().Lookup(name) == nil {
			return
		}
		if _, has := cmd.GetFlagCompletionFunc(name); has {
			return
		}
		_ = cmd.RegisterFlagCompletionFunc(name, f) // cannot fail: the flag exists and has none
	}
	flag(root, "results", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return nil, cobra.ShellCompDirectiveFilterDirs
	})
	flag(root, "config", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"yaml", "yml", "toml", "json"}, cobra.ShellCompDirectiveFilterFileExt
	})
	var walk func(*cobra.Command)
	walk = func(cmd *cobra.Command) {
		path := strings.TrimPrefix(strings.TrimPrefix(cmd.CommandPath(), root.Name()), " ")
		if spec, ok := runArgCommands[path]; ok && cmd.ValidArgsFunction == nil {
			cmd.ValidArgsFunction = a.completeRunArgs(spec)
		}
		if scenarioFileCommands[path] && cmd.ValidArgsFunction == nil {
			cmd.ValidArgsFunction = func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
				if len(args) > 0 && path != "validate" {
					return nil, cobra.ShellCompDirectiveNoFileComp
				}
				return []string{"yaml", "yml", "toml", "json"}, cobra.ShellCompDirectiveFilterFileExt
			}
		}
		if values := formatValues(path, cmd); values != nil {
			flag(cmd, "format", fixed(values))
		}
		if strings.HasPrefix(path, "profile ") {
			flag(cmd, "kind", fixed(scenarios.ProfileKinds))
			flag(cmd, "diff", func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
				return a.runReferences(cmd, toComplete, true)
			})
		}
		flag(cmd, "month", func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			return matching(a.completionStore(cmd).Months(), toComplete), cobra.ShellCompDirectiveNoFileComp
		})
		for _, sub := range cmd.Commands() {
			walk(sub)
		}
	}
	for _, sub := range root.Commands() {
		walk(sub)
	}
}

// completeRunArgs completes the positional run references of a command.
func (a *app) completeRunArgs(spec runArgs) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) < spec.from {
			return nil, cobra.ShellCompDirectiveNoFileComp // a name, not a run
		}
		if spec.max >= 0 && len(args)-spec.from >= spec.max {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		if f := cmd.Flags().Lookup("month"); f != nil && f.Changed {
			return nil, cobra.ShellCompDirectiveNoFileComp // report --month takes no run
		}
		return a.runReferences(cmd, toComplete, spec.baselines)
	}
}

// runReferences offers the references that start with toComplete; in a
// comma-separated list, the last one is completed. With none to offer, a
// path being typed completes as files and folders (a run folder is a
// reference too).
func (a *app) runReferences(cmd *cobra.Command, toComplete string, baselines bool) ([]string, cobra.ShellCompDirective) {
	head, last := "", toComplete
	if i := strings.LastIndex(toComplete, ","); i >= 0 {
		head, last = toComplete[:i+1], toComplete[i+1:]
	}
	var out []string
	for _, ref := range matching(a.completionStore(cmd).References(baselines), last) {
		out = append(out, head+ref)
	}
	if len(out) == 0 && head == "" && (strings.ContainsAny(last, `/\`) || strings.HasPrefix(last, ".")) {
		return nil, cobra.ShellCompDirectiveDefault
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completionStore is the results folder a completion reads: --results as
// typed on the line being completed, else HOTBENCH_RESULTS or the config
// file, else the default.
func (a *app) completionStore(cmd *cobra.Command) *results.Store {
	if f := cmd.Flags().Lookup("results"); f != nil && f.Changed {
		return results.Open(f.Value.String())
	}
	if dir := a.v.GetString("results"); dir != "" {
		return results.Open(dir)
	}
	return results.Open("hotbench-results")
}

// usageList reads the values a flag's usage lists: "output format: text,
// markdown, json or junit".
var usageList = regexp.MustCompile(`:\s*([a-z0-9_-]+(?:,\s*[a-z0-9_-]+)*(?:,?\s+or\s+[a-z0-9_-]+)?)\s*$`)

// formatValues are the --format values of the command at path, nil when it
// has no --format flag.
func formatValues(path string, cmd *cobra.Command) []string {
	f := cmd.Flags().Lookup("format")
	if f == nil {
		return nil
	}
	if v, ok := formats[path]; ok {
		return v
	}
	m := usageList.FindStringSubmatch(f.Usage)
	if m == nil {
		return []string{f.DefValue}
	}
	var out []string
	for _, v := range regexp.MustCompile(`,\s*|\s+or\s+`).Split(m[1], -1) {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func fixed(values []string) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		return matching(values, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// matching keeps the candidates that start with prefix.
func matching(candidates []string, prefix string) []string {
	var out []string
	for _, c := range candidates {
		if strings.HasPrefix(c, prefix) {
			out = append(out, c)
		}
	}
	return out
}
