package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/hotbench/hotbench/compare"
	"github.com/hotbench/hotbench/demo"
	"github.com/hotbench/hotbench/report"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/runner"
	"github.com/hotbench/hotbench/scenarios"
)

// demoScenario is the shipped scenario the demo runs.
const demoScenario = "examples/demo.yaml"

func (a *app) demoCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:         "demo",
		Annotations: map[string]string{watchesInterrupt: "true"},
		Short:       "Run the whole loop on the embedded demo service, unfixed then fixed",
		Long: `demo starts the embedded manuals service (with three planted hotspots) on
127.0.0.1 as a child process (this binary's "demo serve"), runs the shipped demo
scenario against it unfixed and then with every fix switched on, stores both runs
and prints them side by side.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			overrides := map[string]string{}
			for flag, key := range map[string]string{"runs": "runs", "duration": "load.duration"} {
				if cmd.Flags().Changed(flag) {
					overrides[key] = a.v.GetString(flag)
				}
			}
			return a.demo(overrides)
		},
	}
	cmd.Flags().Int("runs", 0, "repetitions a side, overriding the demo scenario's 6")
	cmd.Flags().String("duration", "", "measured window of a repetition, overriding the demo scenario's 4s")
	serve := &cobra.Command{
		Use:         "serve",
		Annotations: map[string]string{watchesInterrupt: "true"},
		Short:       "Serve the demo service alone (with net/http/pprof) until interrupted",
		Args:        noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fixes, err := demo.ParseFixed(a.v.GetString("fixed"))
			if err != nil {
				return usageError{err}
			}
			ln, err := net.Listen("tcp", a.v.GetString("addr"))
			if err != nil {
				return usagef("listen on %s: %v (pick another --addr)", a.v.GetString("addr"), err)
			}
			demo.EnableContentionProfiles()
			fmt.Fprintf(a.stderr, "demo service on http://%s (fixed: %s); pprof at http://%s/debug/pprof/\n", ln.Addr(), fixes, ln.Addr())
			return demo.Serve(a.ctx, ln, fixes)
		},
	}
	serve.Flags().String("addr", "127.0.0.1:8080", "address to listen on")
	serve.Flags().String("fixed", "none", "fixes to switch on: none, all, or a list of "+fmt.Sprint(demo.Hotspots()))
	cmd.AddCommand(serve, a.demoABCommand())
	return cmd
}

// demo runs the demo scenario against the unfixed and the fixed service.
func (a *app) demo(overrides map[string]string) error {
	data, err := scenarios.Examples.ReadFile(demoScenario)
	if err != nil {
		return fmt.Errorf("read embedded %s: %w", demoScenario, err)
	}
	// Both sides listen on the same port, so they run the same scenario
	// (the target is part of it) and compare without a version warning.
	addr, err := freeLoopbackAddr()
	if err != nil {
		return err
	}
	var runs []*results.Run
	for _, side := range []struct {
		label string
		fixes string
	}{{"unfixed", "none"}, {"fixed", "all"}} {
		run, err := a.demoSide(data, addr, side.label, side.fixes, overrides)
		if err != nil {
			return err
		}
		runs = append(runs, run)
	}
	fmt.Fprintln(a.stdout)
	if err := report.WriteSideBySide(a.stdout, results.Summarize(runs[0]), results.Summarize(runs[1])); err != nil {
		return err
	}
	if err := report.WriteProfileEvidence(a.stdout, runs[0], runs[1]); err != nil {
		return err
	}

	c, err := compare.Compare(runs[:1], runs[1:], compare.Options{Alpha: runs[0].Scenario.Gate.Alpha})
	if err != nil {
		return err
	}
	fmt.Fprintln(a.stdout)
	if err := compare.Write(a.stdout, c, nil, "text"); err != nil {
		return err
	}
	var verdict bytes.Buffer
	if err := compare.Write(&verdict, c, nil, "json"); err != nil {
		return err
	}
	if _, err := a.store().SaveVerdict(results.VerdictCompare, c.Scenario, time.Now().UTC(), verdict.Bytes()); err != nil {
		return fmt.Errorf("save the demo's verdict: %w", err)
	}

	fmt.Fprintf(a.stdout, "\nstored %s\n       %s\n", runs[0].Dir, runs[1].Dir)
	for _, r := range runs {
		path, err := a.writeRunReport(r, "", "")
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "run report (%s): %s\n", r.Label, path)
	}
	month, headline, err := a.writeMonthReport(runs[1].Start, "", "")
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "month report: %s\n  %s\n", month, headline)
	return nil
}

// demoSide starts the demo service with the given fixes as a child process
// on addr and runs the scenario against it.
func (a *app) demoSide(data []byte, addr, label, fixed string, overrides map[string]string) (*results.Run, error) {
	if _, err := demo.ParseFixed(fixed); err != nil {
		return nil, err
	}
	base := "http://" + addr
	keys := map[string]string{"target": base, "profiles.pprof": base + "/debug/pprof"}
	for k, v := range overrides {
		keys[k] = v
	}
	// From the embedded examples, whose data file (manuals.csv) is beside it.
	sc, err := scenarios.LoadFS(scenarios.Examples, demoScenario, keys)
	if err != nil {
		return nil, usageError{fmt.Errorf("demo: %w", err)}
	}
	srv, err := startDemoServer(a.ctx, addr, fixed)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(a.stderr, "demo: %s service (fixed: %s) on %s, pid %d\n", label, fixed, base, srv.pid())
	run, err := runner.Run(a.ctx, sc, runner.Options{
		Label:       label,
		Store:       a.store(),
		Progress:    a.stderr,
		Interactive: interactive(a.stderr),
		Version:     version(),
		ServerPID:   srv.pid(),
	})
	if stopErr := srv.stop(); stopErr != nil && err == nil {
		fmt.Fprintf(a.stderr, "demo: %v\n", stopErr)
	}
	if err != nil {
		return nil, a.finishRun(run, err, false)
	}
	return run, nil
}

// demoServer is the demo service running as a child process of this very
// binary (hotbench demo serve): the service under test and the load
// generator then share no runtime, so the service's garbage collection does
// not pause the generator and its CPU profiles hold no generator frames.
type demoServer struct {
	cmd    *exec.Cmd
	exited chan struct{}
	err    error         // the process's exit, once exited is closed
	stderr *bytes.Buffer // the child's messages, for errors
}

func startDemoServer(ctx context.Context, addr, fixed string) (*demoServer, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("demo: find this hotbench binary to start the demo service: %w", err)
	}
	s := &demoServer{exited: make(chan struct{}), stderr: &bytes.Buffer{}}
	s.cmd = exec.Command(exe, "demo", "serve", "--addr", addr, "--fixed", fixed)
	s.cmd.Stdout = io.Discard
	s.cmd.Stderr = &limitedBuffer{buf: s.stderr, max: 16 << 10}
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("demo: start the demo service: %w", err)
	}
	go func() {
		s.err = s.cmd.Wait()
		close(s.exited)
	}()
	if err := s.waitReady(ctx, "http://"+addr+"/healthz", 15*time.Second); err != nil {
		_ = s.stop()
		return nil, err
	}
	return s, nil
}

func (s *demoServer) pid() int { return s.cmd.Process.Pid }

// waitReady polls the service's health check until it answers 200.
func (s *demoServer) waitReady(ctx context.Context, url string, limit time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(limit)
	for {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.exited:
			return fmt.Errorf("demo: the demo service exited before it was ready (%v): %s", s.err, lastLine(s.stderr.String()))
		case <-ctx.Done():
			return fmt.Errorf("%w before the load began", runner.ErrInterrupted)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("demo: the demo service did not answer %s within %s", url, limit)
		}
	}
}

// stop asks the service to shut down (SIGINT, as Ctrl-C would) and kills it
// if it has not within five seconds.
func (s *demoServer) stop() error {
	select {
	case <-s.exited:
		return nil
	default:
	}
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.exited:
		return nil
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
		return errors.New("the demo service did not stop within 5s of SIGINT and was killed")
	}
}

// limitedBuffer keeps the first max bytes written to it, so a chatty child
// cannot grow hotbench's memory.
type limitedBuffer struct {
	mu  sync.Mutex
	buf *bytes.Buffer
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if room := l.max - l.buf.Len(); room > 0 {
		l.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free loopback port for the demo: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
