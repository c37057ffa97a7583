package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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
	commits := []demo.ABCommit{
		{Service: demo.ABService{Work: 2 * time.Millisecond}, Message: "item: compute the item on every request"},
		{Service: demo.ABService{Work: 400 * time.Microsecond, Comment: "The item's costly part is computed once per request, not per field."},
			Message: "item: compute the costly part once"},
	}
	if _, err := demo.WriteABRepo(repo, demo.ABScenario, commits...); err != nil {
		return err
	}
	path := filepath.Join(repo, "hotbench.yaml")
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
