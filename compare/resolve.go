package compare

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// Settings are what a user sets for one comparison beyond the scenarios
// (the command's --alpha, --max-regression, --slo and --force): the top
// layer over the scenarios' gate sections.
type Settings struct {
	// Alpha is the significance level asked for; nil leaves it to the
	// scenarios. A value outside scenarios.CheckAlpha's limits, 0 included,
	// is an error.
	Alpha *float64
	// MaxRegression and SLO override the gate's policy key by key, as
	// ParseOverrides reads them ("p99=10%,error_rate=0"). Only a gate uses
	// them.
	MaxRegression, SLO string
	// Force compares runs of different scenarios or endpoints anyway.
	Force bool
}

// Resolved is what a comparison runs with once the scenarios and the
// Settings are layered.
type Resolved struct {
	Options Options
	// Policy is the gate's policy; zero for a compare.
	Policy Policy
	// Warnings are for the user: they change nothing. They are set even
	// when an error is returned.
	Warnings []string
}

// ResolveCompare layers s over the scenarios for a compare: alpha is
// s.Alpha, else the candidate scenario's gate.alpha (else DefaultAlpha, as
// Compare applies it). Every error it returns is the user's input error.
func ResolveCompare(base, cand []*results.Run, s Settings) (Resolved, error) {
	if len(base) == 0 || len(cand) == 0 {
		return Resolved{}, errors.New("compare needs runs on both sides")
	}
	alpha, err := settingsAlpha(s)
	if err != nil {
		return Resolved{}, err
	}
	if alpha == 0 {
		alpha = cand[0].Scenario.Gate.Alpha
	}
	return Resolved{Options: Options{Alpha: alpha, Force: s.Force}}, nil
}

// ResolveGate layers s over the scenarios for a gate. The policy is the
// base's gate section (PolicyFromScenario): a pull request that loosens
// its own scenario's gate must not pass by it, so a candidate whose
// scenario has another gate section gets a warning, not its policy. Over
// it go s.MaxRegression and s.SLO (ParseOverrides, checked against the
// candidate's endpoints) and s.Alpha. The options compare at the policy's
// alpha, so the table and the gate test alike, with rows for every metric
// the policy names (Policy.Metrics: --slo p95=300ms needs p95 rows). Every
// error it returns is the user's input error.
func ResolveGate(base, cand []*results.Run, s Settings) (Resolved, error) {
	if len(base) == 0 || len(cand) == 0 {
		return Resolved{}, errors.New("gate needs runs on both sides")
	}
	alpha, err := settingsAlpha(s)
	if err != nil {
		return Resolved{}, err
	}
	var r Resolved
	r.Policy = PolicyFromScenario(base[0].Scenario.Gate)
	if !reflect.DeepEqual(base[0].Scenario.Gate, cand[0].Scenario.Gate) {
		r.Warnings = append(r.Warnings, "the candidate's scenario has another gate section; the base's policy applies")
	}
	if err := ParseOverrides(s.MaxRegression, s.SLO, alpha, &r.Policy, cand[0].EndpointNames()); err != nil {
		return r, err
	}
	r.Options = Options{Alpha: r.Policy.Alpha, Force: s.Force, Metrics: r.Policy.Metrics()}
	return r, nil
}

// settingsAlpha is s.Alpha, checked by the limits a scenario's gate.alpha
// has; 0 when it is not set.
func settingsAlpha(s Settings) (float64, error) {
	if s.Alpha == nil {
		return 0, nil
	}
	if err := scenarios.CheckAlpha(*s.Alpha); err != nil {
		return 0, fmt.Errorf("--alpha %v", err)
	}
	return *s.Alpha, nil
}
