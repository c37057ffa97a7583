package profiles

import (
	"bytes"
	"path/filepath"
	"testing"

	goldenfile "github.com/hotbench/hotbench/internal/golden"

	"github.com/google/pprof/profile"
)

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name), got)
}

func TestWriteTop(t *testing.T) {
	heap := &profile.Profile{SampleType: []*profile.ValueType{{Type: "inuse_space", Unit: "bytes"}}}
	addStacks(heap, map[string]int64{"main;cache.Fill": 3 << 20, "main;cache.Fill;bytes.growSlice": 1536 << 10, "main;json.Marshal": 700})
	tests := []struct {
		name, file string
		p          *profile.Profile
		index, n   int
	}{
		{"cpu time is written in ms and s", "top-cpu.golden",
			cpuProfile(10e6, map[string]int64{"main;serve;hot;sha": 230, "main;serve;hot": 20, "main;serve;other": 15, "main;runtime.gcBgMarkWorker": 4}), 1, 0},
		{"bytes are written in KB and MB", "top-heap.golden", heap, 0, 0},
		{"converted samples are written as counts, limited to n rows", "top-samples.golden",
			folded(t, "main;serve;hot 30\nmain;serve;cold 10\nmain;idle 2\n"), 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteTop(&buf, Top(tt.p, tt.index, tt.n), tt.p.SampleType[tt.index].Unit); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.file, buf.Bytes())
		})
	}
}

func TestWriteDiff(t *testing.T) {
	base := cpuProfile(10e6, map[string]int64{"main;serve;hot;sha": 60, "main;serve;hot": 20, "main;serve;other": 15, "main;gc": 5})
	cand := cpuProfile(10e6, map[string]int64{"main;serve;hot;sha": 5, "main;serve;hot": 2, "main;serve;other": 18, "main;gc": 9, "main;serve;newthing": 4})
	var buf bytes.Buffer
	if err := WriteDiff(&buf, Diff(base, cand, 1, 0)); err != nil {
		t.Fatal(err)
	}
	golden(t, "diff-cpu.golden", buf.Bytes())
}

// addStacks adds one single-valued sample per folded stack.
func addStacks(p *profile.Profile, stacks map[string]int64) {
	src := cpuProfile(1, stacks)
	p.Location, p.Function = src.Location, src.Function
	for _, s := range src.Sample {
		p.Sample = append(p.Sample, &profile.Sample{Location: s.Location, Value: s.Value[:1]})
	}
}

func TestFormatValue(t *testing.T) {
	tests := []struct {
		v    int64
		unit string
		want string
	}{
		{0, "nanoseconds", "0"},
		{999, "nanoseconds", "999ns"},
		{1500, "nanoseconds", "1.50us"},
		{10e6, "nanoseconds", "10ms"},
		{1234e6, "nanoseconds", "1.23s"},
		{-550e6, "nanoseconds", "-550ms"},
		{3, "milliseconds", "3ms"},
		{512, "bytes", "512B"},
		{1536, "bytes", "1.50KB"},
		{3 << 20, "bytes", "3MB"},
		{5 << 30, "bytes", "5GB"},
		{42, "count", "42"},
		{7, "", "7"},
	}
	for _, tt := range tests {
		if got := FormatValue(tt.v, tt.unit); got != tt.want {
			t.Errorf("FormatValue(%d, %q) = %q, want %q", tt.v, tt.unit, got, tt.want)
		}
	}
}
