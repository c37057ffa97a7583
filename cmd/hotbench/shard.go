package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/runner"
	"github.com/hotbench/hotbench/scenarios"
	"github.com/hotbench/hotbench/shard"
)

// Environment variables of a sharded run.
const (
	envJobIndex    = "JOB_COMPLETION_INDEX" // set by Kubernetes in an Indexed Job's pods
	envCoordinator = "HOTBENCH_COORDINATOR"
)

// addShardFlags adds run's flags for one schedule over several processes.
func addShardFlags(f *pflag.FlagSet) {
	f.String("shard", "", "run shard I/N of the schedule (0/4 is the first of four): the hits whose number is I modulo N")
	f.Int("shards", 0, "split the schedule over N shards; this one's index comes from --shard or JOB_COMPLETION_INDEX")
	f.Bool("local", false, "with --shards N: start the N shards as processes on this machine, wait for them and merge")
	f.String("coordinator", "", "host:port of shard 0's coordination endpoint (HOTBENCH_COORDINATOR); shard 0 listens on its port")
	f.Duration("register-timeout", 2*time.Minute, "how long every shard has to register with the coordinator")
	f.Bool("merge", true, "shard 0: merge the parts when they are all readable here (a shared results folder)")
	f.String("run-id", "", "shard 0: the sharded run's id (default: a new one)")
	_ = f.MarkHidden("run-id")
}

// sharded reports whether run was asked for a sharded run.
func sharded(cmd *cobra.Command) bool {
	return cmd.Flags().Changed("shard") || cmd.Flags().Changed("shards") || cmd.Flags().Changed("local")
}

// runSharded is run with --shard, --shards or --local.
func (a *app) runSharded(cmd *cobra.Command, sc *scenarios.Scenario, path string) error {
	count := a.v.GetInt("shards")
	local := a.v.GetBool("local")
	var sh runner.Shard
	var err error
	switch {
	case cmd.Flags().Changed("shard"):
		if sh, err = shard.Parse(a.v.GetString("shard")); err != nil {
			return usageError{err}
		}
		if cmd.Flags().Changed("shards") && count != sh.Count {
			return usagef("--shard %s and --shards %d disagree on the number of shards", a.v.GetString("shard"), count)
		}
		if local {
			return usagef("--local starts every shard itself: give --shards N, not --shard")
		}
	case local:
		if count < 2 {
			return usagef("--local needs --shards N with N of at least 2")
		}
		return a.runLocal(cmd, sc, path, count)
	default:
		if sh, err = shard.FromIndex(envJobIndex, os.Getenv(envJobIndex), count); err != nil {
			return usageError{err}
		}
	}
	if a.v.GetBool("raw") {
		return usagef("--raw is not written by shards yet: run the shards without it")
	}
	if err := sh.Check(sc); err != nil {
		return usageError{err}
	}
	opts := runner.Options{
		Label:    a.v.GetString("label"),
		Store:    a.store(),
		Progress: a.stderr,
		Version:  version(),
	}
	if !sh.Active() {
		// One shard of one is the whole schedule.
		run, err := runner.Run(a.ctx, sc, opts)
		if err := a.finishRun(run, err, a.v.GetBool("json")); err != nil {
			return err
		}
		return a.checkRunSLOs(run)
	}
	coord := a.v.GetString("coordinator")
	if coord == "" {
		coord = os.Getenv(envCoordinator)
	}
	if coord == "" {
		return usagef("shard %d/%d needs the coordinator's address, shard 0's host:port: give --coordinator or %s", sh.Index, sh.Count, envCoordinator)
	}
	res, err := shard.Run(a.ctx, sc, shard.Options{
		Runner: opts, Shard: sh, Coordinator: coord,
		RunID:           a.v.GetString("run-id"),
		RegisterTimeout: a.v.GetDuration("register-timeout"),
		Merge:           a.v.GetBool("merge"),
	})
	asJSON := a.v.GetBool("json")
	if res == nil || res.Merged == nil {
		var part *results.Run
		if res != nil {
			part = res.Part
		}
		if res != nil && res.MergeErr != nil {
			fmt.Fprintf(a.stderr, "hotbench: the parts were not merged: %v\n", res.MergeErr)
		}
		if part == nil {
			if err == nil {
				err = errors.New("no run")
			}
			return err
		}
		return a.finishRun(part, err, asJSON)
	}
	// Shard 0 merged: the merged run is the result; its part is on disk.
	fmt.Fprintf(a.stderr, "stored shard 0's part %s\n", res.Part.Dir)
	if perr := a.finishMerged(res.Merged, asJSON); perr != nil {
		return perr
	}
	if err != nil {
		return fmt.Errorf("%v (the merged run is kept in %s)", err, res.Merged.Dir)
	}
	return a.checkRunSLOs(res.Merged)
}

// finishMerged prints a merged run and fails (exit 1) when it is
// incomplete: a shard is missing or failed.
func (a *app) finishMerged(m *results.Run, asJSON bool) error {
	if err := a.printSummary(m, asJSON); err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "stored merged run %s\n", m.Dir)
	if m.Shards != nil {
		var skews []string
		for _, s := range m.Shards.StartSkew {
			skews = append(skews, strconv.FormatFloat(s*1e3, 'f', 2, 64)+"ms")
		}
		if len(skews) > 0 {
			fmt.Fprintf(a.stderr, "start skew between the %d shards per repetition: %s\n", m.Shards.Count, strings.Join(skews, " "))
		}
	}
	if !m.Complete {
		return failError{fmt.Sprintf("the merged run is incomplete: %s (kept in %s)", strings.TrimPrefix(m.IncompleteReason, "sharded run incomplete: "), m.Dir)}
	}
	return nil
}

// runLocal starts count shard processes of this binary on this machine
// (real processes over the real coordination on loopback), waits for them
// and merges their parts.
func (a *app) runLocal(cmd *cobra.Command, sc *scenarios.Scenario, path string, count int) error {
	if a.v.GetBool("raw") {
		return usagef("--raw is not written by shards yet: run the shards without it")
	}
	if err := (runner.Shard{Count: count}).Check(sc); err != nil {
		return usageError{err}
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find hotbench's own binary to start the shards: %w", err)
	}
	addr, err := freeLoopback()
	if err != nil {
		return err
	}
	runID := shard.NewRunID(time.Now())
	label := a.v.GetString("label")
	store := a.store()
	base := []string{"run", path, "--coordinator", addr, "--run-id", runID, "--merge=false", "--results", store.Dir, "--label", label}
	// The flags the user gave that shape the run go to every shard.
	for _, name := range []string{"runs", "target", "rate", "duration", "allow-outside", "config", "register-timeout"} {
		if f := cmd.Flags().Lookup(name); f != nil && f.Changed {
			base = append(base, "--"+name+"="+a.v.GetString(name))
		}
	}
	var mu sync.Mutex
	procs := make([]*exec.Cmd, count)
	for i := range count {
		args := append(append([]string{}, base...), "--shard", fmt.Sprintf("%d/%d", i, count))
		c := exec.Command(exe, args...)
		c.Stdout = io.Discard
		c.Stderr = &prefixWriter{w: a.stderr, mu: &mu, prefix: fmt.Sprintf("shard %d/%d: ", i, count)}
		if err := c.Start(); err != nil {
			for _, p := range procs[:i] {
				_ = p.Process.Kill()
				_ = p.Wait()
			}
			return fmt.Errorf("start shard %d of %d: %w", i, count, err)
		}
		procs[i] = c
		mu.Lock()
		fmt.Fprintf(a.stderr, "started shard %d/%d (pid %d)\n", i, count, c.Process.Pid)
		mu.Unlock()
	}
	// Ctrl-C reaches the shards as an interrupt: each stops its load and
	// keeps what it measured.
	stop := make(chan struct{})
	go func() {
		select {
		case <-a.ctx.Done():
			for _, p := range procs {
				_ = p.Process.Signal(os.Interrupt)
			}
		case <-stop:
		}
	}()
	failures := map[int]string{}
	for i, p := range procs {
		err := p.Wait()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				failures[i] = fmt.Sprintf("its process (pid %d) was killed by %v", p.Process.Pid, ws.Signal())
			}
		}
	}
	close(stop)
	parts, err := shard.FindParts(store, sc.Name, runID)
	if err != nil {
		return err
	}
	if len(parts) == 0 {
		return fmt.Errorf("no shard of run %s stored a part in %s: see the shards' messages above", runID, store.Dir)
	}
	merged, err := shard.Merge(parts, shard.MergeOptions{Label: label, Failures: failures})
	if err != nil {
		return err
	}
	if err := shard.Store(store, merged, parts); err != nil {
		return err
	}
	if err := a.finishMerged(merged, a.v.GetBool("json")); err != nil {
		return err
	}
	if a.ctx.Err() != nil {
		return fmt.Errorf("%w: the shards were stopped", runner.ErrInterrupted)
	}
	return a.checkRunSLOs(merged)
}

// freeLoopback returns a loopback address with a port free right now.
func freeLoopback() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port for the coordinator: %w", err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr, nil
}

// prefixWriter writes whole lines, each with a prefix, under a lock
// shared by the writers of one output; lines that already name their
// shard keep their own words.
type prefixWriter struct {
	w      io.Writer
	mu     *sync.Mutex
	prefix string
	buf    []byte
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf = append(p.buf, b...)
	for {
		i := bytes.IndexByte(p.buf, '\n')
		if i < 0 {
			break
		}
		line := p.buf[:i+1]
		if !bytes.HasPrefix(line, []byte("shard ")) {
			line = append([]byte(p.prefix), line...)
		}
		if _, err := p.w.Write(line); err != nil {
			return len(b), err
		}
		p.buf = p.buf[i+1:]
	}
	return len(b), nil
}

func (a *app) mergeCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "merge PARTS...",
		Short: "Merge the parts of a sharded run into one run (exact HDR histogram merge)",
		Long: `merge makes one run of the parts a sharded run stored (run --shard I/N, one
per shard): histograms are the exact HDR merge, counts and statuses are summed,
per-second series merged second by second, and repetition k of the merged run is
repetition k of every shard: one sample of the whole load. Give every part, or one
part and its siblings are found beside it by the run's id. A missing or failed
shard makes the merged run incomplete (exit 1), naming it.`,
		Args: minArgs(1, "the parts of a sharded run (run folders or references)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			parts, err := a.store().LoadRuns(args...)
			if err != nil {
				return usageError{err}
			}
			if parts, err = shard.Siblings(parts); err != nil {
				return err
			}
			merged, err := shard.Merge(parts, shard.MergeOptions{Label: a.v.GetString("label")})
			if err != nil {
				return usageError{err}
			}
			if err := shard.Store(a.store(), merged, parts); err != nil {
				return err
			}
			return a.finishMerged(merged, a.v.GetBool("json"))
		},
	}
	cmd.Flags().String("label", "", "label of the merged run (default: the sharded run's)")
	cmd.Flags().Bool("json", false, "print the merged run's summary as JSON on standard output")
	return cmd
}

func (a *app) k8sCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "k8s SCENARIO",
		Short: "Print Kubernetes manifests that run a scenario as N shards (Indexed Job)",
		Long: `k8s prints a ConfigMap holding the scenario, a headless Service and an Indexed Job
of N pods, one per node, each running "hotbench run --shards N" with its shard from
JOB_COMPLETION_INDEX and pod 0 coordinating. Parts and the merged run go to
--results-claim (a ReadWriteMany claim, mounted at /results); shard 0 merges.

  hotbench k8s search.yaml --shards 4 --image registry.example/hotbench:v1 \
    --results-claim hotbench-results | kubectl apply -f -`,
		Args: exactArgs(1, "a scenario file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			text, err := os.ReadFile(args[0])
			if err != nil {
				return usageError{err}
			}
			sc, err := loadScenario(args[0], nil)
			if err != nil {
				return err
			}
			objs, err := shard.Manifests(sc, text, args[0], shard.K8sOptions{
				Shards:       a.v.GetInt("shards"),
				Image:        a.v.GetString("image"),
				Namespace:    a.v.GetString("namespace"),
				ResultsClaim: a.v.GetString("results-claim"),
				Label:        a.v.GetString("label"),
				CPU:          a.v.GetString("cpu"),
				Memory:       a.v.GetString("memory"),
			})
			if err != nil {
				return usageError{err}
			}
			b, err := shard.WriteYAML(objs)
			if err != nil {
				return err
			}
			if a.v.GetString("results-claim") == "" {
				fmt.Fprintln(a.stderr, "hotbench: no --results-claim: every pod keeps its part in an emptyDir that goes with the pod, and shard 0 cannot merge; give a ReadWriteMany claim")
			}
			_, err = a.stdout.Write(b)
			return err
		},
	}
	f := cmd.Flags()
	f.Int("shards", 0, "number of shards (pods, one per node)")
	f.String("image", "", "hotbench's container image (built from the repository's Dockerfile)")
	f.String("namespace", "", "namespace of the objects")
	f.String("results-claim", "", "PersistentVolumeClaim (ReadWriteMany) the pods write their runs to, at /results")
	f.String("label", "", "label of the run")
	f.String("cpu", "2", "CPU of each pod, requested and limited alike")
	f.String("memory", "1Gi", "memory of each pod, requested and limited alike")
	return cmd
}
