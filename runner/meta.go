package runner

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// gitState describes the git checkout in the current directory, if any: the
// code under test is usually what the user is standing in.
func gitState(ctx context.Context) results.Git {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "git", "rev-parse", "HEAD").Output()
	if err != nil {
		return results.Git{}
	}
	g := results.Git{Commit: strings.TrimSpace(string(out))}
	st, err := exec.CommandContext(ctx, "git", "status", "--porcelain", "--untracked-files=no").Output()
	g.Dirty = err == nil && len(strings.TrimSpace(string(st))) > 0
	return g
}

func hostInfo() results.Host {
	name, _ := os.Hostname()
	return results.Host{Name: name, OS: runtime.GOOS, Arch: runtime.GOARCH, CPUs: runtime.NumCPU()}
}

// moduleVersion returns the version of a dependency as the binary was built
// with it, or "" when unknown.
func moduleVersion(path string) string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, d := range info.Deps {
		if d.Path == path {
			return d.Version
		}
	}
	return ""
}

// sensitiveHeader matches header names whose values are credentials.
var sensitiveHeader = regexp.MustCompile(`(?i)authorization|cookie|token|secret|password|api-?key|session`)

// redacted returns the scenario as it is stored in run.json: credentials in
// headers are replaced, so results can be shared and a rotated token does not
// make two runs look like different scenario versions.
func redacted(sc scenarios.Scenario) scenarios.Scenario {
	eps := make([]scenarios.Endpoint, len(sc.Endpoints))
	for i, e := range sc.Endpoints {
		if len(e.Headers) > 0 {
			h := make(map[string]string, len(e.Headers))
			for k, v := range e.Headers {
				if sensitiveHeader.MatchString(k) {
					v = "[redacted]"
				}
				h[k] = v
			}
			e.Headers = h
		}
		eps[i] = e
	}
	sc.Endpoints = eps
	return sc
}
