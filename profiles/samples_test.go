package profiles

import (
	"bytes"
	"math"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"testing"

	"github.com/google/pprof/profile"
)

// valueProfile is a profile of the given sample types with one sample per
// row of values.
func valueProfile(types []*profile.ValueType, rows ...[]int64) *profile.Profile {
	p := &profile.Profile{SampleType: types}
	for _, v := range rows {
		p.Sample = append(p.Sample, &profile.Sample{Value: v})
	}
	return p
}

// goHeapRecord is a record as runtime/pprof writes it: count sampled
// allocations of size bytes each, scaled up for a sampling rate of rate
// bytes.
func goHeapRecord(count, size, rate int64) []int64 {
	scale := 1 / (1 - math.Exp(-float64(size)/float64(rate)))
	objects, space := int64(float64(count)*scale), int64(float64(count*size)*scale)
	return []int64{objects, space, objects, space}
}

func TestSampleCount(t *testing.T) {
	cpu := []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}}
	heapTypes := []*profile.ValueType{{Type: "alloc_objects", Unit: "count"}, {Type: "alloc_space", Unit: "bytes"},
		{Type: "inuse_objects", Unit: "count"}, {Type: "inuse_space", Unit: "bytes"}}
	heap := func(rate int64, rows ...[]int64) *profile.Profile {
		p := valueProfile(heapTypes, rows...)
		p.PeriodType, p.Period = &profile.ValueType{Type: "space", Unit: "bytes"}, rate
		return p
	}
	tests := []struct {
		name string
		p    *profile.Profile
		want int64
	}{
		{"CPU: the sum of samples/count, one per 10ms tick", valueProfile(cpu, []int64{3, 30e6}, []int64{10, 100e6}), 13},
		{"the first count-like type, wherever it is", valueProfile([]*profile.ValueType{{Type: "delay", Unit: "nanoseconds"}, {Type: "contentions", Unit: "count"}},
			[]int64{5e6, 2}, []int64{1e6, 1}), 3},
		{"no count-like type: one per sample", valueProfile([]*profile.ValueType{{Type: "space", Unit: "bytes"}}, []int64{100}, []int64{200}), 2},
		{"Go allocs at 512 KiB: 3 sampled 64-byte objects, not the 24,576 they stand for",
			heap(512<<10, goHeapRecord(3, 64, 512<<10)), 3},
		{"Go allocs: small and large objects sampled at 512 KiB",
			heap(512<<10, goHeapRecord(40, 16, 512<<10), goHeapRecord(7, 1<<20, 512<<10), goHeapRecord(1, 4096, 512<<10)), 48},
		{"Go allocs at rate 1: every allocation is a sample", heap(1, []int64{500, 32000, 0, 0}), 500},
		{"a delta profile's negative records count nothing", heap(512<<10, goHeapRecord(5, 64, 512<<10), []int64{-100, -6400, 0, 0}), 5},
		{"nil", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SampleCount(tt.p); got != tt.want {
				t.Errorf("SampleCount = %d, want %d", got, tt.want)
			}
		})
	}
}

var sink [][]byte

//go:noinline
func allocateSmall(n int) {
	for range n {
		sink = append(sink[:0], make([]byte, 64))
	}
}

// On the Go runtime's own allocs profile, 64 MB allocated as 64-byte
// objects is about 128 samples at the default rate of one per 512 KiB:
// SampleCount finds those, not the million objects they are scaled to.
func TestSampleCountOfARealAllocsProfile(t *testing.T) {
	if runtime.MemProfileRate != 512<<10 {
		t.Skipf("MemProfileRate is %d, not the default", runtime.MemProfileRate)
	}
	allocateSmall(1 << 20)
	runtime.GC() // the profile publishes what the last GC cycle completed
	runtime.GC()
	var buf bytes.Buffer
	if err := pprof.Lookup("allocs").WriteTo(&buf, 0); err != nil {
		t.Fatal(err)
	}
	p, err := profile.Parse(&buf)
	if err != nil {
		t.Fatal(err)
	}
	var objects int64
	p.Sample = slices.DeleteFunc(p.Sample, func(s *profile.Sample) bool {
		return !slices.ContainsFunc(s.Location, func(l *profile.Location) bool {
			return slices.ContainsFunc(l.Line, func(ln profile.Line) bool { return strings.HasSuffix(ln.Function.Name, ".allocateSmall") })
		})
	})
	for _, s := range p.Sample {
		objects += s.Value[0]
	}
	got := SampleCount(p)
	t.Logf("allocateSmall: %d samples standing for %d objects", got, objects)
	// 128 expected; Poisson's spread is about 11, so ±5σ.
	if got < 70 || got > 190 {
		t.Errorf("SampleCount = %d, want about 128 sampled allocations (the profile says %d objects)", got, objects)
	}
}
