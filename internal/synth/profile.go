package synth

import (
	"bytes"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/google/pprof/profile"
)

// cpuProfile is a gzipped Go CPU profile (samples/count and cpu/nanoseconds,
// a 10 ms period) with the given stacks, root first ("main;serve;f"), each
// with its count plus 0 to 2; it returns the profile and its sample count.
func cpuProfile(rng *rand.Rand, stacks map[string]int64) ([]byte, int64) {
	p := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
		PeriodType: &profile.ValueType{Type: "cpu", Unit: "nanoseconds"},
		Period:     10_000_000,
	}
	locations := map[string]*profile.Location{}
	loc := func(name string) *profile.Location {
		if l, ok := locations[name]; ok {
			return l
		}
		f := &profile.Function{ID: uint64(len(p.Function) + 1), Name: name, SystemName: name}
		l := &profile.Location{ID: uint64(len(p.Location) + 1), Line: []profile.Line{{Function: f}}}
		p.Function = append(p.Function, f)
		p.Location = append(p.Location, l)
		locations[name] = l
		return l
	}
	var total int64
	for _, stack := range slices.Sorted(maps.Keys(stacks)) { // sorted: the draws' order must not vary
		frames := strings.Split(stack, ";")
		var locs []*profile.Location
		for i := len(frames) - 1; i >= 0; i-- { // leaf first, as pprof stores stacks
			locs = append(locs, loc(frames[i]))
		}
		n := stacks[stack] + rng.Int64N(3)
		total += n
		p.Sample = append(p.Sample, &profile.Sample{Location: locs, Value: []int64{n, n * p.Period}})
	}
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		panic("synth: write profile: " + err.Error()) // only an invalid profile fails, and this one is valid
	}
	return buf.Bytes(), total
}
