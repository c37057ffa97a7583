package report

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzParseVerdict feeds saved-verdict decoding arbitrary bytes: it must
// return a verdict or an error, never panic, and a verdict it accepts must
// come from a JSON object with a "base" field.
func FuzzParseVerdict(f *testing.F) {
	f.Add([]byte(`{"base":"s@a","candidate":"s@b","hotspots":[{"name":"h","verdict":"improved","evidence":"p99 1ms → 0.5ms"}]}`))
	f.Add([]byte(`{"base":"s@a","gate":{"pass":false,"failures":[{"endpoint":"e","metric":"p99","reason":"slower"}]}}`))
	f.Add([]byte(`{"base":null}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"hotspots":[{"name":1}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := parseVerdict(data)
		if err != nil {
			return
		}
		var probe map[string]json.RawMessage
		if json.Unmarshal(data, &probe) != nil {
			t.Fatalf("accepted input that is not a JSON object: %q", data)
		}
		hasBase := false
		for k := range probe { // encoding/json matches field names case-insensitively
			hasBase = hasBase || strings.EqualFold(k, "base")
		}
		if !hasBase {
			t.Fatalf("accepted a verdict without a base: %q", data)
		}
		if v.Pass == nil && len(v.Failures) > 0 {
			t.Fatalf("gate failures without a gate: %+v", v)
		}
	})
}
