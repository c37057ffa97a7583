package main

import (
	"fmt"
	"strings"
)

// starter is what hotbench init writes: a scenario with every main key,
// each with a comment that says what it does.
type starter struct {
	Name, Target string
	// Probed is set when the target was checked; Pprof is the pprof base
	// URL that answered, or PprofProblem says why none did.
	Probed       bool
	Pprof        string
	PprofProblem string
}

// commentColumn is where the comments of the starter scenario begin, so
// they read as a second column (a longer line pushes its own comment on).
const commentColumn = 34

// line is one line of the starter: YAML text and its comment.
type line struct{ text, comment string }

func (s starter) render() string {
	var b strings.Builder
	write := func(lines ...line) {
		for _, l := range lines {
			out, comment := l.text, l.comment
			if c, ok := strings.CutPrefix(comment, "  "); ok && out == "" {
				// The comment of the line before goes on, in its column.
				out, comment = strings.Repeat(" ", commentColumn), c
			}
			if comment != "" {
				if out != "" && strings.TrimSpace(out) != "" {
					out += strings.Repeat(" ", max(commentColumn-len(out), 2))
				}
				out += "# " + comment
			}
			b.WriteString(strings.TrimRight(out, " ") + "\n")
		}
	}
	write(
		line{"", "A hotbench scenario, written by `hotbench init`: the load to drive at a"},
		line{"", "service, and the hotspots to measure against this month's objectives."},
		line{"", "Every key is explained in `hotbench help scenario`. Check the file with"},
		line{"", "`hotbench validate FILE`; run it before and after a fix with `hotbench run"},
		line{"", "FILE --label before` (then --label after), and compare the two runs."},
		line{},
		line{"name: " + s.Name, "[a-z0-9-]+; names the results folder"},
		line{`description: ""`, "what is slow, and why it matters"},
		line{"target: " + s.Target, "base URL of the service (--target, HOTBENCH_TARGET)"},
		line{},
		line{"load:", "how hard and how long"},
		line{"  rate: 50/s", "open model: arrivals per second, whatever the server does"},
		line{"  duration: 20s", "the measured window of one repetition"},
		line{"  warmup: 5s", "load before each window, not recorded"},
		line{"  timeout: 10s", "per request; a slower answer counts as an error"},
		line{"  max_workers: 0", "cap on requests in flight; 0 = none (honest latency in a stall)"},
		line{"  # stages: [{duration: 10s, rate: 50/s}, {duration: 20s, rate: 200/s}]", ""},
		line{"", "  a linear ramp, instead of a constant rate for duration"},
		line{},
		line{"runs: 10", "repetitions; statistics need 4 or more a side, 10 recommended"},
		line{},
		line{"endpoints:", "each is its own stream at rate * weight / sum of weights"},
		line{"  - name: home", "[a-z0-9_-]+, unique"},
		line{"    method: GET", ""},
		line{"    path: /", "appended to target; may carry a query"},
		line{"    weight: 1", "share of the rate"},
		line{"    # expect: {status: [200]}", "the statuses that count as success (default: 2xx, 3xx)"},
		line{`    # headers: {Authorization: "Bearer ${TOKEN}"}`, "${VAR} comes from the environment"},
		line{"    # body_file: payloads/home.json", "or body: \"...\"; relative to this file"},
		line{},
	)
	s.writeProfiles(write)
	write(
		line{},
		line{"hotspots:", "the known slow spots, each with the month's objective"},
		line{"  - name: home-p99", "[a-z0-9-]+, unique"},
		line{"    endpoint: home", "one of the endpoints above"},
		line{"    metric: p99", "a percentile pN[.N], mean, max, rps, error_rate, ..."},
		line{"    objective: 200ms", "the month's target for the metric: set yours"},
		line{"    # due: 2026-12-31", "when the objective should be met"},
		line{`    # functions: ["main.(*Server).Home"]`, "where the profile should show the fix"},
		line{"    # owner: alice", "who answers for it; team: and ticket: too"},
		line{},
		line{"# server:", "hotbench builds and starts the service itself (hotbench ab)"},
		line{"#   build: go build -o {bin} ./cmd/app", ""},
		line{`#   command: "{bin} -addr {addr}"`, ""},
		line{"#   ready: /healthz", "answers 2xx once the service is up"},
		line{},
		line{"gate:", "the CI policy: hotbench gate BASE CAND"},
		line{"  alpha: 0.05", "a change counts only when p <= alpha"},
		line{"  max_regression: {p50: 10%, p99: 10%, error_rate: 0}", ""},
		line{"", "  the largest significant regressions that still pass"},
		line{"  slo: {error_rate: 1%}", "limits every run must meet (run exits 1 on a breach)"},
	)
	return b.String()
}

// writeProfiles writes the profiles section: filled in when the target's
// pprof answered, else commented out with a note that says why.
func (s starter) writeProfiles(write func(...line)) {
	pprof, comment := s.Pprof, ""
	if pprof == "" {
		pprof = s.Target + "/debug/pprof"
		comment = "# "
		note := "--target was not given, so nothing was probed"
		if s.Probed {
			note = s.PprofProblem
		}
		write(
			line{"", fmt.Sprintf("No profiles: %s.", note)},
			line{"", "For a Go service, serve net/http/pprof and uncomment the section; for"},
			line{"", "another language, set command instead of pprof: any command that writes"},
			line{"", "a profile to {out} (see profiles in `hotbench help scenario`)."},
		)
	}
	write(
		line{comment + "profiles:", "the server's profiles over each measured window"},
		line{comment + "  pprof: " + pprof, "Go net/http/pprof base URL"},
		line{comment + "  # command: \"\"", "or a command writing a pprof file to {out}"},
		line{comment + "  kinds: [cpu, allocs]", "of cpu allocs heap mutex block goroutine"},
		line{comment + "  required: false", "true: a missing profile fails the run"},
		line{comment + "  min_samples: 100", "fewer samples a repetition: shares not tested"},
	)
}
