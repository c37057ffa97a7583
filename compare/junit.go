package compare

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"
)

// JUnit XML as CI systems read it (the Jenkins/Ant schema).
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Skipped  int          `xml:"skipped,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name       string          `xml:"name,attr"`
		Tests      int             `xml:"tests,attr"`
		Failures   int             `xml:"failures,attr"`
		Skipped    int             `xml:"skipped,attr"`
		Properties []junitProperty `xml:"properties>property,omitempty"`
		Cases      []junitCase     `xml:"testcase"`
		SystemErr  string          `xml:"system-err,omitempty"`
	}
	junitProperty struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	junitCase struct {
		ClassName string        `xml:"classname,attr"`
		Name      string        `xml:"name,attr"`
		Failure   *junitFailure `xml:"failure,omitempty"`
		Skipped   *junitSkipped `xml:"skipped,omitempty"`
		SystemOut string        `xml:"system-out,omitempty"`
	}
	junitFailure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
	junitSkipped struct {
		Message string `xml:"message,attr"`
	}
)

// writeJUnit writes a testsuite per endpoint and a testcase per metric row
// and per hotspot. With a gate, its failures are the failures; without one,
// significant regressions are. Rows that are not judged (too few runs, too
// few profile samples, open-model rps, which is an input) and inconclusive
// hotspots are skipped, so CI shows them as not tested; open-model rps is
// never a failure.
func writeJUnit(w io.Writer, c *Comparison, g *GateResult) error {
	fails := failuresOf(g)
	var caveats []string
	caveats = append(caveats, c.Warnings...)
	props := []junitProperty{
		{"base", c.Base}, {"candidate", c.Candidate},
		{"alpha", fmt.Sprint(c.Alpha)}, {"confidence", fmt.Sprint(c.Confidence)},
		{"runs", fmt.Sprintf("%d+%d", c.BaseRuns, c.CandidateRuns)},
		{"left_out", fmt.Sprintf("%d+%d", c.LeftOut.Base, c.LeftOut.Candidate)},
	}
	if g != nil {
		if g.Inconclusive {
			caveats = append(caveats, g.InconclusiveReason)
		}
		caveats = append(caveats, g.Warnings...)
		props = append(props, junitProperty{"gate", strings.TrimPrefix(gateLine(g), "gate: ")},
			junitProperty{"gate_correction", fmt.Sprintf("%s over %d gated rows", g.Correction, g.Gated)})
	}

	endpoints := c.Endpoints()
	for _, h := range c.Hotspots {
		if !slices.Contains(endpoints, h.Endpoint) {
			endpoints = append(endpoints, h.Endpoint)
		}
	}
	// Failures without a row (an SLO on a metric only the candidate
	// measured) still need a failing test case.
	var rowless []Failure
	if g != nil {
		for _, f := range g.Failures {
			if c.Row(f.Endpoint, f.Metric) == nil {
				rowless = append(rowless, f)
				if !slices.Contains(endpoints, f.Endpoint) {
					endpoints = append(endpoints, f.Endpoint)
				}
			}
		}
	}
	out := junitSuites{Name: fmt.Sprintf("hotbench compare %s → %s", c.Base, c.Candidate)}
	for _, e := range endpoints {
		s := junitSuite{Name: e, Properties: props, SystemErr: strings.Join(caveats, "\n")}
		for _, r := range rowsOf(c, e) {
			cl := rowCells(r)
			tc := junitCase{ClassName: "hotbench." + e, Name: r.Metric,
				SystemOut: fmt.Sprintf("%s %s %s → %s %s: %s (%s)", r.Metric, cl.base, cl.baseCI, cl.cand, cl.candCI, cl.delta, cl.pn)}
			if len(r.Warnings) > 0 {
				tc.SystemOut += "\n" + strings.Join(r.Warnings, "\n")
			}
			switch fs := fails[[2]string{e, r.Metric}]; {
			case len(fs) > 0:
				var msgs []string
				for _, f := range fs {
					msgs = append(msgs, f.Reason)
				}
				tc.Failure = &junitFailure{Message: strings.Join(msgs, "; "), Type: fs[0].Kind, Text: tc.SystemOut}
			case g == nil && r.Change == Regressed:
				tc.Failure = &junitFailure{Message: fmt.Sprintf("regressed %s (%s)", cl.delta, cl.pn), Type: "regression", Text: tc.SystemOut}
			case r.Input:
				tc.Skipped = &junitSkipped{Message: fmt.Sprintf("not judged: %s (achieved %s, target %s)", inputWarning, cl.cand, formatTarget(r.Target))}
			case r.TooFewSamples:
				tc.Skipped = &junitSkipped{Message: "not tested: " + cl.delta}
			case r.TooFewRuns:
				tc.Skipped = &junitSkipped{Message: "too few runs to judge: " + tooFewMessage(r.Base.N, r.Candidate.N, c.Alpha)}
			}
			s.add(tc)
		}
		for _, f := range rowless {
			if f.Endpoint != e {
				continue
			}
			s.add(junitCase{ClassName: "hotbench." + e, Name: f.Metric, SystemOut: f.Reason,
				Failure: &junitFailure{Message: f.Reason, Type: f.Kind, Text: f.Reason}})
		}
		for _, h := range c.Hotspots {
			if h.Endpoint != e {
				continue
			}
			tc := junitCase{ClassName: "hotbench." + e, Name: "hotspot " + h.Name, SystemOut: string(h.Verdict) + ": " + h.Evidence}
			switch h.Verdict {
			case VerdictRegressed:
				tc.Failure = &junitFailure{Message: "hotspot regressed: " + h.Evidence, Type: "hotspot", Text: tc.SystemOut}
			case VerdictInconclusive:
				tc.Skipped = &junitSkipped{Message: "inconclusive: " + h.Reason}
			}
			s.add(tc)
		}
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Skipped += s.Skipped
		out.Suites = append(out.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func (s *junitSuite) add(tc junitCase) {
	s.Tests++
	if tc.Failure != nil {
		s.Failures++
	}
	if tc.Skipped != nil {
		s.Skipped++
	}
	s.Cases = append(s.Cases, tc)
}
