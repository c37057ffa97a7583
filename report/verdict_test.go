package report

import "testing"

// A saved gate that could not decide is shown as inconclusive with its
// reason, not as a failure of the change.
func TestAnInconclusiveGateIsNotAFailure(t *testing.T) {
	tests := []struct {
		name, json, result string
	}{
		{"passed", `{"base":"a","gate":{"pass":true}}`, "gate passed"},
		{"failed", `{"base":"a","gate":{"pass":false,"failures":[{"endpoint":"api","metric":"p99","reason":"regressed"}]}}`, "gate failed"},
		{"inconclusive", `{"base":"a","gate":{"pass":false,"inconclusive":true,"inconclusive_reason":"rerun with --runs 6"}}`, "gate inconclusive"},
		{"failures beat inconclusive", `{"base":"a","gate":{"pass":false,"inconclusive":true,"failures":[{"endpoint":"api","metric":"error_rate","reason":"breach"}]}}`, "gate failed"},
		{"a compare has no result", `{"base":"a"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := parseVerdict([]byte(tt.json))
			if err != nil {
				t.Fatal(err)
			}
			row := verdictRow(v)
			if row.Result != tt.result {
				t.Errorf("result %q, want %q", row.Result, tt.result)
			}
			if tt.name == "inconclusive" && (len(row.Failures) != 1 || row.Failures[0] != "rerun with --runs 6") {
				t.Errorf("the reason is not shown: %q", row.Failures)
			}
		})
	}
}
