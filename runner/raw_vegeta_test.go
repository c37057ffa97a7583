package runner

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// decodeRaw decodes a raw results file as vegeta's commands do: the
// format sniffed by vegeta.DecoderFor, then every result to the end.
func decodeRaw(t *testing.T, path string) []vegeta.Result {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := vegeta.DecoderFor(bufio.NewReader(f))
	if dec == nil {
		t.Fatalf("%s: vegeta cannot tell its format", path)
	}
	var rs []vegeta.Result
	for {
		var r vegeta.Result
		if err := dec.Decode(&r); err == io.EOF {
			return rs
		} else if err != nil {
			t.Fatalf("%s: result %d: %v", path, len(rs), err)
		}
		rs = append(rs, r)
	}
}

// plotted is how many points vegeta plot draws of rs, as
// lib/plot/plot.go's labeledSeries.add does it (v12.13.0): per attack, it
// takes the results in sequence order from 0, holding back those that come
// early and waiting for ever for a number that is missing, and places each
// at its timestamp's milliseconds since the attack's result 0; a label's
// series (OK or ERROR) refuses a point earlier than the one before, which
// fails the whole plot.
func plotted(t *testing.T, rs []vegeta.Result) int {
	t.Helper()
	attacks := map[string]map[uint64]*vegeta.Result{}
	for i := range rs {
		r := &rs[i]
		if attacks[r.Attack] == nil {
			attacks[r.Attack] = map[uint64]*vegeta.Result{}
		}
		if attacks[r.Attack][r.Seq] != nil {
			t.Errorf("attack %s has two results numbered %d", r.Attack, r.Seq)
		}
		attacks[r.Attack][r.Seq] = r
	}
	points := 0
	for attack, bySeq := range attacks {
		var began time.Time
		last := map[string]uint64{}
		for seq := uint64(0); ; seq++ {
			r := bySeq[seq]
			if r == nil {
				if left := len(bySeq) - int(seq); left > 0 {
					t.Errorf("attack %s: no result %d, so plot never draws the %d after it", attack, seq, left)
				}
				break
			}
			if seq == 0 {
				began = r.Timestamp
			}
			label := "OK"
			if r.Error != "" {
				label = "ERROR"
			}
			ms := uint64(r.Timestamp.Sub(began)) / 1e6
			if prev, ok := last[label]; ok && ms < prev {
				t.Fatalf("attack %s: result %d at %d ms after one at %d ms: vegeta plot fails", attack, seq, ms, prev)
			}
			last[label] = ms
			if r.Latency <= 0 {
				t.Errorf("attack %s: result %d has no latency to draw", attack, seq)
			}
			points++
		}
	}
	return points
}

// bodyServer answers /sized with 1234 bytes and a Content-Length, /chunked
// with 777 bytes in two chunks, and /empty with 204 No Content.
func bodyServer(t *testing.T) string {
	mux := http.NewServeMux()
	mux.HandleFunc("/sized", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1234")
		w.Write(bytes.Repeat([]byte("s"), 1234))
	})
	mux.HandleFunc("/chunked", func(w http.ResponseWriter, r *http.Request) {
		w.Write(bytes.Repeat([]byte("c"), 500))
		w.(http.Flusher).Flush()
		w.Write(bytes.Repeat([]byte("c"), 277))
	})
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

// Issue 13 item 6: --raw output works with vegeta's own tools. The run is
// one stream, raw/results.bin, that vegeta report and plot read whole; each
// endpoint's repetition is an attack of its own, ENDPOINT/rep-NN, numbered
// from 0 without the warm-up, timed from its scheduled send times, with the
// size of the bodies it received; and each repetition's file reads alone.
func TestRawResultsAreOneVegetaStreamPerRun(t *testing.T) {
	sc := scenario(bodyServer(t), 150, 600*time.Millisecond)
	sc.Runs = 2
	sc.Load.Warmup = dur(300 * time.Millisecond)
	sc.Endpoints = []scenarios.Endpoint{
		{Name: "sized", Method: "GET", Path: "/sized", Weight: 1},
		{Name: "chunked", Method: "GET", Path: "/chunked", Weight: 1},
		{Name: "empty", Method: "GET", Path: "/empty", Weight: 1, Expect: scenarios.Expect{Status: []int{204}}},
	}
	run, err := Run(context.Background(), sc, Options{Store: results.Open(t.TempDir()), Raw: true})
	if err != nil {
		t.Fatal(err)
	}
	bodySize := map[string]uint64{"sized": 1234, "chunked": 777, "empty": 0}
	sched := NewSchedule(sc.Load, 1.0/3)
	warmupHits := sched.hitsBefore(sc.Load.Warmup.D())

	var wantTotal, wantBytes int64
	for _, rep := range run.Repetitions {
		for _, e := range rep.Endpoints {
			attack := fmt.Sprintf("%s/rep-%02d", e.Name, rep.Index)
			rs := decodeRaw(t, filepath.Join(run.Dir, "raw", "repetitions", fmt.Sprintf("rep-%02d-%s.bin", rep.Index, e.Name)))
			if int64(len(rs)) != e.Requests || e.Requests == 0 {
				t.Fatalf("%s: %d raw results, want the %d run.json counts (warm-up excluded)", attack, len(rs), e.Requests)
			}
			if n := plotted(t, rs); n != len(rs) {
				t.Errorf("%s: vegeta plot draws %d of its %d results", attack, n, len(rs))
			}
			bySeq := make([]*vegeta.Result, len(rs))
			for i := range rs {
				r := &rs[i]
				if r.Attack != attack || r.Seq >= uint64(len(rs)) || bySeq[r.Seq] != nil {
					t.Fatalf("result %d: attack %q seq %d; want %s numbered 0 to %d once each", i, r.Attack, r.Seq, attack, len(rs)-1)
				}
				bySeq[r.Seq] = r
				if r.BytesIn != bodySize[e.Name] || len(r.Body) != 0 {
					t.Errorf("%s result %d: bytes_in %d and a body of %d bytes, want bytes_in %d and no body", attack, r.Seq, r.BytesIn, len(r.Body), bodySize[e.Name])
				}
				if r.Headers.Get(bytesInKey) != "" || len(r.Headers[bytesInKey]) != 0 {
					t.Errorf("%s result %d: the byte count was left in the headers %v", attack, r.Seq, r.Headers)
				}
			}
			// Hit 0 is the first measured one, sent at its scheduled time
			// (after the warm-up), and the others follow by the schedule.
			first, _ := sched.At(warmupHits)
			if bySeq[0].Timestamp.Before(rep.Start) {
				t.Errorf("%s: result 0 sent at %v, before the window began at %v", attack, bySeq[0].Timestamp, rep.Start)
			}
			for seq, r := range bySeq {
				at, _ := sched.At(warmupHits + uint64(seq))
				if got := r.Timestamp.Sub(bySeq[0].Timestamp); got != at-first {
					t.Fatalf("%s: result %d stamped %v after result 0, want its scheduled %v", attack, seq, got, at-first)
				}
			}
			if rep.Valid() {
				wantTotal += e.Requests
				wantBytes += e.Requests * int64(bodySize[e.Name])
			}
		}
	}

	// The run's one stream: the valid repetitions, whole.
	path := filepath.Join(run.Dir, "raw", "results.bin")
	if wantTotal == 0 {
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("no repetition is valid, yet %s exists (%v)", path, err)
		}
		t.Skip("no repetition was valid on this machine: the run's stream is not written")
	}
	checkOnly(t, filepath.Join(run.Dir, "raw"), "repetitions", "results.bin")
	all := decodeRaw(t, path)
	if n := plotted(t, all); n != len(all) || int64(n) != wantTotal {
		t.Errorf("vegeta plot draws %d points of results.bin's %d results, want all %d of the valid repetitions", n, len(all), wantTotal)
	}
	var m vegeta.Metrics
	for i := range all {
		m.Add(&all[i])
	}
	m.Close()
	if int64(m.Requests) != wantTotal || int64(m.BytesIn.Total) != wantBytes || m.Success != 1 {
		t.Errorf("vegeta report: %d requests, %d bytes in, success %v; want %d, %d and 1", m.Requests, m.BytesIn.Total, m.Success, wantTotal, wantBytes)
	}
}

// In the closed model the warm-up ends at a hit known only once every
// result is in: each repetition's file is renumbered from 0 when it ends.
func TestRawResultsOfTheClosedModelAreNumberedFrom0(t *testing.T) {
	sc := scenario(quietServer(t), 0, 400*time.Millisecond)
	sc.Load.Rate = scenarios.Rate{Max: true}
	sc.Load.Workers = 2
	sc.Load.Warmup = dur(200 * time.Millisecond)
	run, err := Run(context.Background(), sc, Options{Store: results.Open(t.TempDir()), Raw: true})
	if err != nil {
		t.Fatal(err)
	}
	rep := run.Repetitions[0]
	rs := decodeRaw(t, filepath.Join(run.Dir, "raw", "repetitions", "rep-01-get.bin"))
	if int64(len(rs)) != rep.Endpoints[0].Requests || len(rs) == 0 {
		t.Fatalf("%d raw results, want the %d run.json counts", len(rs), rep.Endpoints[0].Requests)
	}
	if n := plotted(t, rs); n != len(rs) {
		t.Errorf("vegeta plot draws %d of %d results", n, len(rs))
	}
	for _, r := range rs {
		if r.Timestamp.Before(rep.Start) {
			t.Fatalf("result %d sent at %v, before the window began at %v", r.Seq, r.Timestamp, rep.Start)
		}
	}
}

// rawStream encodes results with vegeta's encoder, as one file holds them.
func rawStream(t *testing.T, rs ...vegeta.Result) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := vegeta.NewEncoder(&b)
	for i := range rs {
		if err := enc.Encode(&rs[i]); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

func readAllRaw(t *testing.T, b []byte) ([]vegeta.Result, error) {
	t.Helper()
	dec := vegeta.NewDecoder(bytes.NewReader(b))
	var rs []vegeta.Result
	for {
		var r vegeta.Result
		if err := dec.Decode(&r); err == io.EOF {
			return rs, nil
		} else if err != nil {
			return rs, err
		}
		rs = append(rs, r)
	}
}

// Several gob streams joined: cat fails on the second definition of the
// result's types, copyGob writes each definition once, and keeps every
// value whole, one of more than 64 KiB (a length of several bytes) too.
func TestCopyGobJoinsStreamsThatCatCannot(t *testing.T) {
	at := time.Date(2026, 11, 27, 1, 2, 3, 0, time.UTC)
	big := http.Header{"X-Big": {strings.Repeat("b", 70_000)}}
	streams := [][]byte{
		nil, // an endpoint with no result in its window
		rawStream(t, vegeta.Result{Attack: "a/rep-01", Seq: 0, Timestamp: at, Code: 200, BytesIn: 3},
			vegeta.Result{Attack: "a/rep-01", Seq: 1, Timestamp: at.Add(time.Millisecond), Code: 500, Error: "500"}),
		rawStream(t, vegeta.Result{Attack: "a/rep-02", Seq: 0, Timestamp: at.Add(time.Hour), Headers: big}),
	}
	if _, err := readAllRaw(t, slices.Concat(streams...)); err == nil || !strings.Contains(err.Error(), "duplicate type") {
		t.Errorf("cat of two streams decoded with %v, want gob's duplicate type error (the reason for results.bin)", err)
	}
	var joined bytes.Buffer
	defs := map[int64][]byte{}
	for _, s := range streams {
		if err := copyGob(&joined, bufio.NewReader(bytes.NewReader(s)), defs); err != nil {
			t.Fatal(err)
		}
	}
	rs, err := readAllRaw(t, joined.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 3 || rs[1].Error != "500" || rs[1].Seq != 1 || rs[0].BytesIn != 3 || rs[2].Attack != "a/rep-02" ||
		len(rs[2].Headers.Get("X-Big")) != 70_000 || !rs[2].Timestamp.Equal(at.Add(time.Hour)) {
		t.Errorf("joined stream decodes to %+v", rs)
	}
	if len(joined.Bytes()) >= len(streams[1])+len(streams[2]) {
		t.Errorf("joined stream is %d bytes, want the second definitions left out", joined.Len())
	}

	t.Run("a truncated stream is an error, not a shorter one", func(t *testing.T) {
		s := streams[1][:len(streams[1])-5]
		err := copyGob(io.Discard, bufio.NewReader(bytes.NewReader(s)), map[int64][]byte{})
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("err = %v, want io.ErrUnexpectedEOF", err)
		}
	})
	t.Run("what is not gob is refused", func(t *testing.T) {
		err := copyGob(io.Discard, bufio.NewReader(strings.NewReader("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff")), map[int64][]byte{})
		if err == nil {
			t.Error("copyGob accepted bytes that are no gob stream")
		}
	})
}

// gob's unsigned integers round-trip through gobUint and putGobUint, in
// every length gob uses, and a signed one's low bit is its sign.
func TestGobIntegers(t *testing.T) {
	for _, x := range []uint64{0, 1, 127, 128, 255, 256, 65535, 70_000, 1 << 30, 1<<64 - 1} {
		size := 1
		if x >= 128 {
			for y := x; y > 0; y >>= 8 {
				size++
			}
		}
		b := make([]byte, size)
		putGobUint(b, x)
		got, n, err := gobUint(bufio.NewReader(bytes.NewReader(b)))
		if got != x || n != size || err != nil {
			t.Errorf("%d: encoded % x, read back %d (%d bytes, %v)", x, b, got, n, err)
		}
	}
	for b, want := range map[byte]int64{0: 0, 2: 1, 3: -2, 1: -1} {
		if v, ok := gobInt([]byte{b}); v != want || !ok {
			t.Errorf("gobInt(%d) = %d, %v; want %d", b, v, ok, want)
		}
	}
}

// A file renumbered keeps its order and every field but the numbers,
// which become 0, 1, … by rank: a gap closes.
func TestRenumberRawClosesGapsAndKeepsOrder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rep-01-get.bin")
	at := time.Date(2026, 11, 27, 1, 2, 3, 0, time.UTC)
	var in []vegeta.Result
	for _, seq := range []uint64{7, 5, 9, 12, 8} {
		in = append(in, vegeta.Result{Attack: "get/rep-01", Seq: seq, Timestamp: at.Add(time.Duration(seq) * time.Millisecond), Latency: time.Millisecond, Code: 200})
	}
	if err := os.WriteFile(path, rawStream(t, in...), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := renumberRaw(path, createRawFile, 5, 12); err != nil {
		t.Fatal(err)
	}
	out := decodeRaw(t, path)
	var seqs []uint64
	for i, r := range out {
		seqs = append(seqs, r.Seq)
		if !r.Timestamp.Equal(in[i].Timestamp) || r.Attack != in[i].Attack || r.Latency != in[i].Latency {
			t.Errorf("result %d changed: %+v, was %+v", i, r, in[i])
		}
	}
	if want := []uint64{1, 0, 3, 4, 2}; !slices.Equal(seqs, want) {
		t.Errorf("sequence numbers %v, want %v", seqs, want)
	}
	if n := plotted(t, out); n != 5 {
		t.Errorf("vegeta plot draws %d of 5", n)
	}
}

// copyGob never panics, and never writes more than it read.
func FuzzCopyGob(f *testing.F) {
	at := time.Date(2026, 11, 27, 1, 2, 3, 0, time.UTC)
	var seed bytes.Buffer
	enc := vegeta.NewEncoder(&seed)
	enc.Encode(&vegeta.Result{Attack: "a/rep-01", Timestamp: at, Code: 200, Headers: http.Header{"A": {"b"}}})
	enc.Encode(&vegeta.Result{Attack: "a/rep-01", Seq: 1, Timestamp: at, Code: 200})
	f.Add(seed.Bytes())
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		var out bytes.Buffer
		if err := copyGob(&out, bufio.NewReader(bytes.NewReader(b)), map[int64][]byte{}); err != nil {
			return
		}
		if out.Len() > len(b) {
			t.Errorf("%d bytes copied out of %d", out.Len(), len(b))
		}
	})
}
