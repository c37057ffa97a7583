package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/hotbench/hotbench/compare"
	"github.com/hotbench/hotbench/demo"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/runner"
	"github.com/hotbench/hotbench/scenarios"
)

// demoScenario is the shipped scenario the demo runs.
const demoScenario = "examples/demo.yaml"

func (a *app) demoCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole loop on the embedded demo service, unfixed then fixed",
		Long: `demo starts the embedded manuals service (with three planted hotspots) on
127.0.0.1, runs the shipped demo scenario against it unfixed and then with every
fix switched on, stores both runs and prints them side by side.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.demo()
		},
	}
	serve := &cobra.Command{
		Use:   "serve",
		Short: "Serve the demo service alone (with net/http/pprof) until interrupted",
		Args:  noArgs,
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
	cmd.AddCommand(serve)
	return cmd
}

// demo runs the demo scenario against the unfixed and the fixed service.
func (a *app) demo() error {
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
		run, err := a.demoSide(data, addr, side.label, side.fixes)
		if err != nil {
			return err
		}
		runs = append(runs, run)
	}
	fmt.Fprintln(a.stdout)
	writeSideBySide(a.stdout, results.Summarize(runs[0]), results.Summarize(runs[1]))
	writeProfileEvidence(a.stdout, runs[0], runs[1])

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

// demoSide serves the demo with the given fixes on a fresh loopback port
// and runs the scenario against it.
func (a *app) demoSide(data []byte, addr, label, fixed string) (*results.Run, error) {
	fixes, err := demo.ParseFixed(fixed)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("start demo service on %s: %w", addr, err)
	}
	ctx, cancel := context.WithCancel(a.ctx)
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- demo.Serve(ctx, ln, fixes) }()

	base := "http://" + ln.Addr().String()
	sc, err := scenarios.LoadBytes(demoScenario, data, map[string]string{
		"target":         base,
		"profiles.pprof": base + "/debug/pprof",
	})
	if err != nil {
		return nil, fmt.Errorf("embedded demo scenario: %w", err)
	}
	fmt.Fprintf(a.stderr, "demo: %s service (fixed: %s) on %s\n", label, fixes, base)
	run, err := runner.Run(a.ctx, sc, runner.Options{
		Label:       label,
		Store:       a.store(),
		Progress:    a.stderr,
		Interactive: interactive(a.stderr),
		Version:     version(),
	})
	cancel()
	select {
	case <-served:
	case <-time.After(5 * time.Second):
	}
	if err != nil {
		return nil, a.finishRun(run, err, false)
	}
	return run, nil
}

func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free loopback port for the demo: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// writeSideBySide prints two summaries of the same scenario next to each
// other, endpoint by endpoint.
func writeSideBySide(w io.Writer, before, after results.Summary) {
	fmt.Fprintf(w, "%s: %s (%d runs) vs %s (%d runs)\n", before.Scenario, before.Label, before.Runs, after.Label, after.Runs)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "endpoint\tmetric\t%s\t%s\tchange\t\n", before.Label, after.Label)
	for _, b := range before.Endpoints {
		var af *results.EndpointSummary
		for i := range after.Endpoints {
			if after.Endpoints[i].Name == b.Name {
				af = &after.Endpoints[i]
			}
		}
		if af == nil {
			continue
		}
		rows := []struct {
			name string
			b, a float64
			fmt  func(float64) string
		}{
			{"p50", b.Latency.P50, af.Latency.P50, seconds},
			{"p99", b.Latency.P99, af.Latency.P99, seconds},
			{"max", b.Latency.Max, af.Latency.Max, seconds},
			{"req/s", b.RPS, af.RPS, func(f float64) string { return fmt.Sprintf("%.1f", f) }},
			{"errors", b.ErrorRate, af.ErrorRate, percent},
		}
		for i, r := range rows {
			name := ""
			if i == 0 {
				name = b.Name
			}
			change := ""
			if r.b > 0 {
				change = fmt.Sprintf("%+.0f%%", (r.a/r.b-1)*100)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", name, r.name, r.fmt(r.b), r.fmt(r.a), change)
		}
	}
	tw.Flush()
}
