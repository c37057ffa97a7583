package results

import (
	"testing"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchunit"
)

func TestShareUnit(t *testing.T) {
	for _, tc := range []struct{ kind, fn, want string }{
		{"cpu", "manuals.(*Store).StepsFor", "cpu-share:manuals.(*Store).StepsFor"},
		{"allocs", "example.com/manuals.(*Store).StepsFor", "allocs-share:example.com/manuals.(*Store).StepsFor"},
		{"", "f", "cpu-share:f"},
		{"CPU!", "std::vector<int, alloc> push", "cpu-share:std::vector<int,_alloc>_push"},
		// benchstat would read "-ns" as nanoseconds and "*)-B" as bytes.
		{"cpu", "pkg.load-ns", "cpu-share:pkg.load_ns"},
		{"cpu", "pkg.(*T)-B", "cpu-share:pkg.(_T)_B"},
	} {
		got := shareUnit(tc.kind, tc.fn)
		if got != tc.want {
			t.Errorf("shareUnit(%q, %q) = %q, want %q", tc.kind, tc.fn, got, tc.want)
		}
		if _, tidied := benchunit.Tidy(1, got); tidied != got || benchunit.ClassOf(got) != benchunit.Decimal {
			t.Errorf("%s would be rescaled by benchstat", got)
		}
	}
}

func TestBenchmarkNames(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"manual-search", "ManualSearch"},
		{"3d-render", "3dRender"},
		{"a_b", "AB"},
		{"", "Scenario"},
	} {
		if got := camel(tc.in); got != tc.want {
			t.Errorf("camel(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"search", "search"},
		{"manual-2", "manual_2"}, // -2 would read as GOMAXPROCS
		{"v-2x", "v-2x"},
		{"a/b=c d", "a_b_c_d"},
		{"2", "2"},
		{"", "_"},
		{"検索", "検索"},
	} {
		got := nameValue(tc.in)
		if got != tc.want {
			t.Errorf("nameValue(%q) = %q, want %q", tc.in, got, tc.want)
		}
		base, parts := benchfmt.Name("X/endpoint=" + got).Parts()
		if string(base) != "X" || len(parts) != 1 || string(parts[0]) != "/endpoint="+got {
			t.Errorf("benchfmt splits X/endpoint=%s into %s %q", got, base, parts)
		}
	}
}
