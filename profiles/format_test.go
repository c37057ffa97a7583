package profiles

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

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
	cpuReps := Sources{Profiles: []Source{
		{Name: "rep-01", Samples: 131, Duration: 20 * time.Second},
		{Name: "rep-02", Samples: 138, Duration: 20 * time.Second},
	}}
	tests := []struct {
		name, file string
		p          *profile.Profile
		index, n   int
		src        Sources
	}{
		{"cpu time is written in ms and s, under each profile's samples and span", "top-cpu.golden",
			cpuProfile(10e6, map[string]int64{"main;serve;hot;sha": 230, "main;serve;hot": 20, "main;serve;other": 15, "main;runtime.gcBgMarkWorker": 4}), 1, 0, cpuReps},
		{"bytes are written in KB and MB", "top-heap.golden", heap, 0, 0, Sources{}},
		{"converted samples are written as counts, limited to n rows, with a warning for few samples", "top-samples.golden",
			folded(t, "main;serve;hot 30\nmain;serve;cold 10\nmain;idle 2\n"), 0, 2, Sources{Profiles: []Source{{Name: "rep-01", Samples: 42, Duration: 5 * time.Second}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteSources(&buf, tt.src); err != nil {
				t.Fatal(err)
			}
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
	for _, src := range []Sources{
		{Label: "base", Profiles: []Source{{Name: "before/rep-01", Samples: 100, Duration: 10 * time.Second}}},
		{Label: "candidate", Profiles: []Source{{Name: "after/rep-01", Samples: 38, Duration: 10 * time.Second}}},
	} {
		if err := WriteSources(&buf, src); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteDiff(&buf, Diff(base, cand, 1, 0)); err != nil {
		t.Fatal(err)
	}
	golden(t, "diff-cpu.golden", buf.Bytes())
}

func TestWriteSources(t *testing.T) {
	rep := func(name string, samples int64, secs int) Source {
		return Source{Name: name, Samples: samples, Duration: time.Duration(secs) * time.Second}
	}
	tests := []struct {
		name string
		src  Sources
		want string
	}{
		{"no profiles write nothing", Sources{}, ""},
		{"one profile is named once",
			Sources{Profiles: []Source{rep("rep-01", 412, 20)}},
			"1 profile, 412 samples over 20s (rep-01)\n"},
		{"several profiles add up and each is listed",
			Sources{Profiles: []Source{rep("rep-01", 412, 20), rep("rep-02", 1200, 20), rep("rep-03", 640, 20)}},
			"3 profiles, 2,252 samples over 1m0s (rep-01: 412 samples over 20s; rep-02: 1,200 samples over 20s; rep-03: 640 samples over 20s)\n"},
		{"a profile under 100 samples is warned about",
			Sources{Profiles: []Source{rep("rep-01", 412, 20), rep("rep-02", 13, 20)}},
			"2 profiles, 425 samples over 40s (rep-01: 412 samples over 20s; rep-02: 13 samples over 20s)\n" +
				"warning: rep-02 holds 13 samples, fewer than 100: its shares are noise (more load or a longer window gives more samples)\n"},
		{"several thin profiles share one warning, and the threshold can be set",
			Sources{Label: "base", MinSamples: 500, Profiles: []Source{rep("rep-01", 412, 20), rep("rep-02", 1, 20)}},
			"base: 2 profiles, 413 samples over 40s (rep-01: 412 samples over 20s; rep-02: 1 sample over 20s)\n" +
				"warning: rep-01 holds 412 samples, rep-02 holds 1 sample, fewer than 500: their shares are noise (more load or a longer window gives more samples)\n"},
		{"snapshots have no span",
			Sources{Profiles: []Source{rep("rep-01", 300, 0), rep("rep-02", 200, 0)}},
			"2 profiles, 500 samples (rep-01: 300 samples; rep-02: 200 samples)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteSources(&buf, tt.src); err != nil {
				t.Fatal(err)
			}
			if buf.String() != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", buf.String(), tt.want)
			}
		})
	}
}

func TestLoadMergedDescribesEachProfile(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for i, stacks := range []map[string]int64{{"main;hot": 150, "main;cold": 50}, {"main;hot": 9}} {
		p := cpuProfile(10e6, stacks)
		p.DurationNanos = int64(5 * time.Second)
		f := filepath.Join(dir, fmt.Sprintf("rep-%02d-cpu.pb.gz", i+1))
		if _, err := writeProfile(f, p); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	m, src, err := LoadMerged(files, []string{"rep-01"})
	if err != nil {
		t.Fatal(err)
	}
	want := []Source{{Name: "rep-01", Samples: 200, Duration: 5 * time.Second}, {Name: "rep-02-cpu.pb.gz", Samples: 9, Duration: 5 * time.Second}}
	if !slices.Equal(src.Profiles, want) {
		t.Errorf("sources %+v, want %+v", src.Profiles, want)
	}
	if got := SampleCount(m); got != 209 {
		t.Errorf("merged profile holds %d samples, want 209", got)
	}
	if _, _, err := LoadMerged([]string{filepath.Join(dir, "missing.pb.gz")}, nil); err == nil {
		t.Error("LoadMerged of a missing file: want an error")
	}
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
		{0, "nanoseconds", "0s"},
		{999, "nanoseconds", "999ns"},
		{1500, "nanoseconds", "1.50µs"},
		{10e6, "nanoseconds", "10.0ms"},
		{1234e6, "nanoseconds", "1.23s"},
		{1500e6, "nanoseconds", "1.50s"}, // as compare, reports and the summary write 1.5 s
		{-550e6, "nanoseconds", "-550ms"},
		{3, "milliseconds", "3.00ms"},
		{512, "bytes", "512B"},
		{1536, "bytes", "1.50KiB"},
		{3 << 20, "bytes", "3.00MiB"},
		{5 << 30, "bytes", "5.00GiB"},
		{1234567, "count", "1,234,567"},
		{42, "count", "42"},
		{7, "", "7"},
	}
	for _, tt := range tests {
		if got := FormatValue(tt.v, tt.unit); got != tt.want {
			t.Errorf("FormatValue(%d, %q) = %q, want %q", tt.v, tt.unit, got, tt.want)
		}
	}
}
