package demo

import (
	"fmt"
	"slices"
	"strings"
)

// Hotspot names. They are the switch names of Fixes and the hotspot names of
// the demo scenario, so they are a contract: never rename them.
const (
	// SearchRegexp: GET /api/search compiles a regular expression for every
	// text it looks at (CPU). Fixed: a word index built once at start.
	SearchRegexp = "search-regexp"
	// RenderConcat: GET /api/manuals/{id}/render builds the page with string
	// concatenation, copying it once per piece (allocations). Fixed: one
	// strings.Builder.
	RenderConcat = "render-concat"
	// ManualNPlusOne: GET /api/manuals/{id} loads each step with its own
	// simulated database round trip (off-CPU waiting). Fixed: one batched query.
	ManualNPlusOne = "manual-n-plus-one"
)

// Hotspots returns the names of the planted hotspots, always in the same order.
func Hotspots() []string {
	return []string{SearchRegexp, RenderConcat, ManualNPlusOne}
}

// Fixes says which hotspots are fixed: a hotspot is fixed when its name maps to
// true. The nil or empty Fixes leaves every hotspot in place; names that are not
// hotspots are ignored by New.
type Fixes map[string]bool

// AllFixed returns Fixes with every hotspot fixed.
func AllFixed() Fixes {
	f := Fixes{}
	for _, h := range Hotspots() {
		f[h] = true
	}
	return f
}

// String returns "none", "all", or the fixed hotspots as a comma list in
// Hotspots order; ParseFixed reads it back.
func (f Fixes) String() string {
	var on []string
	for _, h := range Hotspots() {
		if f[h] {
			on = append(on, h)
		}
	}
	switch len(on) {
	case 0:
		return "none"
	case len(Hotspots()):
		return "all"
	}
	return strings.Join(on, ",")
}

// ParseFixed parses a --fixed value: "" or "none" (nothing fixed), "all", or a
// comma-separated list of hotspot names. Case and spaces around names are
// ignored. An unknown or empty name is an error that lists the valid ones.
func ParseFixed(s string) (Fixes, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "", "none":
		return Fixes{}, nil
	case "all":
		return AllFixed(), nil
	}
	f := Fixes{}
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		if !slices.Contains(Hotspots(), name) {
			what := fmt.Sprintf("unknown hotspot %q", name)
			if name == "" {
				what = fmt.Sprintf("empty hotspot name in %q", s)
			}
			return nil, fmt.Errorf("%s: use none, all, or a comma-separated list of %s",
				what, strings.Join(Hotspots(), ", "))
		}
		f[name] = true
	}
	return f, nil
}
