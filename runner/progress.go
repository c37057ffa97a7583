package runner

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/hotbench/hotbench/internal/redact"
	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// progress shows how a run is going on standard error: a live bar on a
// terminal, a plain line per repetition otherwise (CI logs stay readable).
type progress struct {
	w           io.Writer
	interactive bool
	sc          *scenarios.Scenario
}

func newProgress(w io.Writer, interactive bool, sc *scenarios.Scenario) *progress {
	return &progress{w: w, interactive: interactive, sc: sc}
}

// start begins showing repetition index of the planned ones (runs plus
// retries begun); the returned func stops the display.
func (p *progress) start(index, planned int, retry bool, length time.Duration, streams []*stream) func() {
	if p.w == nil {
		return func() {}
	}
	prefix := fmt.Sprintf("%s rep %d/%d", p.sc.Name, index, planned)
	if retry {
		prefix += " (retry)"
	}
	if !p.interactive {
		fmt.Fprintf(p.w, "%s: %s at %s for %s (warm-up %s)\n", prefix, redact.URL(p.sc.Target), p.sc.Load.Rate,
			p.sc.Load.Window(), p.sc.Load.Warmup)
		return func() {}
	}
	bar := progressbar.NewOptions64(length.Milliseconds(),
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription(prefix),
		progressbar.OptionSetWidth(24),
		progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(100*time.Millisecond),
	)
	began := time.Now()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				var reqs, errs int64
				for _, s := range streams {
					reqs += s.rec.liveReqs.Load()
					errs += s.rec.liveErrs.Load()
				}
				bar.Describe(fmt.Sprintf("%s · %d requests · %d errors", prefix, reqs, errs))
				_ = bar.Set64(min(time.Since(began).Milliseconds(), length.Milliseconds()))
			}
		}
	}()
	return func() {
		close(stop)
		wg.Wait()
		_ = bar.Finish()
	}
}

// done prints the repetition's one-line result. p50 and p99 are of the
// successful responses; errors count the others.
func (p *progress) done(rep results.Repetition, planned int) {
	if p.w == nil {
		return
	}
	var parts []string
	for _, e := range rep.Endpoints {
		rps := 0.0
		if s := rep.Seconds(); s > 0 {
			rps = float64(e.Requests) / s
		}
		parts = append(parts, fmt.Sprintf("%s %.1f/s p50 %s p99 %s errors %d",
			e.Name, rps, metric.Format(e.Latency.Quantile(0.5), metric.Seconds), metric.Format(e.Latency.Quantile(0.99), metric.Seconds), e.Errors))
	}
	state := ""
	switch {
	case !rep.Complete:
		state = " (interrupted)"
	case !rep.Valid():
		state = " (invalid)"
	}
	fmt.Fprintf(p.w, "%s rep %d/%d%s: %s\n", p.sc.Name, rep.Index, planned, state, strings.Join(parts, "; "))
}

// note prints a line about the run's course (a repetition redone).
func (p *progress) note(msg string) {
	if p.w == nil {
		return
	}
	fmt.Fprintln(p.w, redact.Text(msg))
}

// warn prints a warning; the run stores the same words (redacted as here).
func (p *progress) warn(msg string) {
	if p.w == nil {
		return
	}
	fmt.Fprintf(p.w, "WARNING: %s\n", redact.Text(msg))
}
