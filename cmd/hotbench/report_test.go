package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The report command's transcripts, on the transcripts' results folder
// (transcriptResults): what it prints, and its exit code, as golden files
// under testdata/transcripts.
var reportTranscripts = []struct {
	name string
	args []string
}{
	{"report-before-after", []string{"report", "manual-search@before", "manual-search@after", "--results", "$RESULTS"}},
	{"report-before-after-unknown-run", []string{"report", "manual-search@before", "manual-search@nothing", "--results", "$RESULTS"}},
	{"report-before-after-no-valid-repetition", []string{"report", "manual-search@after", "manual-search@stalled", "--results", "$RESULTS"}},
	{"report-three-runs", []string{"report", "manual-search@before", "manual-search@after", "manual-search@slower", "--results", "$RESULTS"}},
}

func TestReportTranscripts(t *testing.T) {
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "HOTBENCH_") {
			t.Setenv(k, "")
		}
	}
	dir := transcriptResults(t)
	for _, tc := range reportTranscripts {
		t.Run(tc.name, func(t *testing.T) {
			var args []string
			for _, a := range tc.args {
				args = append(args, strings.ReplaceAll(a, "$RESULTS", dir))
			}
			code, stdout, stderr := hotbench(t, args...)
			base := filepath.Join("testdata", "transcripts", tc.name)
			checkTranscript(t, base+".stdout", scrub(stdout, dir))
			checkTranscript(t, base+".stderr", scrub(stderr, dir))
			checkTranscript(t, base+".code", fmt.Sprintln(code))
		})
	}
	t.Run("the before/after report is written where it says, with its Markdown and charts", func(t *testing.T) {
		html := filepath.Join(dir, "reports", "manual-search-before-vs-manual-search-after.html")
		page, err := os.ReadFile(html)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"hotbench before/after report", "search-steps-n-plus-one", "data:image/png;base64,"} {
			if !strings.Contains(string(page), want) {
				t.Errorf("%s lacks %q", html, want)
			}
		}
		out := t.TempDir()
		md := filepath.Join(out, "fix.md")
		code, _, stderr := hotbench(t, "report", "manual-search@before", "manual-search@after", "--alpha", "0.01",
			"--out", filepath.Join(out, "fix.html"), "--markdown", md, "--results", dir)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		text, err := os.ReadFile(md)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(text), "changes need p ≤ 0.01") {
			t.Errorf("--alpha 0.01 did not reach the comparison:\n%.600s", text)
		}
		charts, _ := filepath.Glob(filepath.Join(out, "fix-charts", "*.png"))
		if len(charts) != 2 {
			t.Errorf("%d charts beside the Markdown, want one per endpoint (2): %v", len(charts), charts)
		}
	})
}
