package compare

import (
	"slices"
	"strings"
	"testing"

	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// gated is testScenario with a gate section: alpha, one max_regression
// entry and one SLO.
func gated(alpha float64, p99 string, v float64) []*results.Run {
	sc := testScenario()
	sc.Gate = scenarios.Gate{
		Alpha:         alpha,
		MaxRegression: map[string]scenarios.Quantity{"p99": {Value: v, Relative: true, Text: p99}},
		SLO:           map[string]scenarios.Quantity{"error_rate": {Value: 0.001, Text: "0.1%"}},
	}
	return []*results.Run{{Scenario: sc}}
}

func alphaOf(a float64) *float64 { return &a }

// The gate's policy is the base's gate section under the flags: a
// candidate that loosens its own scenario's gate gets a warning, not its
// way. The table compares at the policy's alpha, with rows for every
// metric the policy names.
func TestResolveGate(t *testing.T) {
	strict, loose := gated(0.01, "10%", 0.10), gated(0.2, "50%", 0.50)
	const another = "the candidate's scenario has another gate section; the base's policy applies"
	tests := []struct {
		name       string
		base, cand []*results.Run
		settings   Settings
		alpha      float64
		p99        string // the policy's max_regression for p99
		warnings   []string
		metric     string // one of Options.Metrics
		err        string // substring of the error, when one is expected
	}{
		{name: "the base's gate applies, however loose the candidate's", base: strict, cand: loose,
			alpha: 0.01, p99: "10%", warnings: []string{another}},
		{name: "and the other way round, the candidate's stricter gate does not apply either", base: loose, cand: strict,
			alpha: 0.2, p99: "50%", warnings: []string{another}},
		{name: "the same gate on both sides warns of nothing", base: strict, cand: gated(0.01, "10%", 0.10),
			alpha: 0.01, p99: "10%"},
		{name: "flags override key by key", base: strict, cand: strict,
			settings: Settings{MaxRegression: "p99=5%", SLO: "search.p95=300ms"}, alpha: 0.01, p99: "5%", metric: "p95"},
		{name: "--alpha overrides the scenario's", base: strict, cand: strict,
			settings: Settings{Alpha: alphaOf(0.1)}, alpha: 0.1, p99: "10%"},
		{name: "--alpha 0 is out of range, not unset", base: strict, cand: strict,
			settings: Settings{Alpha: alphaOf(0)}, err: "--alpha 0 is out of range"},
		{name: "--alpha past the limits is refused", base: strict, cand: strict,
			settings: Settings{Alpha: alphaOf(0.9)}, err: "--alpha 0.9 is out of range"},
		{name: "an unknown endpoint in a flag is an error, and the warning still stands", base: strict, cand: loose,
			settings: Settings{SLO: "checkout.p99=1s"}, warnings: []string{another}, err: `unknown endpoint "checkout"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ResolveGate(tt.base, tt.cand, tt.settings)
			if !slices.Equal(r.Warnings, tt.warnings) {
				t.Errorf("warnings %q, want %q", r.Warnings, tt.warnings)
			}
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Policy.Alpha != tt.alpha || r.Options.Alpha != tt.alpha {
				t.Errorf("policy alpha %v, options alpha %v; want both %v", r.Policy.Alpha, r.Options.Alpha, tt.alpha)
			}
			if got := r.Policy.MaxRegression["p99"].Text; got != tt.p99 {
				t.Errorf("max_regression p99 %q, want %q", got, tt.p99)
			}
			if _, ok := r.Policy.SLO["error_rate"]; !ok {
				t.Errorf("the base's error_rate SLO is gone: %v", r.Policy.SLO)
			}
			if tt.metric != "" && !slices.Contains(r.Options.Metrics, tt.metric) {
				t.Errorf("options' metrics %v lack %s", r.Options.Metrics, tt.metric)
			}
		})
	}
}

// A compare has no policy: its alpha is --alpha, else the candidate's
// gate.alpha (else Compare's default), and --force passes through.
func TestResolveCompare(t *testing.T) {
	base, cand := gated(0.01, "10%", 0.10), gated(0.2, "50%", 0.50)
	tests := []struct {
		name     string
		cand     []*results.Run
		settings Settings
		alpha    float64
		err      string
	}{
		{name: "the candidate's alpha", cand: cand, alpha: 0.2},
		{name: "a candidate without one leaves it to Compare", cand: []*results.Run{{Scenario: testScenario()}}, alpha: 0},
		{name: "--alpha over both", cand: cand, settings: Settings{Alpha: alphaOf(0.05)}, alpha: 0.05},
		{name: "--alpha 0 is refused", cand: cand, settings: Settings{Alpha: alphaOf(0)}, err: "--alpha 0 is out of range"},
		{name: "policy flags are the gate's, not compare's", cand: cand, settings: Settings{MaxRegression: "bogus=1"}, alpha: 0.2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.settings.Force = true
			r, err := ResolveCompare(base, tt.cand, tt.settings)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Options.Alpha != tt.alpha || !r.Options.Force || len(r.Warnings) > 0 {
				t.Errorf("options %+v, warnings %q; want alpha %v, forced, no warnings", r.Options, r.Warnings, tt.alpha)
			}
		})
	}
}
