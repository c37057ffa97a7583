package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hotbench/hotbench/internal/safefile"
	"github.com/hotbench/hotbench/report"
	"github.com/hotbench/hotbench/results"
)

func (a *app) reportCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report [RUN | BASE CAND] [--month YYYY-MM]",
		Short: "Write a run's report, a before/after comparison or a month's, as self-contained HTML (and Markdown)",
		Long: `report RUN draws one run: latency over time, the percentile distribution,
throughput and errors, status codes, send lag, the scenario's hotspots against
their objectives and the top CPU functions.

report BASE CAND draws one comparison for people: per endpoint the two latency
curves by percentile overlaid, every metric's change with each side's confidence
interval and its p-value (compare's statistics, its policy resolved as compare
resolves it: --alpha, else the candidate scenario's gate.alpha), the hotspot
verdicts with their evidence, and the change of each captured profile kind (top
functions by change in share, in percentage points). BASE and CAND are references
as compare takes them: run folders, scenario@label, scenario@latest, baselines,
comma-separated lists.

report --month 2026-11 draws a month of the results store for the working group:
each hotspot against its objective and due date, trends with confidence intervals,
error rate and throughput per endpoint with the month's annotations on them
(hotbench annotate: releases and deploys as lines, incidents as spans whose runs are
greyed and kept out of trends, fixes as markers), the month's saved verdicts and its
fix log (compare, gate and ab --save with --ticket, --pr, --note), the top CPU
functions of the last run against the first, and each hotspot against the month
before: closed, opened, still open, and its change since last month's last run. It
starts with the few lines a chair pastes into the minutes.

HTML is one file that works offline; --markdown also writes Markdown with PNG
charts in a folder beside it.`,
		Args: func(cmd *cobra.Command, args []string) error {
			month := cmd.Flags().Lookup("month").Changed
			switch {
			case month && len(args) > 0:
				return usagef("give either a run, two sets of runs or --month, not more")
			case !month && (len(args) < 1 || len(args) > 2):
				return usagef("report needs a run, a base and a candidate (BASE CAND), or --month YYYY-MM (see 'hotbench report --help')")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if m := a.v.GetString("month"); cmd.Flags().Lookup("month").Changed {
				return a.monthReport(m)
			}
			if len(args) == 2 {
				return a.beforeAfterReport(args[0], args[1])
			}
			return a.runReport(args[0])
		},
	}
	f := cmd.Flags()
	f.String("month", "", "the month to report, like 2026-11")
	f.String("out", "", "HTML file to write (default: report.html in the run folder, <results>/reports/BASE-vs-CAND.html, or <results>/reports/month-YYYY-MM.html)")
	f.String("markdown", "", "also write Markdown here, with PNG charts in a folder beside it")
	f.Float64("alpha", 0, "BASE CAND: significance level (default: the candidate scenario's gate.alpha, 0.05)")
	f.Bool("force", false, "BASE CAND: compare runs of different scenarios or endpoints anyway")
	return cmd
}

// beforeAfterReport compares base and cand as compare does (the same
// references, policy and errors: an unknown run or mismatched scenarios
// exit 2, a side without a valid repetition 3) and writes the comparison's
// report.
func (a *app) beforeAfterReport(base, cand string) error {
	c, _, err := a.comparison([]string{base, cand}, false)
	if err != nil {
		return err
	}
	baseRuns, err := a.loadRuns(base)
	if err != nil {
		return err
	}
	candRuns, err := a.loadRuns(cand)
	if err != nil {
		return err
	}
	b, err := report.BuildBeforeAfter(baseRuns, candRuns, c, a.reportOptions())
	if err != nil {
		return err
	}
	out := a.v.GetString("out")
	if out == "" {
		out = filepath.Join(a.store().Dir, "reports", fileStem(c.Base)+"-vs-"+fileStem(c.Candidate)+".html")
	}
	if err := a.writeFileWith(out, b.WriteHTML); err != nil {
		return err
	}
	if md := a.v.GetString("markdown"); md != "" {
		dir, rel := chartDir(md)
		if err := a.writeFileWith(md, func(w io.Writer) error { return b.WriteMarkdown(w, dir, rel) }); err != nil {
			return err
		}
		fmt.Fprintln(a.stderr, "markdown:", md)
	}
	fmt.Fprintln(a.stderr, b.Headline())
	a.printPath(out)
	return nil
}

// fileStem makes a file name's stem of a side's name: letters, digits,
// dots and dashes ("manual-search@before" → "manual-search-before"), at
// most 80 bytes.
func fileStem(name string) string {
	var b strings.Builder
	for _, c := range name {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-', c == '_':
			b.WriteRune(c)
		default:
			b.WriteByte('-')
		}
	}
	s := strings.Trim(b.String(), "-.")
	if len(s) > 80 {
		s = s[:80]
	}
	if s == "" {
		s = "runs"
	}
	return s
}

func (a *app) runReport(ref string) error {
	runs, err := a.loadRuns(ref)
	if err != nil {
		return err
	}
	if len(runs) != 1 {
		return usagef("%s names %d runs: report one run (a folder or scenario@label)", ref, len(runs))
	}
	path, err := a.writeRunReport(runs[0], a.v.GetString("out"), a.v.GetString("markdown"))
	if err != nil {
		return err
	}
	a.printPath(path)
	return nil
}

// writeRunReport writes the run's HTML (and Markdown) report and returns the
// HTML's path.
func (a *app) writeRunReport(run *results.Run, out, md string) (string, error) {
	if out == "" {
		out = filepath.Join(run.Dir, "report.html")
	}
	opts := a.reportOptions()
	if err := a.writeFileWith(out, func(w io.Writer) error { return report.RunReport(w, run, opts) }); err != nil {
		return "", err
	}
	if md != "" {
		dir, rel := chartDir(md)
		if err := a.writeFileWith(md, func(w io.Writer) error { return report.RunMarkdown(w, run, dir, rel, opts) }); err != nil {
			return "", err
		}
		fmt.Fprintln(a.stderr, "markdown:", md)
	}
	return out, nil
}

func (a *app) monthReport(month string) error {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return usagef("--month %q is not a month: write it like 2026-11", month)
	}
	path, headline, err := a.writeMonthReport(t, a.v.GetString("out"), a.v.GetString("markdown"))
	if err != nil {
		return err
	}
	fmt.Fprintln(a.stderr, headline)
	a.printPath(path)
	return nil
}

// writeMonthReport builds the month from the store and writes its HTML (and
// Markdown); it returns the HTML's path and the summary's headline.
func (a *app) writeMonthReport(month time.Time, out, md string) (string, string, error) {
	m, err := report.BuildMonth(a.ctx, a.store(), month, report.Options{})
	if err != nil {
		return "", "", err
	}
	if out == "" {
		out = filepath.Join(a.store().Dir, "reports", "month-"+month.Format("2006-01")+".html")
	}
	if err := a.writeFileWith(out, m.WriteHTML); err != nil {
		return "", "", err
	}
	if md != "" {
		dir, rel := chartDir(md)
		if err := a.writeFileWith(md, func(w io.Writer) error { return m.WriteMarkdown(w, dir, rel) }); err != nil {
			return "", "", err
		}
		fmt.Fprintln(a.stderr, "markdown:", md)
	}
	return out, m.Headline(), nil
}

// reportOptions are the reports' options: the store's annotations, so a
// run that started inside an incident says so. Annotations that cannot be
// read are a warning: the report is written without them.
func (a *app) reportOptions() report.Options {
	as, err := a.store().Annotations()
	if err != nil {
		fmt.Fprintf(a.stderr, "WARNING: %v (the report leaves annotations out)\n", err)
	}
	return report.Options{Annotations: as}
}

// printPath prints where the report went, unless it went to standard output.
func (a *app) printPath(path string) {
	if path == "-" {
		fmt.Fprintln(a.stderr, "report: written to standard output")
		return
	}
	fmt.Fprintln(a.stdout, path)
}

// chartDir is where a Markdown file's PNG charts go: a folder named after
// it, beside it (month.md → month-charts/).
func chartDir(md string) (dir, rel string) {
	if md == "-" { // Markdown on standard output: the charts go to ./charts
		return "charts", "charts"
	}
	base := strings.TrimSuffix(filepath.Base(md), filepath.Ext(md)) + "-charts"
	return filepath.Join(filepath.Dir(md), base), base
}

// writeFileWith renders into memory first, so a failed render leaves no
// half-written file, then writes path (creating its folder) through
// safefile: "-" is standard output, and a device, FIFO or link is written
// into or refused, never replaced.
func (a *app) writeFileWith(path string, render func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		return fmt.Errorf("render %s: %w", path, err)
	}
	if path != "-" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return usagef("create the folder of %s: %v", path, err)
		}
	}
	return outputError(safefile.WriteFile(path, buf.Bytes(), 0o644, safefile.Stdout(a.stdout)))
}

// outputError makes a refused output path (a folder, a socket, a dangling
// link) a usage error; other failures, like a full disk, stay failures.
func outputError(err error) error {
	if errors.Is(err, safefile.ErrFolder) || errors.Is(err, safefile.ErrRefused) {
		return usageError{err}
	}
	return err
}
