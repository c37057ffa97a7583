package runner

import (
	"testing"

	"github.com/hotbench/hotbench/results"
)

const ms = 1e6 // ns, an untyped constant for uint64 and int64 alike

// threads builds a thread table: tid, ns, tid, ns, …
func threads(kv ...uint64) map[int]uint64 {
	m := map[int]uint64{}
	for i := 0; i < len(kv); i += 2 {
		m[int(kv[i])] = kv[i+1]
	}
	return m
}

// The CPU time of a server's process tree over a window, from a reading at
// its start and one at its end. stat's times are ticks of 10 ms; threads
// are nanoseconds from schedstat.
func TestCPUWindow(t *testing.T) {
	tests := []struct {
		name       string
		start, end cpuReading
		want       int64 // ns
		ok         bool
	}{
		{
			name:  "one process, its threads steady: the threads' schedstat, to the nanosecond",
			start: cpuReading{1: {started: 5, own: 100, threads: threads(1, 1000*ms, 2, 5*ms)}},
			end:   cpuReading{1: {started: 5, own: 102, threads: threads(1, 1012*ms+7, 2, 8*ms)}},
			want:  15*ms + 7, ok: true,
		},
		{
			name:  "a thread born in the window: all its time counts",
			start: cpuReading{1: {started: 5, own: 100, threads: threads(1, 1000*ms)}},
			end:   cpuReading{1: {started: 5, own: 103, threads: threads(1, 1010*ms, 9, 20*ms)}},
			want:  30 * ms, ok: true,
		},
		{
			name:  "a thread exited in the window: its time is only in stat, so stat's ticks",
			start: cpuReading{1: {started: 5, own: 100, threads: threads(1, 1000*ms, 2, 300*ms)}},
			end:   cpuReading{1: {started: 5, own: 104, threads: threads(1, 1010*ms)}},
			want:  40 * ms, ok: true,
		},
		{
			name:  "no schedstat: stat's ticks",
			start: cpuReading{1: {started: 5, own: 100}},
			end:   cpuReading{1: {started: 5, own: 125}},
			want:  250 * ms, ok: true,
		},
		{
			name: "a child that ran through the window counts by its own threads",
			start: cpuReading{
				1: {started: 5, own: 100, threads: threads(1, 1000*ms)},
				2: {started: 6, own: 50, threads: threads(2, 500*ms)},
			},
			end: cpuReading{
				1: {started: 5, own: 100, threads: threads(1, 1001*ms)},
				2: {started: 6, own: 52, threads: threads(2, 521*ms)},
			},
			want: 22 * ms, ok: true,
		},
		{
			name: "a child reaped in the window: its life moved to the parent's cutime, less what it had used before",
			start: cpuReading{
				1: {started: 5, own: 100, reaped: 10, threads: threads(1, 1000*ms)},
				2: {started: 6, own: 50, threads: threads(2, 500*ms)},
			},
			end:  cpuReading{1: {started: 5, own: 100, reaped: 10 + 53, threads: threads(1, 1001*ms)}},
			want: 1*ms + 30*ms, ok: true,
		},
		{
			name:  "a child born and reaped in the window: all in the parent's cutime",
			start: cpuReading{1: {started: 5, own: 100, reaped: 0, threads: threads(1, 1000*ms)}},
			end:   cpuReading{1: {started: 5, own: 100, reaped: 7, threads: threads(1, 1000*ms)}},
			want:  70 * ms, ok: true,
		},
		{
			name:  "a child born in the window and still running: all its time, its own children's too",
			start: cpuReading{1: {started: 5, own: 100, threads: threads(1, 1000*ms)}},
			end: cpuReading{
				1: {started: 5, own: 100, threads: threads(1, 1000*ms)},
				3: {started: 900, own: 4, reaped: 2, threads: threads(3, 41*ms)},
			},
			want: 41*ms + 20*ms, ok: true,
		},
		{
			name: "a child's process id given to a new process is another process",
			start: cpuReading{
				1: {started: 5, own: 100, threads: threads(1, 1000*ms)},
				2: {started: 6, own: 50, threads: threads(2, 500*ms)},
			},
			end: cpuReading{
				1: {started: 5, own: 100, reaped: 51, threads: threads(1, 1000*ms)},
				2: {started: 950, own: 1, threads: threads(2, 12*ms)},
			},
			want: 10*ms + 12*ms, ok: true,
		},
		{
			name:  "the root died: unknown, not a cheaper server",
			start: cpuReading{1: {started: 5, own: 100, threads: threads(1, 1000*ms)}},
			end:   cpuReading{},
			ok:    false,
		},
		{
			name:  "the root's process id went to another process: unknown",
			start: cpuReading{1: {started: 5, own: 100}},
			end:   cpuReading{1: {started: 77, own: 1}},
			ok:    false,
		},
		{
			name: "a child reaped by no process of the tree takes what it had used with it: never below zero",
			start: cpuReading{
				1: {started: 5, own: 100, threads: threads(1, 1000*ms)},
				2: {started: 6, own: 5000, threads: threads(2, 50000*ms)},
			},
			end:  cpuReading{1: {started: 5, own: 100, threads: threads(1, 1001*ms)}},
			want: 0, ok: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := cpuWindow(tt.start, tt.end, 1)
			if ok != tt.ok || got != tt.want {
				t.Errorf("cpuWindow = %d ns, %v; want %d ns, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

// CPU time comes from /proc when it was read there, else from the CPU
// profile; memory from /proc, allocations from the allocation profile.
func TestMergeServer(t *testing.T) {
	proc := &results.ServerStats{CPUSeconds: 0.2, CPUSource: results.CPUFromProc, RSSBytes: 10, RSSPeakBytes: 12, RSSSamples: 3}
	noCPU := &results.ServerStats{RSSBytes: 10, RSSPeakBytes: 12, RSSSamples: 3}
	prof := &results.ServerStats{CPUSeconds: 0.3, CPUSource: results.CPUFromProfile, AllocBytes: 99}
	tests := []struct {
		name       string
		proc, prof *results.ServerStats
		want       *results.ServerStats
	}{
		{"both: /proc's CPU time, the profile's allocations", proc, prof,
			&results.ServerStats{CPUSeconds: 0.2, CPUSource: results.CPUFromProc, RSSBytes: 10, RSSPeakBytes: 12, RSSSamples: 3, AllocBytes: 99}},
		{"/proc without CPU time (the server died): the profile's", noCPU, prof,
			&results.ServerStats{CPUSeconds: 0.3, CPUSource: results.CPUFromProfile, RSSBytes: 10, RSSPeakBytes: 12, RSSSamples: 3, AllocBytes: 99}},
		{"profiles only (no process id, not Linux)", nil, prof, prof},
		{"/proc only", proc, nil, proc},
		{"nothing", nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mergeServer(tt.proc, tt.prof)
			if (got == nil) != (tt.want == nil) || got != nil && *got != *tt.want {
				t.Errorf("mergeServer = %+v, want %+v", got, tt.want)
			}
		})
	}
}
