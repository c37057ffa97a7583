package profiles

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/google/pprof/profile"
)

// SampleIndex picks the sample type hotbench reads for a kind: cpu time for
// cpu (or samples when a converted profile has no time), allocated bytes for
// allocs, in-use bytes for heap, and the profile's default otherwise.
func SampleIndex(p *profile.Profile, kind string) (int, error) {
	if p == nil || len(p.SampleType) == 0 {
		return 0, errors.New("the profile has no sample types")
	}
	var prefer []string
	switch kind {
	case "cpu":
		prefer = []string{"cpu", "samples"}
	case "allocs":
		prefer = []string{"alloc_space"}
	case "heap":
		prefer = []string{"inuse_space"}
	}
	for _, name := range prefer {
		if i, err := p.SampleIndexByName(name); err == nil {
			return i, nil
		}
	}
	return p.SampleIndexByName("")
}

// ShareOf is Share on the sample type SampleIndex picks for kind.
func ShareOf(p *profile.Profile, kind string, pattern *regexp.Regexp) (float64, error) {
	i, err := SampleIndex(p, kind)
	if err != nil {
		return 0, fmt.Errorf("%s share: %w", kind, err)
	}
	return Share(p, pattern, i), nil
}

// Share is the fraction of the profile's total (of sample type sampleIndex)
// in samples whose stack holds a function matching pattern, inlined frames
// included. A sample counts once however often the function recurs in it.
// It is 0 for an empty profile or an out-of-range sampleIndex.
func Share(p *profile.Profile, pattern *regexp.Regexp, sampleIndex int) float64 {
	if p == nil || pattern == nil || sampleIndex < 0 || sampleIndex >= len(p.SampleType) {
		return 0
	}
	matches := map[*profile.Location]bool{}
	matchLoc := func(loc *profile.Location) bool {
		m, ok := matches[loc]
		if !ok {
			m = slices.ContainsFunc(loc.Line, func(l profile.Line) bool {
				return l.Function != nil && pattern.MatchString(l.Function.Name)
			})
			matches[loc] = m
		}
		return m
	}
	var total, hit int64
	for _, s := range p.Sample {
		if sampleIndex >= len(s.Value) {
			continue
		}
		v := s.Value[sampleIndex]
		total += abs(v)
		if slices.ContainsFunc(s.Location, matchLoc) {
			hit += v
		}
	}
	if total == 0 {
		return 0
	}
	return float64(hit) / float64(total)
}

// Func is one function's line in a top table.
type Func struct {
	Name string
	// Flat and Cum are fractions of the profile's total: Flat where the
	// function is the leaf, Cum where it is anywhere on the stack (once per
	// sample).
	Flat, Cum           float64
	FlatValue, CumValue int64
}

// Top lists the n functions with the most flat value (all when n <= 0),
// sorted as pprof's top sorts them: by flat value, then by name.
func Top(p *profile.Profile, sampleIndex int, n int) []Func {
	stats, total := functionValues(p, sampleIndex)
	rows := make([]Func, 0, len(stats))
	for name, s := range stats {
		rows = append(rows, Func{Name: name, FlatValue: s.flat, CumValue: s.cum,
			Flat: fraction(s.flat, total), Cum: fraction(s.cum, total)})
	}
	slices.SortFunc(rows, func(a, b Func) int {
		return cmp.Or(cmp.Compare(abs(b.FlatValue), abs(a.FlatValue)), strings.Compare(a.Name, b.Name))
	})
	if n > 0 && len(rows) > n {
		rows = rows[:n]
	}
	return rows
}

// TopCum lists the n functions with the most cumulative value (all when
// n <= 0), as pprof's top -cum does: where a hot function spends its time in
// callees (regexp.Compile in regexp/syntax), this is where it shows by name.
func TopCum(p *profile.Profile, sampleIndex int, n int) []Func {
	rows := Top(p, sampleIndex, 0)
	slices.SortStableFunc(rows, func(a, b Func) int {
		return cmp.Or(cmp.Compare(abs(b.CumValue), abs(a.CumValue)), strings.Compare(a.Name, b.Name))
	})
	if n > 0 && len(rows) > n {
		rows = rows[:n]
	}
	return rows
}

// FuncDiff is one function's change between a base and a candidate profile.
type FuncDiff struct {
	Name string
	// BaseFlat, CandFlat, BaseCum and CandCum are shares of their own
	// profile's total, comparable even when the totals differ.
	BaseFlat, CandFlat, BaseCum, CandCum float64
	// DeltaFlat and DeltaCum are the changes of those shares, candidate
	// minus base, in points: 0.7083 → 0.75 is +0.0417, +4.17 pp.
	DeltaFlat, DeltaCum float64
}

// Diff compares each function's shares of cand and of base. Rows are
// sorted by |DeltaCum|, then |DeltaFlat|, then name: a hot function that
// shrank sits at the top with its callers, whatever share of its time was
// spent in its callees. n <= 0 keeps all rows. sampleIndex must name the
// same sample type in both profiles; Diff returns nil otherwise.
//
// The deltas are not those of `pprof -diff_base`, which are the change
// of a function's value as a fraction of the base's total: when the totals
// differ (more load, a longer window, more repetitions), pprof shows a
// share that went from 70.83 % to 75.00 % as +41.67 %. A share's change is
// what a hotspot's evidence is about, and reads the same whatever the
// totals. `hotbench profile view --diff` shows pprof's own view.
func Diff(base, cand *profile.Profile, sampleIndex, n int) []FuncDiff {
	if !sameSampleType(base, cand, sampleIndex) {
		return nil
	}
	bs, btotal := functionValues(base, sampleIndex)
	cs, ctotal := functionValues(cand, sampleIndex)
	names := map[string]bool{}
	for name := range bs {
		names[name] = true
	}
	for name := range cs {
		names[name] = true
	}
	rows := make([]FuncDiff, 0, len(names))
	for name := range names {
		b, c := bs[name], cs[name]
		if b == nil {
			b = &funcStats{}
		}
		if c == nil {
			c = &funcStats{}
		}
		d := FuncDiff{
			Name:     name,
			BaseFlat: fraction(b.flat, btotal),
			CandFlat: fraction(c.flat, ctotal),
			BaseCum:  fraction(b.cum, btotal),
			CandCum:  fraction(c.cum, ctotal),
		}
		d.DeltaFlat, d.DeltaCum = d.CandFlat-d.BaseFlat, d.CandCum-d.BaseCum
		rows = append(rows, d)
	}
	slices.SortFunc(rows, func(a, b FuncDiff) int {
		return cmp.Or(
			cmp.Compare(absf(b.DeltaCum), absf(a.DeltaCum)),
			cmp.Compare(absf(b.DeltaFlat), absf(a.DeltaFlat)),
			strings.Compare(a.Name, b.Name))
	})
	if n > 0 && len(rows) > n {
		rows = rows[:n]
	}
	return rows
}

func sameSampleType(base, cand *profile.Profile, i int) bool {
	if base == nil || cand == nil || i < 0 || i >= len(base.SampleType) || i >= len(cand.SampleType) {
		return false
	}
	return strings.TrimSuffix(base.SampleType[i].Type, "s") == strings.TrimSuffix(cand.SampleType[i].Type, "s")
}

// Merge combines profiles, such as one kind's profiles from all repetitions,
// into one; the inputs are not modified. Sample counts of CPU profiles taken
// at different rates are rescaled to the finest period first, so a sample
// means the same time in every input.
func Merge(ps []*profile.Profile) (*profile.Profile, error) {
	var in []*profile.Profile
	withPeriodType := 0
	for _, p := range ps {
		if p != nil {
			if p.PeriodType != nil {
				withPeriodType++
			}
			in = append(in, p.Copy())
		}
	}
	if len(in) == 0 {
		return nil, errors.New("merge profiles: no profiles to merge")
	}
	noPeriodType := withPeriodType == 0
	if !noPeriodType && withPeriodType < len(in) {
		return nil, errors.New("merge profiles: some profiles have a period type and some do not: they are of different kinds")
	}
	if noPeriodType {
		// profile.Merge compares period types and cannot take nil ones.
		for _, p := range in {
			p.PeriodType = &profile.ValueType{}
		}
	}
	alignPeriods(in)
	m, err := profile.Merge(in)
	if err != nil {
		return nil, fmt.Errorf("merge profiles: %w", err)
	}
	if noPeriodType {
		m.PeriodType = nil
	}
	return m, nil
}

// LoadMerged loads profile files (Load) and merges them (Merge), and
// describes each for a table's header (WriteSources): names[i] names
// files[i], like "rep-01"; a file without a name is named by its base name.
func LoadMerged(files, names []string) (*profile.Profile, Sources, error) {
	var src Sources
	ps := make([]*profile.Profile, 0, len(files))
	for i, f := range files {
		p, err := Load(f)
		if err != nil {
			return nil, Sources{}, err
		}
		name := filepath.Base(f)
		if i < len(names) && names[i] != "" {
			name = names[i]
		}
		ps = append(ps, p)
		src.Profiles = append(src.Profiles, NewSource(name, p))
	}
	m, err := Merge(ps)
	if err != nil {
		return nil, Sources{}, err
	}
	return m, src, nil
}

// alignPeriods rescales "count" values of time-sampled profiles to the
// smallest period among them: a sample at 100 Hz is worth ten at 1000 Hz.
// Scaling up keeps every sample, where scaling down would round some to 0.
func alignPeriods(ps []*profile.Profile) {
	var finest int64
	for _, p := range ps {
		if !timeSampled(p) {
			return
		}
		if finest == 0 || p.Period < finest {
			finest = p.Period
		}
	}
	for _, p := range ps {
		if p.Period == finest {
			continue
		}
		ratio := float64(p.Period) / float64(finest)
		for i, st := range p.SampleType {
			if st.Unit != "count" {
				continue
			}
			for _, s := range p.Sample {
				s.Value[i] = int64(math.Round(float64(s.Value[i]) * ratio))
			}
		}
		p.Period = finest
	}
}

func timeSampled(p *profile.Profile) bool {
	return p.PeriodType != nil && p.Period > 0 && unitFactor(p.PeriodType.Unit).family == "time"
}

type funcStats struct{ flat, cum int64 }

// functionValues sums each function's flat value (it is the leaf, the
// innermost inlined line of the first location) and cum value (it is
// anywhere on the stack, counted once per sample), and the total of absolute
// values that pprof computes percentages against.
func functionValues(p *profile.Profile, sampleIndex int) (map[string]*funcStats, int64) {
	stats := map[string]*funcStats{}
	if p == nil || sampleIndex < 0 || sampleIndex >= len(p.SampleType) {
		return stats, 0
	}
	get := func(name string) *funcStats {
		s := stats[name]
		if s == nil {
			s = &funcStats{}
			stats[name] = s
		}
		return s
	}
	var total int64
	seen := map[string]bool{}
	for _, s := range p.Sample {
		if sampleIndex >= len(s.Value) {
			continue
		}
		v := s.Value[sampleIndex]
		total += abs(v)
		clear(seen)
		for li, loc := range s.Location {
			for j, name := range frameNames(loc) {
				if li == 0 && j == 0 {
					get(name).flat += v
				}
				if !seen[name] {
					seen[name] = true
					get(name).cum += v
				}
			}
		}
	}
	return stats, total
}

// frameNames lists a location's functions, innermost first; an
// unsymbolized location is named by its address, as pprof does.
func frameNames(loc *profile.Location) []string {
	names := make([]string, 0, len(loc.Line))
	for _, l := range loc.Line {
		if l.Function != nil && l.Function.Name != "" {
			names = append(names, l.Function.Name)
		}
	}
	if len(names) == 0 {
		names = append(names, fmt.Sprintf("%#x", loc.Address))
	}
	return names
}

type unit struct {
	family string
	scale  float64 // to nanoseconds or bytes
}

// unitFactor knows the units Go and common converters write.
func unitFactor(u string) unit {
	switch strings.ToLower(u) {
	case "nanoseconds", "nanosecond", "ns":
		return unit{"time", 1}
	case "microseconds", "microsecond", "us", "µs":
		return unit{"time", 1e3}
	case "milliseconds", "millisecond", "ms":
		return unit{"time", 1e6}
	case "seconds", "second", "s":
		return unit{"time", 1e9}
	case "bytes", "byte", "b":
		return unit{"bytes", 1}
	case "kilobytes", "kb":
		return unit{"bytes", 1 << 10}
	case "megabytes", "mb":
		return unit{"bytes", 1 << 20}
	case "gigabytes", "gb":
		return unit{"bytes", 1 << 30}
	}
	return unit{strings.ToLower(u), 1}
}

func fraction(v, total int64) float64 {
	if total == 0 {
		return 0
	}
	return float64(v) / float64(total)
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

func absf(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
