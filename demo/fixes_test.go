package demo

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

func TestHotspotsAreTheThreeNamesInAFixedOrder(t *testing.T) {
	want := []string{"search-regexp", "render-concat", "manual-n-plus-one"}
	got := Hotspots()
	if !slices.Equal(got, want) {
		t.Fatalf("Hotspots() = %q, want %q", got, want)
	}
	got[0] = "changed"
	if Hotspots()[0] != SearchRegexp {
		t.Fatal("changing the slice Hotspots returned changed the next call's answer")
	}
}

func TestParseFixed(t *testing.T) {
	const valid = "use none, all, or a comma-separated list of search-regexp, render-concat, manual-n-plus-one"
	tests := []struct {
		name    string
		in      string
		want    Fixes
		wantErr string
	}{
		{name: "an empty value fixes nothing", in: "", want: Fixes{}},
		{name: "none fixes nothing", in: "none", want: Fixes{}},
		{name: "all fixes every hotspot", in: "all", want: Fixes{SearchRegexp: true, RenderConcat: true, ManualNPlusOne: true}},
		{name: "one name fixes that hotspot only", in: "render-concat", want: Fixes{RenderConcat: true}},
		{name: "a comma list fixes each hotspot it names", in: "search-regexp,manual-n-plus-one",
			want: Fixes{SearchRegexp: true, ManualNPlusOne: true}},
		{name: "spaces and capitals around names are ignored", in: " Search-Regexp , RENDER-CONCAT ",
			want: Fixes{SearchRegexp: true, RenderConcat: true}},
		{name: "a name given twice is simply fixed", in: "render-concat,render-concat", want: Fixes{RenderConcat: true}},
		{name: "an unknown name is an error that lists the valid names", in: "search",
			wantErr: `unknown hotspot "search": ` + valid},
		{name: "an empty name in a list is an error", in: "render-concat,",
			wantErr: `empty hotspot name in "render-concat,": ` + valid},
		{name: "all is not a name inside a list", in: "all,render-concat", wantErr: `unknown hotspot "all"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseFixed(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("ParseFixed(%q) error = %v, want one starting %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseFixed(%q): %v", tt.in, err)
			}
			if !maps.Equal(got, tt.want) {
				t.Fatalf("ParseFixed(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestFixesString(t *testing.T) {
	tests := []struct {
		name  string
		fixes Fixes
		want  string
	}{
		{"nil fixes print as none", nil, "none"},
		{"hotspots switched off print as none", Fixes{SearchRegexp: false}, "none"},
		{"every hotspot fixed prints as all", AllFixed(), "all"},
		{"one fix prints its name", Fixes{ManualNPlusOne: true}, "manual-n-plus-one"},
		{"several fixes print in Hotspots order", Fixes{ManualNPlusOne: true, SearchRegexp: true}, "search-regexp,manual-n-plus-one"},
		{"names that are not hotspots are left out", Fixes{"turbo": true, RenderConcat: true}, "render-concat"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.fixes.String(); got != tt.want {
				t.Fatalf("%v.String() = %q, want %q", map[string]bool(tt.fixes), got, tt.want)
			}
		})
	}
}

// FuzzParseFixed checks that ParseFixed never panics, accepts only hotspot
// names, names the valid ones when it refuses, and reads back what String writes.
func FuzzParseFixed(f *testing.F) {
	for _, s := range []string{"", "none", "all", "search-regexp", "render-concat, manual-n-plus-one", "x,", ",", "ALL"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseFixed(s)
		if err != nil {
			if !strings.Contains(err.Error(), strings.Join(Hotspots(), ", ")) {
				t.Fatalf("ParseFixed(%q) error %q does not list the valid names", s, err)
			}
			return
		}
		for name, on := range got {
			if !on || !slices.Contains(Hotspots(), name) {
				t.Fatalf("ParseFixed(%q) = %v: holds %q=%v", s, got, name, on)
			}
		}
		again, err := ParseFixed(got.String())
		if err != nil || !maps.Equal(again, got) {
			t.Fatalf("ParseFixed(%q) = %v, but ParseFixed(%q) = %v, %v", s, got, got.String(), again, err)
		}
	})
}
