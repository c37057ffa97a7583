package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hotbench/hotbench/ab"
	"github.com/hotbench/hotbench/compare"
	"github.com/hotbench/hotbench/demo"
	"github.com/hotbench/hotbench/scenarios"
)

func (a *app) demoABCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "ab",
		Annotations: map[string]string{watchesInterrupt: "true"},
		Short:       "Build a small service at two commits in a temporary git repository and run hotbench ab on them",
		Long: `demo ab writes a small Go service into a temporary git repository, commits a slow
version and then its fix, and runs hotbench ab on the two commits: both are built,
started on free ports and run interleaved in ABBA/BAAB blocks until the change is
decided. It needs git and the Go toolchain on PATH. The two runs are stored in the
results folder like any ab session's.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.demoAB(a.v.GetInt("max-runs"))
		},
	}
	cmd.Flags().Int("max-runs", 10, "blocks at most")
	return cmd
}

func (a *app) demoAB(maxBlocks int) error {
	for _, tool := range []string{"git", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("demo ab builds a service from git with the Go toolchain: %s is not on PATH; install it and run again", tool)
		}
	}
	dir, err := os.MkdirTemp("", "hotbench-demo-ab-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	repo := filepath.Join(dir, "service")
	if err := os.Mkdir(repo, 0o755); err != nil {
		return err
	}
	path := filepath.Join(repo, "hotbench.yaml")
	if err := os.WriteFile(path, []byte(demo.ABScenario), 0o644); err != nil {
		return err
	}
	versions := []struct {
		service demo.ABService
		message string
	}{
		{demo.ABService{Work: 2 * time.Millisecond}, "item: compute the item on every request"},
		{demo.ABService{Work: 400 * time.Microsecond, Comment: "The item's costly part is computed once per request, not per field."}, "item: compute the costly part once"},
	}
	if err := gitRun(repo, "init", "-q"); err != nil {
		return err
	}
	for _, v := range versions {
		if err := v.service.Write(repo); err != nil {
			return err
		}
		if err := gitRun(repo, "add", "-A"); err != nil {
			return err
		}
		if err := gitRun(repo, "commit", "-q", "-m", v.message); err != nil {
			return err
		}
	}
	fmt.Fprintf(a.stderr, "demo ab: a service in %s with two commits; hotbench ab %s --base HEAD~1 --candidate HEAD\n", repo, filepath.Base(path))
	sc, err := scenarios.Load(path, nil)
	if err != nil {
		return err
	}
	res, err := ab.Run(a.ctx, ab.Options{
		Scenario: sc, Repo: repo, Base: "HEAD~1", Candidate: "HEAD",
		MaxBlocks: maxBlocks, Policy: compare.PolicyFromScenario(sc.Gate),
		Store: a.store(), Progress: a.stderr, Interactive: interactive(a.stderr),
		Version: version(), CacheDir: filepath.Join(dir, "builds"),
	})
	if err != nil {
		return a.abFailed(res, err)
	}
	fmt.Fprintln(a.stdout)
	if err := ab.Write(a.stdout, res, true, "text"); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "\nstored %s\n       %s\n", res.Base.Dir, res.Candidate.Dir)
	return nil
}

// gitRun runs git in dir with a fixed identity, so the demo works where
// git has none configured.
func gitRun(dir string, args ...string) error {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=hotbench demo", "GIT_AUTHOR_EMAIL=demo@hotbench.invalid",
		"GIT_COMMITTER_NAME=hotbench demo", "GIT_COMMITTER_EMAIL=demo@hotbench.invalid")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}
