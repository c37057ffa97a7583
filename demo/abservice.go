package demo

import (
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"text/template"
	"time"
)

//go:embed abservice/main.go.txt
var abServiceSource string

var abServiceTemplate = template.Must(template.New("service").Parse(abServiceSource))

// ABService is one version of the ab demo's small service: Work is the
// CPU time a request spins for, Comment a line of comment that changes
// nothing (two versions that differ only in it are one build for the
// server, two commits for git).
type ABService struct {
	Work    time.Duration
	Comment string
}

// Write writes the service's main.go and go.mod (a module without
// dependencies, so it builds offline) into dir. Its server.command is
// "{bin} -addr {addr}", its readiness path /healthz and its endpoint
// /api/item.
func (s ABService) Write(dir string) error {
	var b strings.Builder
	comment := ""
	if s.Comment != "" {
		comment = "// " + strings.ReplaceAll(s.Comment, "\n", " ")
	}
	if err := abServiceTemplate.Execute(&b, map[string]string{
		"Work":    fmt.Sprintf("%d // %s", s.Work.Nanoseconds(), s.Work),
		"Comment": comment,
	}); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(b.String()), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/service\n\ngo 1.22\n"), 0o644)
}

// ABScenario is the scenario of the ab demo: the small service's one
// endpoint at a light open-model load, built and started by hotbench ab
// from the scenario's server section.
const ABScenario = `# The ab demo: hotbench ab builds two commits of a small service and runs
# them interleaved on this machine.
name: ab-demo
description: the item endpoint before and after its fix
target: http://127.0.0.1:8080   # ab moves each side to a free port of its own
load:
  rate: 150/s
  duration: 2s
  warmup: 500ms
  max_send_lag: 50ms
runs: 5
endpoints:
  - name: item
    path: /api/item
hotspots:
  - name: item-work
    endpoint: item
    metric: p50
    objective: 1ms
server:
  build: go build -o {bin} .
  command: "{bin} -addr {addr}"
  ready: /healthz
gate:
  max_regression: {p50: 10%, cpu_per_req: 10%, error_rate: 0}
`

// ABCommit is one commit of an ab repository: a version of the service
// and its commit message.
type ABCommit struct {
	Service ABService
	Message string
}

// WriteABRepo makes dir a git repository holding scenario (as
// hotbench.yaml, empty for none) and one commit per version of the
// service, oldest first, with a fixed identity so that it works where git
// has none configured. It returns the commits' hashes.
func WriteABRepo(dir, scenario string, commits ...ABCommit) ([]string, error) {
	git := func(args ...string) (string, error) {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=hotbench demo", "GIT_AUTHOR_EMAIL=demo@hotbench.invalid",
			"GIT_COMMITTER_NAME=hotbench demo", "GIT_COMMITTER_EMAIL=demo@hotbench.invalid")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
		}
		return strings.TrimSpace(string(out)), nil
	}
	if _, err := git("init", "-q"); err != nil {
		return nil, err
	}
	if scenario != "" {
		if err := os.WriteFile(filepath.Join(dir, "hotbench.yaml"), []byte(scenario), 0o644); err != nil {
			return nil, err
		}
	}
	var hashes []string
	for _, c := range commits {
		if err := c.Service.Write(dir); err != nil {
			return nil, err
		}
		for _, args := range [][]string{{"add", "-A"}, {"commit", "-q", "-m", c.Message}} {
			if _, err := git(args...); err != nil {
				return nil, err
			}
		}
		h, err := git("rev-parse", "HEAD")
		if err != nil {
			return nil, err
		}
		hashes = append(hashes, h)
	}
	return hashes, nil
}
