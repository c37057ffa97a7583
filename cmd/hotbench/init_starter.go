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

// starterLine is one line of the starter: YAML text and its comment.
type starterLine struct{ text, comment string }

func (s starter) render() string {
	var b strings.Builder
	write := func(lines ...starterLine) {
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
		starterLine{"", "A hotbench scenario, written by `hotbench init`: the load to drive at a"},
		starterLine{"", "service, and the hotspots to measure against this month's objectives."},
		starterLine{"", "Every key is explained in `hotbench help scenario`. Check the file with"},
		starterLine{"", "`hotbench validate FILE`; run it before and after a fix with `hotbench run"},
		starterLine{"", "FILE --label before` (then --label after), and compare the two runs."},
		starterLine{},
		starterLine{"name: " + s.Name, "[a-z0-9-]+; names the results folder"},
		starterLine{`description: ""`, "what is slow, and why it matters"},
		starterLine{"target: " + s.Target, "base URL of the service (--target, HOTBENCH_TARGET)"},
		starterLine{},
		starterLine{"load:", "how hard and how long"},
		starterLine{"  rate: 50/s", "open model: arrivals per second, whatever the server does"},
		starterLine{"  duration: 20s", "the measured window of one repetition"},
		starterLine{"  warmup: 5s", "load before each window, not recorded"},
		starterLine{"  timeout: 10s", "per request; a slower answer counts as an error"},
		starterLine{"  max_workers: 0", "cap on requests in flight; 0 = none (honest latency in a stall)"},
		starterLine{"  # stages: [{duration: 10s, rate: 50/s}, {duration: 20s, rate: 200/s}]", ""},
		starterLine{"", "  a linear ramp, instead of a constant rate for duration"},
		starterLine{},
		starterLine{"runs: 10", "repetitions; statistics need 4 or more a side, 10 recommended"},
		starterLine{},
		starterLine{"endpoints:", "each is its own stream at rate * weight / sum of weights"},
		starterLine{"  - name: home", "[a-z0-9_-]+, unique"},
		starterLine{"    method: GET", ""},
		starterLine{"    path: /", "appended to target; may carry a query"},
		starterLine{"    weight: 1", "share of the rate"},
		starterLine{"    # expect: {status: [200]}", "the statuses that count as success (default: 2xx, 3xx)"},
		starterLine{`    # headers: {Authorization: "Bearer ${TOKEN}"}`, "${VAR} comes from the environment"},
		starterLine{"    # body_file: payloads/home.json", "or body: \"...\"; relative to this file"},
		starterLine{},
	)
	s.writeProfiles(write)
	write(
		starterLine{},
		starterLine{"hotspots:", "the known slow spots, each with the month's objective"},
		starterLine{"  - name: home-p99", "[a-z0-9-]+, unique"},
		starterLine{"    endpoint: home", "one of the endpoints above"},
		starterLine{"    metric: p99", "a percentile pN[.N], mean, max, rps, error_rate, ..."},
		starterLine{"    objective: 200ms", "the month's target for the metric: set yours"},
		starterLine{"    # due: 2026-12-31", "when the objective should be met"},
		starterLine{`    # functions: ["main.(*Server).Home"]`, "where the profile should show the fix"},
		starterLine{"    # owner: alice", "who answers for it; team: and ticket: too"},
		starterLine{},
		starterLine{"# server:", "hotbench builds and starts the service itself (hotbench ab)"},
		starterLine{"#   build: go build -o {bin} ./cmd/app", ""},
		starterLine{`#   command: "{bin} -addr {addr}"`, ""},
		starterLine{"#   ready: /healthz", "answers 2xx once the service is up"},
		starterLine{},
		starterLine{"gate:", "the CI policy: hotbench gate BASE CAND"},
		starterLine{"  alpha: 0.05", "a change counts only when p <= alpha"},
		starterLine{"  max_regression: {p50: 10%, p99: 10%, error_rate: 0}", ""},
		starterLine{"", "  the largest significant regressions that still pass"},
		starterLine{"  slo: {error_rate: 1%}", "limits every run must meet (run exits 1 on a breach)"},
	)
	return b.String()
}

// writeProfiles writes the profiles section: filled in when the target's
// pprof answered, else commented out with a note that says why.
func (s starter) writeProfiles(write func(...starterLine)) {
	pprof, comment := s.Pprof, ""
	if pprof == "" {
		pprof = s.Target + "/debug/pprof"
		comment = "# "
		note := "--target was not given, so nothing was probed"
		if s.Probed {
			note = s.PprofProblem
		}
		write(
			starterLine{"", fmt.Sprintf("No profiles: %s.", note)},
			starterLine{"", "For a Go service, serve net/http/pprof and uncomment the section; for"},
			starterLine{"", "another language, set command instead of pprof: any command that writes"},
			starterLine{"", "a profile to {out} (see profiles in `hotbench help scenario`)."},
		)
	}
	write(
		starterLine{comment + "profiles:", "the server's profiles over each measured window"},
		starterLine{comment + "  pprof: " + pprof, "Go net/http/pprof base URL"},
		starterLine{comment + "  # command: \"\"", "or a command writing a pprof file to {out}"},
		starterLine{comment + "  kinds: [cpu, allocs]", "of cpu allocs heap mutex block goroutine"},
		starterLine{comment + "  required: false", "true: a missing profile fails the run"},
		starterLine{comment + "  min_samples: 100", "fewer samples a repetition: shares not tested"},
	)
}
