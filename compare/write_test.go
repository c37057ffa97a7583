package compare

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"path/filepath"
	"strings"
	"testing"

	goldenfile "github.com/hotbench/hotbench/internal/golden"

	"github.com/hotbench/hotbench/internal/synth"
	"github.com/hotbench/hotbench/scenarios"
)

// fixture is a comparison as the month's work produces it: search's p99
// fixed (and its function gone from the profile), login slower beyond the
// gate's allowance, and an outage of login in the candidate's second
// repetition (40 of its 500 requests failed).
func fixture(t testing.TB, n int) (*Comparison, *GateResult) {
	t.Helper()
	sc := testScenario()
	sc.Gate = scenarios.Gate{SLO: map[string]scenarios.Quantity{"p99": {Value: 0.5, Text: "500ms"}}}
	slowLogin := func(o synth.Options) synth.Options {
		return each(o, func(r *synth.Rep) {
			r.Endpoints[1].Median *= 1.3
			if r.Index == 2 {
				r.Endpoints[1].Errors = 40 // of its 500 requests
			}
		})
	}
	base := synthRun(sc, "before", n, noisy(70, 0.050, 0.41))
	cand := synthRun(sc, "after", n, slowLogin(noisy(71, 0.012, 0.03)))
	c, err := Compare(runs(base), runs(cand), Options{})
	if err != nil {
		t.Fatal(err)
	}
	g := Gate(c, PolicyFromScenario(sc.Gate))
	return c, &g
}

func TestWriteGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		runs int
	}{{"ten", 10}, {"three", 3}} {
		c, g := fixture(t, tc.runs)
		for _, format := range []string{"text", "markdown", "json"} {
			t.Run(tc.name+" runs a side as "+format, func(t *testing.T) {
				var buf bytes.Buffer
				if err := Write(&buf, c, g, format); err != nil {
					t.Fatal(err)
				}
				golden(t, filepath.Join("testdata", tc.name+"."+map[string]string{"text": "txt", "markdown": "md", "json": "json"}[format]), buf.Bytes())
			})
		}
	}
}

// golden compares got with the file at path, or rewrites it with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	goldenfile.Check(t, path, got)
}

func TestWriteTextMarksTheGate(t *testing.T) {
	c, g := fixture(t, 10)
	if g.Pass {
		t.Fatalf("fixture gate passed; it should fail on login")
	}
	var buf bytes.Buffer
	if err := Write(&buf, c, g, "text"); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"gate: FAIL", "regressed FAIL", "geomean", "search-steps-n-plus-one (search p99): improved", "± "} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
}

func TestWriteJSONHasDesignShape(t *testing.T) {
	c, g := fixture(t, 10)
	// A zero base makes an undefined delta, which must not break JSON.
	c.Rows = append(c.Rows, rowOf("login", "error_rate_from_zero", around(0, 10), around(0.01, 10)))
	var buf bytes.Buffer
	if err := Write(&buf, c, g, "json"); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, buf.String())
	}
	for _, k := range []string{"base", "candidate", "alpha", "rows", "hotspots", "gate", "need_runs", "too_few_runs"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	if doc["base"] != "manual-search@before" || doc["alpha"] != 0.05 {
		t.Errorf("base %v alpha %v", doc["base"], doc["alpha"])
	}
	rows := doc["rows"].([]any)
	row := rows[2].(map[string]any) // search p99
	for _, k := range []string{"endpoint", "metric", "base", "candidate", "delta", "p", "significant", "change"} {
		if _, ok := row[k]; !ok {
			t.Errorf("row lacks %q: %v", k, row)
		}
	}
	if row["endpoint"] != "search" || row["metric"] != "p99" || row["change"] != "improved" || row["significant"] != true {
		t.Errorf("search p99 row %v", row)
	}
	stat := row["base"].(map[string]any)
	for _, k := range []string{"center", "lo", "hi", "n"} {
		if _, ok := stat[k]; !ok {
			t.Errorf("stat lacks %q: %v", k, stat)
		}
	}
	if center := stat["center"].(float64); center < 0.04 || center > 0.06 {
		t.Errorf("base p99 center %v, want seconds ≈ 0.05", center)
	}
	last := rows[len(rows)-1].(map[string]any)
	if v, ok := last["delta"]; !ok || v != nil {
		t.Errorf("undefined delta written as %v, want null", v)
	}
	h := doc["hotspots"].([]any)[0].(map[string]any)
	if h["name"] != "search-steps-n-plus-one" || h["verdict"] != "improved" {
		t.Errorf("hotspot %v", h)
	}
	fn := h["functions"].([]any)[0].(map[string]any)
	for _, k := range []string{"name", "base_share", "candidate_share", "p"} {
		if _, ok := fn[k]; !ok {
			t.Errorf("function lacks %q: %v", k, fn)
		}
	}
	if share := fn["base_share"].(float64); share < 0.35 || share > 0.45 {
		t.Errorf("base_share %v, want a fraction ≈ 0.41", share)
	}
	if gate := doc["gate"].(map[string]any); gate["pass"] != false || len(gate["failures"].([]any)) == 0 {
		t.Errorf("gate %v", gate)
	}
	// The library value marshals to the same shape, without the gate.
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"rows":[{"endpoint":"search","metric":"p50"`)) || bytes.Contains(b, []byte(`"gate"`)) {
		t.Errorf("json.Marshal(Comparison) = %.200s", b)
	}
}

// Test-side JUnit schema, independent of the writer's types.
type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Cases    []struct {
			Name    string `xml:"name,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
			} `xml:"failure"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestWriteJUnit(t *testing.T) {
	t.Run("gate failures are failures, a testcase per row and hotspot", func(t *testing.T) {
		c, g := fixture(t, 10)
		var buf bytes.Buffer
		if err := Write(&buf, c, g, "junit"); err != nil {
			t.Fatal(err)
		}
		var doc junitDoc
		if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatalf("invalid XML: %v\n%s", err, buf.String())
		}
		if len(doc.Suites) != 2 || doc.Suites[0].Name != "search" || doc.Suites[1].Name != "login" {
			t.Fatalf("suites %+v", doc.Suites)
		}
		if doc.Tests != len(c.Rows)+len(c.Hotspots) {
			t.Errorf("tests = %d, want %d rows + %d hotspots", doc.Tests, len(c.Rows), len(c.Hotspots))
		}
		failed := map[string]bool{}
		for _, s := range doc.Suites {
			for _, tc := range s.Cases {
				if tc.Failure != nil {
					failed[s.Name+" "+tc.Name] = true
				}
			}
		}
		for _, f := range g.Failures {
			if !failed[f.Endpoint+" "+f.Metric] {
				t.Errorf("gate failure %s %s is not a JUnit failure", f.Endpoint, f.Metric)
			}
		}
		if doc.Failures != len(failed) || len(failed) == 0 {
			t.Errorf("failures = %d, failed cases %v", doc.Failures, failed)
		}
		if !strings.Contains(buf.String(), `name="hotspot search-steps-n-plus-one"`) {
			t.Errorf("no hotspot testcase")
		}
	})
	t.Run("with too few runs rows and hotspots are skipped, not passed; pooled error rates are still judged", func(t *testing.T) {
		c, _ := fixture(t, 3)
		var buf bytes.Buffer
		if err := Write(&buf, c, nil, "junit"); err != nil {
			t.Fatal(err)
		}
		var doc junitDoc
		if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatalf("invalid XML: %v", err)
		}
		for _, s := range doc.Suites {
			for _, tc := range s.Cases {
				switch {
				case tc.Name == "error_rate" && s.Name == "login":
					if tc.Failure == nil {
						t.Errorf("login's outage is not a failure with 3+3 runs")
					}
				case tc.Name == "error_rate":
					if tc.Skipped != nil || tc.Failure != nil {
						t.Errorf("%s error_rate: skipped %v, failure %v; want a passed test", s.Name, tc.Skipped, tc.Failure)
					}
				case tc.Skipped == nil:
					t.Errorf("%s %s is not skipped with 3+3 runs", s.Name, tc.Name)
				}
			}
		}
	})
	t.Run("open-model rps is never a failure, even when it dropped", func(t *testing.T) {
		c := comparisonOf(inputRow("search", around(200, 10), around(100, 10), 200))
		g := Gate(c, Policy{MaxRegression: map[string]scenarios.Quantity{"rps": {Text: "0"}}})
		for _, gate := range []*GateResult{nil, &g} {
			var buf bytes.Buffer
			if err := Write(&buf, c, gate, "junit"); err != nil {
				t.Fatal(err)
			}
			var doc junitDoc
			if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
				t.Fatalf("invalid XML: %v", err)
			}
			if doc.Failures != 0 || len(doc.Suites) != 1 || doc.Suites[0].Cases[0].Skipped == nil ||
				!strings.Contains(doc.Suites[0].Cases[0].Skipped.Message, "input in the open model") {
				t.Errorf("gate %v: %s", gate != nil, buf.String())
			}
		}
	})
	t.Run("without a gate significant regressions fail", func(t *testing.T) {
		c, _ := fixture(t, 10)
		var buf bytes.Buffer
		if err := Write(&buf, c, nil, "junit"); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), `type="regression"`) {
			t.Errorf("no regression failure:\n%s", buf.String())
		}
	})
}

func TestWriteUnknownFormat(t *testing.T) {
	c, _ := fixture(t, 4)
	err := Write(&bytes.Buffer{}, c, nil, "html")
	if err == nil || !strings.Contains(err.Error(), "use one of text, markdown, json, junit") {
		t.Errorf("error %v, want the valid formats listed", err)
	}
}

func TestMarkdownEscapesNames(t *testing.T) {
	if got := md("manuals.(*Store).StepsFor|/a_b/"); got != `manuals.(\*Store).StepsFor\|/a\_b/` {
		t.Errorf("md = %s", got)
	}
}

// TestWriteJSONAddsIssue8Fields: the fields issue 8 adds, beside the old
// ones (fields are added, never renamed: gate.blind stays, and says what
// gate.inconclusive says).
func TestWriteJSONAddsIssue8Fields(t *testing.T) {
	c, g := fixture(t, 3) // login's outage fails it; 3+3 runs make it inconclusive too
	var buf bytes.Buffer
	if err := Write(&buf, c, g, "json"); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		BaseLeftOut *int   `json:"base_left_out"`
		CandLeftOut *int   `json:"candidate_left_out"`
		PCorrection string `json:"p_correction"`
		Rows        []struct {
			Endpoint, Metric, Test string
			P                      *float64 `json:"p"`
			DeltaPP                *float64 `json:"delta_pp"`
			Input                  bool     `json:"input"`
			Base                   struct {
				Errors, Requests *int64
			} `json:"base"`
			Candidate struct {
				Errors, Requests *int64
			} `json:"candidate"`
		} `json:"rows"`
		Gate struct {
			Pass               bool   `json:"pass"`
			Blind              bool   `json:"blind"`
			Inconclusive       bool   `json:"inconclusive"`
			InconclusiveReason string `json:"inconclusive_reason"`
			Correction         string `json:"correction"`
			GatedRows          int    `json:"gated_rows"`
			Tested             []struct {
				Endpoint, Metric string
				P                float64
				AdjustedP        float64 `json:"adjusted_p"`
				Rejected         bool
			} `json:"tested"`
			Failures []struct{ Kind string } `json:"failures"`
		} `json:"gate"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.BaseLeftOut == nil || doc.CandLeftOut == nil || doc.PCorrection != "none" {
		t.Errorf("left out %v/%v, p_correction %q", doc.BaseLeftOut, doc.CandLeftOut, doc.PCorrection)
	}
	seen := map[string]bool{}
	for _, r := range doc.Rows {
		switch {
		case r.Metric == "error_rate":
			seen["error_rate"] = true
			if r.Test != TestFisher || r.Candidate.Errors == nil || r.Candidate.Requests == nil || r.DeltaPP == nil {
				t.Errorf("%s error_rate: test %q, counts %v/%v, delta_pp %v", r.Endpoint, r.Test, r.Candidate.Errors, r.Candidate.Requests, r.DeltaPP)
			}
			if r.Endpoint == "login" && (*r.Candidate.Errors != 40 || *r.Base.Errors != 0) {
				t.Errorf("login errors %d → %d, want 0 → 40", *r.Base.Errors, *r.Candidate.Errors)
			}
		case r.Metric == "rps":
			seen["rps"] = true
			if !r.Input || r.P != nil || r.Test != "" {
				t.Errorf("%s rps: input %v, p %v, test %q; want an input without a p", r.Endpoint, r.Input, r.P, r.Test)
			}
		case r.Metric == "p99":
			if r.Test != TestMannWhitney || r.Base.Errors != nil || r.DeltaPP != nil {
				t.Errorf("%s p99: test %q, errors %v, delta_pp %v", r.Endpoint, r.Test, r.Base.Errors, r.DeltaPP)
			}
		}
	}
	if !seen["error_rate"] || !seen["rps"] {
		t.Errorf("rows lack error_rate or rps: %v", seen)
	}
	jg := doc.Gate
	if jg.Pass || !jg.Inconclusive || !jg.Blind || !strings.HasPrefix(jg.InconclusiveReason, "inconclusive: base has 3 and candidate has 3 valid repetitions") ||
		jg.Correction != "holm" || jg.GatedRows != 6 || len(jg.Tested) != 6 || len(jg.Failures) != 2 {
		t.Errorf("gate %+v", jg)
	}
	for i, r := range jg.Tested {
		// Up to rounding: benchmath's p of an even split of 3+3 runs can be
		// 1.0000000000000002, and Holm's adjustment is capped at 1.
		if r.AdjustedP < r.P-1e-12 || (i > 0 && r.AdjustedP < jg.Tested[i-1].AdjustedP) {
			t.Errorf("tested[%d] %+v: adjusted p below p or not monotone", i, r)
		}
	}
}
