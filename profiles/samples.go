package profiles

import (
	"math"

	"github.com/google/pprof/profile"
)

// SampleCount is the number of samples a profile was built from: the
// evidence behind any share computed on it. A share of 13 samples moves by
// several points from one repetition to the next on its own, so statistics
// on shares need to know it (profiles.min_samples).
//
// For a CPU profile it is the sum of the samples/count values (one per tick
// of 10 ms). In general it is the sum of the first sample type whose unit is
// count, or the number of samples when no type is a count. Go's memory
// profiles (heap, allocs) are the exception: their counts are estimates
// scaled up from one sampled allocation per 512 KiB, so the sampled
// allocations are recovered by undoing runtime/pprof's scaling.
func SampleCount(p *profile.Profile) int64 {
	if p == nil {
		return 0
	}
	if n, ok := goMemorySamples(p); ok {
		return n
	}
	for i, st := range p.SampleType {
		if st.Unit != "count" {
			continue
		}
		var n int64
		for _, s := range p.Sample {
			if i < len(s.Value) && s.Value[i] > 0 {
				n += s.Value[i]
			}
		}
		return n
	}
	return int64(len(p.Sample))
}

// goMemorySamples counts the sampled allocations of a Go heap or allocs
// profile. runtime/pprof writes each record's count and size multiplied by
// 1/(1−exp(−avg/rate)), where avg is the record's mean object size and rate
// the sampling period in bytes (the profile's Period); multiplying by
// 1−exp(−avg/rate) gives back the sampled count. A delta profile
// (allocs?seconds=N) is a difference of such records and unscales the same
// way, up to rounding.
func goMemorySamples(p *profile.Profile) (int64, bool) {
	if p.PeriodType == nil || p.PeriodType.Type != "space" || p.PeriodType.Unit != "bytes" || p.Period <= 1 {
		return 0, false
	}
	objects, space := -1, -1
	for i, st := range p.SampleType {
		switch {
		case st.Type == "alloc_objects" && st.Unit == "count":
			objects = i
		case st.Type == "alloc_space" && st.Unit == "bytes":
			space = i
		}
	}
	if objects < 0 || space < 0 {
		return 0, false
	}
	rate := float64(p.Period)
	var n float64
	for _, s := range p.Sample {
		if objects >= len(s.Value) || space >= len(s.Value) {
			continue
		}
		count, size := float64(s.Value[objects]), float64(s.Value[space])
		if count <= 0 || size <= 0 {
			continue
		}
		n += count * -math.Expm1(-size/count/rate)
	}
	return int64(math.Round(n)), true
}
