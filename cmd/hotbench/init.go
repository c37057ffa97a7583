package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hotbench/hotbench/internal/redact"
	"github.com/hotbench/hotbench/internal/safefile"
	"github.com/hotbench/hotbench/scenarios"
)

func (a *app) initCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "init [FILE] [--target URL] [--name N]",
		Short: "Write a commented starter scenario (probing the target's /debug/pprof)",
		Long: `init writes a starter scenario: every main key with a comment that says what it
does, and a sensible default. FILE is NAME.yaml by default (scenario.yaml without
--name), "-" prints it; the name is --name, or FILE's name. An existing file is
never replaced without --force.

With --target, init checks that the service answers there, and probes
TARGET/debug/pprof/: when Go's net/http/pprof answers, profiles.pprof is filled
in; otherwise the profiles section is left commented out, with a note. Without
--target the target is http://127.0.0.1:8080 and nothing is probed.

What init writes passes 'hotbench validate'; 'hotbench help scenario' explains
every key.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usagef("init takes at most one file, got %q (see 'hotbench init --help')", args)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.init(args)
		},
	}
	f := cmd.Flags()
	f.String("target", "", "base URL of the service: checked to answer, and probed for /debug/pprof/")
	f.String("name", "", "the scenario's name, [a-z0-9-]+ (default: the file's name)")
	f.Bool("force", false, "replace FILE if it exists")
	return cmd
}

// defaultInitTarget is the target of a scenario written without --target.
const defaultInitTarget = "http://127.0.0.1:8080"

func (a *app) init(args []string) error {
	name := a.v.GetString("name")
	path := ""
	if len(args) == 1 {
		path = args[0]
	}
	switch {
	case path == "" && name != "":
		path = name + ".yaml"
	case path == "":
		path = "scenario.yaml"
	}
	if path != "-" {
		if ext := strings.ToLower(filepath.Ext(path)); ext != ".yaml" && ext != ".yml" {
			return usagef("init writes YAML, with comments: name the file .yaml (not %q)", filepath.Base(path))
		}
		if name == "" {
			name = nameFrom(strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)))
		}
	}
	if name == "" {
		name = "scenario"
	}
	if !scenarioName.MatchString(name) {
		return usagef("--name %q cannot name a scenario: use lower-case letters, digits and dashes, like manual-search", name)
	}
	force := a.v.GetBool("force")
	if path != "-" && !force {
		if _, err := os.Lstat(path); err == nil {
			return usagef("%s exists: init never replaces a file; name another, or give --force", path)
		}
	}

	s := starter{Name: name, Target: defaultInitTarget}
	if t := a.v.GetString("target"); t != "" {
		t = strings.TrimRight(t, "/")
		if err := scenarios.CheckTarget(t); err != nil {
			return usagef("--target: %v", err)
		}
		s.Target, s.Probed = t, true
		ctx, cancel := context.WithTimeout(a.ctx, 10*time.Second)
		defer cancel()
		if err := answers(ctx, t); err != nil {
			return usageError{err}
		}
		s.Pprof, s.PprofProblem = findPprof(ctx, t)
	}
	data := []byte(s.render())
	// What init writes must load: a bug here is caught before the file is.
	if _, err := scenarios.LoadBytes(filepath.Join(filepath.Dir(path), "init.yaml"), data, nil); err != nil {
		return fmt.Errorf("init: the starter scenario does not validate (a bug in hotbench, or a HOTBENCH_* variable that overrides it): %w", err)
	}
	opts := []safefile.Option{safefile.Stdout(a.stdout)}
	if !force {
		opts = append(opts, safefile.NoReplace())
	}
	if err := safefile.WriteFile(path, data, 0o644, opts...); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return usagef("%s exists: init never replaces a file; name another, or give --force", path)
		}
		return outputError(err)
	}
	if path == "-" {
		return nil
	}
	switch {
	case s.Pprof != "":
		fmt.Fprintf(a.stderr, "wrote %s: scenario %s against %s, profiles from %s\n", path, name, redact.URL(s.Target), redact.URL(s.Pprof))
	case s.Probed:
		fmt.Fprintf(a.stderr, "wrote %s: scenario %s against %s; no profiles: %s (the profiles section is commented out)\n", path, name, redact.URL(s.Target), s.PprofProblem)
	default:
		fmt.Fprintf(a.stderr, "wrote %s: scenario %s against %s (not checked: give --target to check it and find its profiles)\n", path, name, s.Target)
	}
	fmt.Fprintf(a.stderr, "next: edit the endpoints and the hotspot, then 'hotbench validate %s' and 'hotbench run %s --label before'\n", path, path)
	return nil
}

var scenarioName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,99}$`)

// nameFrom makes a scenario name of a file's name: lower case, runs of
// anything but letters and digits as one dash.
func nameFrom(s string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(s) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	name := strings.Trim(b.String(), "-")
	if len(name) > 100 {
		name = strings.TrimRight(name[:100], "-")
	}
	return name
}

// probeClient answers init's few questions; a service that takes longer
// than this to answer a GET is not one to start a scenario against blind.
var probeClient = &http.Client{Timeout: 5 * time.Second}

// answers checks that an HTTP server answers at target: any status will do.
func answers(ctx context.Context, target string) error {
	resp, err := get(ctx, target+"/")
	if err != nil {
		return fmt.Errorf("target %s does not answer (%v): start the service, or give the --target it listens on", redact.URL(target), cause(err))
	}
	resp.Body.Close()
	return nil
}

// findPprof looks for Go's net/http/pprof index at TARGET/debug/pprof/ and,
// for a target with a path, at the root of its host. It returns the base
// URL that answered, or why none did.
func findPprof(ctx context.Context, target string) (base, problem string) {
	bases := []string{target + "/debug/pprof"}
	if u, err := url.Parse(target); err == nil && strings.Trim(u.Path, "/") != "" {
		u.Path = "/debug/pprof"
		bases = append(bases, u.String())
	}
	for _, b := range bases {
		resp, err := get(ctx, b+"/")
		if err != nil {
			problem = fmt.Sprintf("%s/ did not answer (%v)", redact.URL(b), cause(err))
			continue
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 256<<10))
		resp.Body.Close()
		switch {
		case resp.StatusCode != http.StatusOK:
			problem = fmt.Sprintf("%s/ answered %s", redact.URL(b), resp.Status)
		case !strings.Contains(string(body), "goroutine"):
			problem = fmt.Sprintf("%s/ answered, but not with net/http/pprof's index", redact.URL(b))
		default:
			return b, ""
		}
	}
	return "", problem
}

func get(ctx context.Context, u string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "hotbench-init")
	return probeClient.Do(req)
}

// cause is the innermost useful part of an HTTP client's error ("connection
// refused" rather than the whole Get "…": dial tcp …: chain).
func cause(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}
