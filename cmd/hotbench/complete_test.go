package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// complete asks hotbench what to offer for the last argument, as the shell
// scripts do through cobra's hidden __complete command, and returns the
// candidates and the directive.
func complete(t *testing.T, args ...string) ([]string, string) {
	t.Helper()
	code, out, errOut := hotbench(t, append([]string{"__complete"}, args...)...)
	if code != 0 {
		t.Fatalf("__complete %q: exit %d: %s", args, code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	directive := lines[len(lines)-1] // ":4"
	var cands []string
	for _, l := range lines[:len(lines)-1] {
		c, _, _ := strings.Cut(l, "\t") // a description may follow a tab
		cands = append(cands, c)
	}
	return cands, directive
}

var noFileComp = fmt.Sprintf(":%d", cobra.ShellCompDirectiveNoFileComp)

func TestCompletion(t *testing.T) {
	dir, _ := smallStore(t) // search@before, search@after, login@base; baseline main
	runs := []string{"login@latest", "login@base", "search@latest", "search@after", "search@before"}
	withBaselines := append(slices.Clone(runs), "main")
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"show offers every run reference and the baselines", []string{"show", ""}, withBaselines},
		{"references complete from what is typed", []string{"show", "sea"}, []string{"search@latest", "search@after", "search@before"}},
		{"compare completes its base", []string{"compare", "search@"}, []string{"search@latest", "search@after", "search@before"}},
		{"compare completes its candidate", []string{"compare", "main", "search@a"}, []string{"search@after"}},
		{"compare takes two runs, no third", []string{"compare", "main", "search@after", ""}, nil},
		{"gate", []string{"gate", "main", "log"}, []string{"login@latest", "login@base"}},
		{"the last of a comma-separated list completes", []string{"compare", "search@before,login@"}, []string{"search@before,login@latest", "search@before,login@base"}},
		{"export takes any number", []string{"export", "search@after", "login@b"}, []string{"login@base"}},
		{"report", []string{"report", "search@b"}, []string{"search@before"}},
		{"report --month takes no run", []string{"report", "--month", "2026-11", ""}, nil},
		{"profile top", []string{"profile", "top", "login@"}, []string{"login@latest", "login@base"}},
		{"profile view --diff", []string{"profile", "view", "search@after", "--diff", "search@b"}, []string{"search@before"}},
		{"rm offers runs, not baselines", []string{"rm", ""}, runs},
		{"baseline set: a name first, then runs", []string{"baseline", "set", "main", "search@l"}, []string{"search@latest"}},
		{"baseline set: no run for the name", []string{"baseline", "set", ""}, nil},
		{"compare --format", []string{"compare", "a", "b", "--format", ""}, []string{"text", "markdown", "json", "junit"}},
		{"gate --format", []string{"gate", "--format", "j"}, []string{"json", "junit"}},
		{"ab --format", []string{"ab", "s.yaml", "--format", "m"}, []string{"markdown"}},
		{"export --format", []string{"export", "--format", ""}, []string{"benchfmt"}},
		{"profile --kind", []string{"profile", "top", "--kind", ""}, []string{"cpu", "allocs", "heap", "mutex", "block", "goroutine"}},
		{"profile view --kind", []string{"profile", "view", "--kind", "g"}, []string{"goroutine"}},
		{"report --month offers the months with runs", []string{"report", "--month", ""}, []string{"2026-11"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, directive := complete(t, append([]string{"--results", dir}, tt.args...)...)
			if !slices.Equal(got, tt.want) {
				t.Errorf("offers %q, want %q", got, tt.want)
			}
			if directive != noFileComp {
				t.Errorf("directive %s, want %s (no file completion)", directive, noFileComp)
			}
		})
	}
}

// cobra's completion command writes each shell's script.
func TestCompletionScripts(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		code, out, errOut := hotbench(t, "completion", shell)
		if code != 0 || !strings.Contains(out, "hotbench") || !strings.Contains(out, "__complete") {
			t.Errorf("completion %s: exit %d, %d bytes, stderr %q", shell, code, len(out), errOut)
		}
	}
}

// Every --format flag of every command completes to its values, so a new
// command's formats cannot be forgotten.
func TestEveryFormatFlagCompletes(t *testing.T) {
	root := newRootCommand(t.Context(), io.Discard, io.Discard)
	var walk func(*cobra.Command)
	walk = func(cmd *cobra.Command) {
		if f := cmd.Flags().Lookup("format"); f != nil {
			fn, ok := cmd.GetFlagCompletionFunc("format")
			if !ok {
				t.Errorf("%s --format has no completion", cmd.CommandPath())
			} else if values, _ := fn(cmd, nil, ""); !slices.Contains(values, f.DefValue) {
				t.Errorf("%s --format completes to %q, without its default %q", cmd.CommandPath(), values, f.DefValue)
			}
		}
		for _, sub := range cmd.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
