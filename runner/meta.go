package runner

import (
	"context"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/hotbench/hotbench/internal/redact"
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

// redacted returns the scenario as it is stored in run.json: credentials
// are replaced wherever the file format lets a user write them (issue 9
// item 4): secret header values ([redacted]), the values of secret query
// and fragment parameters and the user information in target,
// endpoints[].path, profiles.pprof and server.ready (token=REDACTED,
// user:REDACTED@host), and secret name=value pairs in the commands
// (--api-key=REDACTED, API_KEY=REDACTED {bin}). Results can then be shared,
// and since redacting is idempotent and the hash is taken of this form, a
// rotated token does not make two runs look like different scenario
// versions.
func redacted(sc scenarios.Scenario) scenarios.Scenario {
	sc.Target = redact.URL(sc.Target)
	sc.Profiles.Pprof = redact.URL(sc.Profiles.Pprof)
	sc.Profiles.Command = redact.Text(sc.Profiles.Command)
	if sc.Server != nil {
		srv := *sc.Server
		srv.Build, srv.Command, srv.Ready = redact.Text(srv.Build), redact.Text(srv.Command), redact.URL(srv.Ready)
		sc.Server = &srv
	}
	eps := make([]scenarios.Endpoint, len(sc.Endpoints))
	for i, e := range sc.Endpoints {
		e.Path = redact.URL(e.Path)
		if len(e.Headers) > 0 {
			h := make(map[string]string, len(e.Headers))
			for k, v := range e.Headers {
				if redact.IsSecretHeader(k) {
					v = redact.HeaderMask
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

// redactedError is an error whose message had secrets in it: the message
// is redacted, and errors.Is and errors.As still see the original.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactError hides the secrets in err's message (a target's password, a
// token in a URL that an HTTP error quotes).
func redactError(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if red := redact.Text(msg); red != msg {
		return &redactedError{red, err}
	}
	return err
}
