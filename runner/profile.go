package runner

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"time"

	"github.com/google/pprof/profile"

	"github.com/hotbench/hotbench/internal/redact"
	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/profiles"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// profileCapture is one repetition's server profiling, running alongside
// the load over exactly the measured window.
type profileCapture struct {
	done     chan struct{}
	captured []profiles.Captured
	warnings []profiles.Warning
}

// startProfiles begins capturing when the warm-up ends; it returns nil when
// the scenario asks for no profiles.
func startProfiles(ctx context.Context, sc *scenarios.Scenario, runDir string, index int, at time.Time, pid int) *profileCapture {
	p := sc.Profiles
	if p.Pprof == "" && p.Command == "" {
		return nil
	}
	pc := &profileCapture{done: make(chan struct{})}
	go func() {
		defer close(pc.done)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Until(at)):
		}
		cfg := profiles.Config{PprofURL: p.Pprof, Command: p.Command, Kinds: p.Kinds, PID: pid}
		pc.captured, pc.warnings = profiles.Capture(ctx, cfg, sc.Load.Window(), filepath.Join(runDir, "profiles"), fmt.Sprintf("rep-%02d", index))
	}()
	return pc
}

// finish waits for the capture and fills the repetition's profiles, hotspot
// function shares and server statistics. It returns the warnings, and an
// error when profiles are required and one is missing.
func (pc *profileCapture) finish(sc *scenarios.Scenario, rep *results.Repetition) ([]string, error) {
	if pc == nil {
		return nil, nil
	}
	<-pc.done
	var warns []string
	// Warnings quote the profile URL, with any token in it.
	for _, w := range pc.warnings {
		warns = append(warns, redact.Text(fmt.Sprintf("repetition %d: %s", rep.Index, w)))
	}
	byKind := map[string]*profile.Profile{}
	for _, c := range pc.captured {
		byKind[c.Kind] = c.Profile
		rep.Profiles = append(rep.Profiles, results.Profile{
			Kind:    c.Kind,
			File:    filepath.ToSlash(filepath.Join("profiles", c.File)),
			Start:   c.Start.UTC(),
			Window:  c.Window.Seconds(),
			Bytes:   c.Bytes,
			Samples: profiles.SampleCount(c.Profile),
		})
	}
	for _, h := range sc.Hotspots {
		for _, fn := range h.Functions {
			re, err := scenarios.FunctionPattern(fn)
			if err != nil {
				continue // validation refused it already
			}
			for _, kind := range metric.ShareKinds {
				p := byKind[kind]
				if p == nil {
					continue
				}
				share, err := profiles.ShareOf(p, kind, re)
				if err != nil {
					warns = append(warns, fmt.Sprintf("repetition %d: %s share of %s: %v", rep.Index, kind, fn, err))
					continue
				}
				// The share carries its evidence: compare tests shares only
				// when every repetition has profiles.min_samples samples.
				rep.Functions = append(rep.Functions, results.FunctionShare{
					Hotspot: h.Name, Function: fn, Kind: kind, Share: share, Samples: profiles.SampleCount(p),
				})
			}
		}
	}
	rep.Server = serverStats(byKind)
	if sc.Profiles.Required {
		for _, kind := range sc.Profiles.Kinds {
			if byKind[kind] == nil {
				return warns, fmt.Errorf("profiles.required is set and repetition %d has no %s profile: %s", rep.Index, kind, redact.Text(reasonFor(pc.warnings, kind)))
			}
		}
	}
	return warns, nil
}

// profileCheckTimeout bounds the check of the profile endpoint before the
// load: a pprof index answers at once, a wrong address fails at once.
const profileCheckTimeout = 3 * time.Second

// checkProfileEndpoint GETs profiles.pprof once before any load, when the
// profiles will come from it. Unreachable (no connection, or an answer that
// is not 2xx) is a warning to store in the run, since a missing profile is
// not a lost run; with profiles.required it is an error and no run begins.
func checkProfileEndpoint(ctx context.Context, p scenarios.Profiles) (warning string, err error) {
	if p.Pprof == "" || p.Command != "" {
		return "", nil // no profiles, or a command takes them
	}
	problem := redact.Text(probe(ctx, pprofIndex(p.Pprof)))
	pprof := redact.URL(p.Pprof)
	switch {
	case problem == "":
		return "", nil
	case p.Required:
		return "", fmt.Errorf("profiles.required is set and the profile endpoint %s is unreachable (%s): start the server with net/http/pprof or fix profiles.pprof", pprof, problem)
	}
	return fmt.Sprintf("profile endpoint %s is unreachable (%s): this run will have no profiles; fix profiles.pprof or set profiles.required to refuse such runs", pprof, problem), nil
}

// pprofIndex is the URL of the pprof index under base: a base without a
// path means /debug/pprof, as profiles reads it.
func pprofIndex(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base // probe reports it
	}
	if u.Path == "" || u.Path == "/" {
		u.Path, u.RawPath = "/debug/pprof/", ""
	}
	return u.String()
}

// probe GETs url and returns what is wrong with the answer, or "".
func probe(ctx context.Context, target string) string {
	ctx, cancel := context.WithTimeout(ctx, profileCheckTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return err.Error()
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return unwrapOp(err).Error()
	}
	defer resp.Body.Close()
	// Drained (boundedly) so the connection is reused or closed cleanly.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "GET answered " + resp.Status
	}
	return ""
}

func reasonFor(warns []profiles.Warning, kind string) string {
	for _, w := range warns {
		if w.Kind == kind || w.Kind == "" {
			return w.Reason
		}
	}
	return "no profile was returned"
}

// serverStats derives the server's CPU time and allocated bytes over the
// window from its CPU and allocation profiles, for cpu_per_req and
// alloc_per_req. The repetition takes its CPU time only when /proc gave
// none (mergeServer).
func serverStats(byKind map[string]*profile.Profile) *results.ServerStats {
	var st results.ServerStats
	if p := byKind["cpu"]; p != nil {
		if i, err := p.SampleIndexByName("cpu"); err == nil && p.SampleType[i].Unit == "nanoseconds" {
			if st.CPUSeconds = float64(sampleTotal(p, i)) / 1e9; st.CPUSeconds > 0 {
				st.CPUSource = results.CPUFromProfile
			}
		}
	}
	if p := byKind["allocs"]; p != nil {
		if i, err := p.SampleIndexByName("alloc_space"); err == nil {
			st.AllocBytes = sampleTotal(p, i)
		}
	}
	if st == (results.ServerStats{}) {
		return nil
	}
	return &st
}

func sampleTotal(p *profile.Profile, i int) int64 {
	var t int64
	for _, s := range p.Sample {
		t += s.Value[i]
	}
	return t
}
