package compare

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The verdict's JSON has one schema, VerdictJSON: what Write prints,
// ReadVerdict reads back whole, so a saved verdict re-encodes to the very
// bytes it was saved as (nulls, counts, objectives and the gate included).
func TestReadVerdictReadsBackWhatWriteWrote(t *testing.T) {
	for _, name := range []string{"ten", "three"} {
		t.Run(name+" runs a side", func(t *testing.T) {
			saved, err := os.ReadFile(filepath.Join("testdata", name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			v, err := ReadVerdict(saved)
			if err != nil {
				t.Fatal(err)
			}
			var again bytes.Buffer
			enc := json.NewEncoder(&again)
			enc.SetIndent("", "  ")
			if err := enc.Encode(v); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again.Bytes(), saved) {
				t.Errorf("re-encoded verdict differs from the saved one:\n%s", again.Bytes())
			}
		})
	}
}

// What the verdict says is typed: a row's change is a Change, a hotspot's
// verdict a Verdict, and an undefined number (JSON null) is NaN, not 0.
func TestReadVerdictTypesWhatItReads(t *testing.T) {
	c, g := fixture(t, 10)
	var buf bytes.Buffer
	if err := Write(&buf, c, g, "json"); err != nil {
		t.Fatal(err)
	}
	v, err := ReadVerdict(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Rows) != len(c.Rows) || len(v.Hotspots) != len(c.Hotspots) || v.Gate == nil {
		t.Fatalf("read %d rows, %d hotspots, gate %v; wrote %d rows, %d hotspots and a gate", len(v.Rows), len(v.Hotspots), v.Gate, len(c.Rows), len(c.Hotspots))
	}
	for i, r := range v.Rows {
		if r.Change != c.Rows[i].Change {
			t.Errorf("row %s %s: change %q, wrote %q", r.Endpoint, r.Metric, r.Change, c.Rows[i].Change)
		}
	}
	if h := v.Hotspots[0]; h.Verdict != VerdictImproved || h.Verdict != c.Hotspots[0].Verdict {
		t.Errorf("hotspot %s: verdict %q, wrote %q", h.Name, h.Verdict, c.Hotspots[0].Verdict)
	}
	if v.Gate.Pass != g.Pass || len(v.Gate.Failures) != len(g.Failures) {
		t.Errorf("gate pass %v with %d failures, wrote pass %v with %d", v.Gate.Pass, len(v.Gate.Failures), g.Pass, len(g.Failures))
	}
	var n Number
	if err := json.Unmarshal([]byte("null"), &n); err != nil || !math.IsNaN(float64(n)) {
		t.Errorf("null reads as %v (%v), want NaN", n, err)
	}
}

// A saved verdict is any JSON object with compare's "base" field; fields a
// newer hotbench adds are ignored, and anything else is refused with a
// message that says what it is not.
func TestReadVerdictRefusesWhatIsNoVerdict(t *testing.T) {
	tests := []struct {
		name, json string
		ok         bool
	}{
		{"a compare with fields of a newer hotbench", `{"base":"a","candidate":"b","added_later":{"x":1},"hotspots":[{"name":"h","verdict":"improved","new":true}]}`, true},
		{"a gate", `{"base":"a","gate":{"pass":false,"failures":[{"endpoint":"api","metric":"p99","reason":"slower"}]}}`, true},
		{"no base field", `{"candidate":"b"}`, false},
		{"a null base", `{"base":null}`, false},
		{"not an object", `[]`, false},
		{"not JSON", `{"base":`, false},
		{"a field of the wrong type", `{"base":"a","rows":[{"delta":"large"}]}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadVerdict([]byte(tt.json))
			switch {
			case tt.ok && err != nil:
				t.Errorf("refused: %v", err)
			case !tt.ok && err == nil:
				t.Error("accepted")
			case !tt.ok && !strings.HasPrefix(err.Error(), "not a compare or gate verdict"):
				t.Errorf("error %q does not say it is no verdict", err)
			}
		})
	}
}
