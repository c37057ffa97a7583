package profiles

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/pprof/profile"
)

// gzipBomb is a multi-member gzip stream of members each inflating to
// member bytes of zeros: about a thousandth of what it inflates to, as
// compress/gzip reads every member of a stream.
func gzipBomb(tb testing.TB, member, total int) []byte {
	tb.Helper()
	var one bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&one, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for n := 0; n < member; n += len(zeros) {
		zw.Write(zeros[:min(len(zeros), member-n)])
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return bytes.Repeat(one.Bytes(), total/member)
}

// gz gzips data once.
func gz(data []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	zw.Close()
	return b.Bytes()
}

// tinyRecords is a protobuf of n empty samples (field 2, length 0): two
// bytes each, that pprof's parser makes into structs of a hundred bytes
// and more.
func tinyRecords(n int) []byte { return bytes.Repeat([]byte{0x12, 0x00}, n) }

func validProfile(t testing.TB) []byte {
	p, err := ParseFolded(strings.NewReader("main;hot 3\nmain;cold 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := p.WriteUncompressed(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestDecodeBounded(t *testing.T) {
	const limit = 1 << 20
	plain := validProfile(t)
	tests := []struct {
		name string
		data []byte
		// want is "" for a profile, else part of the error.
		want string
	}{
		{"a plain profile is parsed", plain, ""},
		{"a gzipped profile is parsed", gz(plain), ""},
		{"a legacy text profile is parsed", []byte("goroutine profile: total 1\n1 @ 0x1\n#\t0x1\tmain.main+0x1\tmain.go:1\n"), ""},
		{"more bytes than the bound are refused before anything is parsed", append(plain, make([]byte, limit)...), "is larger than 1 MiB"},
		{"a gzip bomb is refused once it inflates past the bound", gzipBomb(t, 1<<20, 8<<20), "inflates to more than 1 MiB"},
		{"a profile gzipped twice is refused: pprof would inflate the inner one without a bound", gz(gz(plain)), "gzipped twice"},
		{"tiny records whose parse would take far more than the bytes are refused", tinyRecords(limit / 2), "would take more than 8 MiB to parse"},
		{"the same, gzipped, are refused too", gz(tinyRecords(limit / 2)), "would take more than 8 MiB to parse"},
		{"garbage is an error, not a panic", []byte("<html>not a profile</html>"), "parsing profile"},
		{"a truncated gzip stream is an error", gz(plain)[:20], "decompressing profile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := decodeBounded(tt.data, limit)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("error %v, want a profile", err)
			case tt.want == "":
				if err := p.CheckValid(); err != nil {
					t.Error(err)
				}
			case err == nil || !strings.Contains(err.Error(), tt.want):
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestReadBoundedStopsAtTheBound(t *testing.T) {
	endless := &countingZeros{}
	_, err := readBounded(endless, 1<<20, "download")
	var tl *TooLargeError
	if !errors.As(err, &tl) {
		t.Fatalf("error %v, want a TooLargeError", err)
	}
	if endless.n > 1<<20+1 {
		t.Errorf("read %d bytes of an endless stream, want at most the bound plus one", endless.n)
	}
	got, err := readBounded(strings.NewReader(strings.Repeat("x", 1<<20)), 1<<20, "download")
	if err != nil || len(got) != 1<<20 {
		t.Errorf("a stream exactly at the bound: %d bytes, %v; want all of it", len(got), err)
	}
}

type countingZeros struct{ n int64 }

func (c *countingZeros) Read(p []byte) (int, error) {
	clear(p)
	c.n += int64(len(p))
	return len(p), nil
}

func TestLoadRefusesABombOnDisk(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rep-01-cpu.pb.gz")
	if err := os.WriteFile(path, gzipBomb(t, 16<<20, 128<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "the file inflates to more than 64 MiB") {
		t.Errorf("Load of a gzip bomb: %v; want an error naming the file and the bound", err)
	}
}

// peakHeap samples the heap in use while f runs and returns its peak above
// what was in use before.
func peakHeap(f func()) uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > base && m.HeapAlloc-base > peak.Load() {
				peak.Store(m.HeapAlloc - base)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	})
	f()
	close(stop)
	wg.Wait()
	return peak.Load()
}

// TestCaptureSurvivesResourceBombs is issue 9's fault: a 1 MB gzip bomb
// from the pprof endpoint took hotbench to 2.7 GB and a 2 GB stream to
// 5 GB. Both are now skipped with a warning, the other kinds still arrive,
// and the heap never grows past the 64 MiB bound by much.
func TestCaptureSurvivesResourceBombs(t *testing.T) {
	bomb := gzipBomb(t, 64<<20, 2<<30) // about 2 MB, inflating to 2 GiB
	t.Logf("the bomb is %.1f MB", float64(len(bomb))/1e6)
	var streamed atomic.Int64
	srv := newPprofServer(t, map[string]http.Handler{
		"profile": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write(bomb)
		}),
		"heap": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// 2 GB of a profile that never ends, until the client hangs up.
			chunk := make([]byte, 1<<20)
			for range 2 << 10 {
				n, err := w.Write(chunk)
				streamed.Add(int64(n))
				if err != nil {
					return
				}
			}
		}),
	})
	var got []Captured
	var warns []Warning
	peak := peakHeap(func() {
		got, warns = Capture(context.Background(), Config{PprofURL: srv.URL + pprofPrefix, Kinds: []string{"cpu", "heap", "goroutine"}},
			100*time.Millisecond, t.TempDir(), "rep-01")
	})
	t.Logf("peak heap above the start: %d MB; the stream sent %d MB before the client hung up", peak>>20, streamed.Load()>>20)
	for _, w := range warns {
		t.Log(w)
	}
	if len(got) != 1 || got[0].Kind != "goroutine" {
		t.Errorf("captured %d profiles, want the goroutine snapshot only", len(got))
	}
	want := map[string]string{
		"cpu":  "inflates to more than 64 MiB (a gzip bomb?): skipped",
		"heap": "is larger than 64 MiB: skipped",
	}
	if len(warns) != len(want) {
		t.Errorf("warnings %v, want one for cpu and one for heap", warns)
	}
	for _, w := range warns {
		if !strings.Contains(w.Reason, want[w.Kind]) || !strings.Contains(w.Reason, srv.URL) {
			t.Errorf("warning %q, want one naming the URL and containing %q", w, want[w.Kind])
		}
	}
	if peak > 200<<20 {
		t.Errorf("the heap grew by %d MB while capturing, want well under 200 MB", peak>>20)
	}
	if n := streamed.Load(); n > 256<<20 {
		t.Errorf("the endless stream sent %d MB before hotbench hung up, want little past the 64 MiB bound", n>>20)
	}
}

func TestCaptureHonoursMaxBytes(t *testing.T) {
	srv := newPprofServer(t, nil)
	got, warns := Capture(context.Background(), Config{PprofURL: srv.URL + pprofPrefix, Kinds: []string{"goroutine"}, MaxBytes: 64},
		10*time.Millisecond, t.TempDir(), "r")
	if len(got) != 0 || len(warns) != 1 || !strings.Contains(warns[0].Reason, "is larger than 64 B: skipped") {
		t.Errorf("got %d profiles and warnings %v, want a goroutine profile refused at 64 bytes", len(got), warns)
	}
}

func TestCaptureDecodesAfterTheWindow(t *testing.T) {
	// A server that answers at once (it ignores ?seconds) is decoded and
	// stored only once the window is over: the window is the load
	// generator's.
	plain := validProfile(t)
	srv := newPprofServer(t, map[string]http.Handler{
		"profile": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(plain) }),
	})
	dir := t.TempDir()
	start := time.Now()
	window := 400 * time.Millisecond
	var storedAt time.Time
	done := make(chan struct{})
	go func() {
		defer close(done)
		for time.Since(start) < 5*time.Second {
			if exists(filepath.Join(dir, "r-cpu.pb.gz")) {
				storedAt = time.Now()
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	got, warns := Capture(context.Background(), Config{PprofURL: srv.URL + pprofPrefix, Kinds: []string{"cpu"}}, window, dir, "r")
	<-done
	if len(got) != 1 || len(warns) != 0 {
		t.Fatalf("got %d profiles and warnings %v, want the cpu profile", len(got), warns)
	}
	if storedAt.Sub(start) < window {
		t.Errorf("stored %s after the start, before the %s window ended", storedAt.Sub(start), window)
	}
}

// FuzzDecodeBounded feeds the decoder of fetched and stored profiles. It
// must never panic, what it accepts must be a valid profile that can be
// stored, and decoding must never allocate more than a few times the
// pprof parse bound (8 × 1 MiB here), however the input is made: a
// 100 KB gzip bomb or a protobuf of tiny records, fed to pprof's own
// profile.ParseData, allocate hundreds of megabytes. The seeds hold both.
func FuzzDecodeBounded(f *testing.F) {
	const limit = 1 << 20
	plain := validProfile(f)
	f.Add(plain)
	f.Add(gz(plain))
	f.Add(gz(gz(plain)))
	f.Add(gzipBomb(f, 1<<20, 200<<20))
	f.Add(gz(tinyRecords(4 << 20)))
	f.Add([]byte("goroutine profile: total 1\n1 @ 0x1\n"))
	f.Add([]byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		p, err := decodeBounded(data, limit)
		runtime.ReadMemStats(&after)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4*parseFactor*limit {
			t.Fatalf("decoding %d bytes allocated %d MB, more than %d MB", len(data), alloc>>20, 4*parseFactor*limit>>20)
		}
		if err != nil {
			return
		}
		if err := p.CheckValid(); err != nil {
			t.Fatalf("accepted an invalid profile: %v", err)
		}
		var buf bytes.Buffer
		if err := p.Write(&buf); err != nil {
			t.Fatalf("accepted a profile that cannot be stored: %v", err)
		}
		if _, err := profile.Parse(&buf); err != nil {
			t.Fatalf("stored profile does not parse back: %v", err)
		}
	})
}

// A profiling command's output is as untrusted as a download: a gzip bomb
// written to {out} is refused at the bound, never inflated whole.
func TestACommandsGzipBombIsRefused(t *testing.T) {
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	zeros := make([]byte, 1<<20)
	for i := 0; i < 8; i++ { // 8 MiB of zeros in about 8 KB
		zw.Write(zeros)
	}
	zw.Close()
	path := filepath.Join(t.TempDir(), "bomb.gz")
	if err := os.WriteFile(path, bomb.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	got, warns := Capture(context.Background(), Config{Command: "cp " + shellQuote(path) + " {out}", Kinds: []string{"cpu"}, MaxBytes: 1 << 20},
		10*time.Millisecond, t.TempDir(), "r")
	if len(got) != 0 || len(warns) != 1 || !strings.Contains(warns[0].Reason, "1 MiB") {
		t.Errorf("got %d profiles and warnings %v, want the bomb refused at 1 MiB", len(got), warns)
	}
}
