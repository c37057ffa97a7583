package main

import (
	"context"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
	"golang.org/x/term"

	"github.com/hotbench/hotbench/results"
)

// app carries what every command needs: writers, the context and the
// layered configuration (config file < HOTBENCH_* environment < flags).
type app struct {
	ctx            context.Context
	stdout, stderr io.Writer
	v              *viper.Viper
}

func newRootCommand(ctx context.Context, stdout, stderr io.Writer) *cobra.Command {
	a := &app{ctx: ctx, stdout: stdout, stderr: stderr, v: viper.New()}
	// Only these options come from the environment: one variable must not
	// reach every command (HOTBENCH_FORMAT breaking export, HOTBENCH_FORCE
	// forcing every compare). Scenario keys (HOTBENCH_TARGET, ...) are read
	// by the scenarios package.
	for key, env := range map[string]string{"results": "HOTBENCH_RESULTS", "config": "HOTBENCH_CONFIG"} {
		_ = a.v.BindEnv(key, env) // cannot fail: key and name are given
	}

	root := &cobra.Command{
		Use:   "hotbench",
		Short: "Load-test a service, prove a performance fix with statistics and profiles",
		Long: `hotbench drives load at the endpoints a scenario file names (vegeta), records
honest latency histograms and server profiles (pprof), and says with benchstat's
statistics whether a change made a hotspot faster.

Configuration is layered: a config file (--config, or HOTBENCH_CONFIG) < HOTBENCH_*
environment variables (HOTBENCH_RESULTS, HOTBENCH_TARGET, ...) < flags.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			return a.configure(cmd)
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usagef("%v (see '%s --help')", err, c.CommandPath())
	})
	root.PersistentFlags().String("results", "hotbench-results", "results folder (HOTBENCH_RESULTS)")
	root.PersistentFlags().String("config", "", "config file with default flag values (HOTBENCH_CONFIG)")

	root.AddCommand(
		a.runCommand(),
		a.initCommand(),
		a.validateCommand(),
		a.lsCommand(),
		a.rmCommand(),
		a.showCommand(),
		a.exportCommand(),
		a.compareCommand(),
		a.gateCommand(),
		a.baselineCommand(),
		a.profileCommand(),
		a.reportCommand(),
		a.annotateCommand(),
		a.abCommand(),
		a.calibrateCommand(),
		a.mergeCommand(),
		a.k8sCommand(),
		a.demoCommand(),
		a.versionCommand(),
		a.scenarioHelpTopic(),
	)
	a.completeCommands(root)
	return root
}

// configure binds the running command's flags into viper and reads the
// config file, so a.v answers with the layered value of every flag.
func (a *app) configure(cmd *cobra.Command) error {
	var bindErr error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if err := a.v.BindPFlag(f.Name, f); err != nil && bindErr == nil {
			bindErr = err
		}
	})
	if bindErr != nil {
		return bindErr
	}
	if path := a.v.GetString("config"); path != "" {
		if err := checkConfig(cmd.Root(), path); err != nil {
			return err
		}
		a.v.SetConfigFile(path)
		if err := a.v.ReadInConfig(); err != nil {
			return usagef("read config %s: %v", path, err)
		}
	}
	return nil
}

func (a *app) store() *results.Store { return results.Open(a.v.GetString("results")) }

// interactive reports whether w is a terminal (for live progress).
func interactive(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// version is hotbench's module version as the go command recorded it.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok || info.Main.Version == "" {
		return "(devel)"
	}
	return info.Main.Version
}

// Argument validators that report usage errors (exit 2).
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments, got %q", cmd.CommandPath(), args)
	}
	return nil
}

func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("%s needs %s (see '%s --help')", cmd.CommandPath(), what, cmd.CommandPath())
		}
		return nil
	}
}

func minArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return usagef("%s needs %s (see '%s --help')", cmd.CommandPath(), what, cmd.CommandPath())
		}
		return nil
	}
}

func isCobraUsage(err error) bool {
	return strings.HasPrefix(err.Error(), "unknown command") || strings.HasPrefix(err.Error(), "unknown flag") ||
		strings.Contains(err.Error(), "required flag")
}
