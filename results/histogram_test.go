package results

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

func randomHistogram(seed uint64, n int, scale time.Duration) (*Histogram, []time.Duration) {
	rng := rand.New(rand.NewPCG(seed, 1))
	h := NewHistogram()
	var ds []time.Duration
	for i := 0; i < n; i++ {
		d := time.Duration(rng.ExpFloat64() * float64(scale))
		h.Record(d)
		ds = append(ds, d)
	}
	return h, ds
}

var quantiles = []float64{0, 0.5, 0.9, 0.99, 0.999, 1}

func TestHistogramJSONRoundTripKeepsEveryCount(t *testing.T) {
	h, _ := randomHistogram(1, 5000, 3*time.Millisecond)
	h.Record(2 * time.Hour) // clamped to an hour, still counted
	h.Record(0)             // clamped to 1 µs
	b, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	// The string is HdrHistogram's own base64 encoding, which other tools
	// read, not base64 of base64.
	if !strings.HasPrefix(string(b), `"HISTF`) {
		t.Errorf("encoding starts %.12s, want the V2 compressed base64 prefix \"HISTF", b)
	}
	var got Histogram
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if !got.HDR().Equals(h.HDR()) {
		t.Fatal("decoded histogram differs from the encoded one")
	}
	if got.Count() != 5002 {
		t.Errorf("count %d, want 5002", got.Count())
	}
	for _, q := range quantiles {
		if got.Quantile(q) != h.Quantile(q) {
			t.Errorf("quantile %v: %v, want %v", q, got.Quantile(q), h.Quantile(q))
		}
	}
	if got.Max() != h.Max() || got.Min() != h.Min() || got.Mean() != h.Mean() {
		t.Errorf("max/min/mean %v/%v/%v, want %v/%v/%v", got.Max(), got.Min(), got.Mean(), h.Max(), h.Min(), h.Mean())
	}
	if got.Max() < 3599 {
		t.Errorf("a two-hour stall reads as %vs, want about an hour", got.Max())
	}
}

func TestHistogramMergeIsExact(t *testing.T) {
	// Merging shards must give the histogram of all values, bucket for bucket.
	a, da := randomHistogram(2, 3000, time.Millisecond)
	b, db := randomHistogram(3, 2000, 40*time.Millisecond)
	all := NewHistogram()
	for _, d := range append(da, db...) {
		all.Record(d)
	}
	merged := NewHistogram()
	merged.Merge(a)
	merged.Merge(b)
	merged.Merge(nil)
	merged.Merge(&Histogram{})
	if !merged.HDR().Equals(all.HDR()) {
		t.Fatal("merged histogram differs from the histogram of all values")
	}
	for _, q := range quantiles {
		if merged.Quantile(q) != all.Quantile(q) {
			t.Errorf("quantile %v: %v, want %v", q, merged.Quantile(q), all.Quantile(q))
		}
	}

	// Merging a decoded histogram is just as exact.
	enc, _ := json.Marshal(b)
	var decoded Histogram
	if err := json.Unmarshal(enc, &decoded); err != nil {
		t.Fatal(err)
	}
	viaJSON := NewHistogram()
	viaJSON.Merge(a)
	viaJSON.Merge(&decoded)
	if !viaJSON.HDR().Equals(all.HDR()) {
		t.Fatal("merging a decoded histogram is not exact")
	}

	// A histogram merged into itself doubles.
	self, _ := randomHistogram(4, 100, time.Millisecond)
	self.Merge(self)
	if self.Count() != 200 {
		t.Errorf("self-merge count %d, want 200", self.Count())
	}
}

func TestEmptyHistogramsReadAsEmpty(t *testing.T) {
	for name, h := range map[string]*Histogram{"nil": nil, "zero value": {}, "new": NewHistogram()} {
		t.Run(name, func(t *testing.T) {
			if h.Count() != 0 || h.Quantile(0.99) != 0 || h.Mean() != 0 || h.Max() != 0 || h.Min() != 0 {
				t.Error("an empty histogram must read as zero everywhere")
			}
		})
	}
	var zero Histogram
	if _, err := json.Marshal(&zero); err != nil {
		t.Errorf("marshal zero histogram: %v", err)
	}
}

func TestHistogramOfAnotherGeometryIsRehomed(t *testing.T) {
	// Two digits and a shorter range fit in hotbench's geometry.
	other := hdrhistogram.New(1, 60_000_000, 2)
	for _, v := range []int64{10, 1500, 1500, 250_000} {
		other.RecordValue(v)
	}
	enc, err := other.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		t.Fatal(err)
	}
	var h Histogram
	if err := json.Unmarshal([]byte(`"`+string(enc)+`"`), &h); err != nil {
		t.Fatal(err)
	}
	if h.Count() != 4 {
		t.Errorf("count %d, want 4", h.Count())
	}
	if g := h.HDR(); g.SignificantFigures() != histDigits || g.HighestTrackableValue() != histHighest {
		t.Errorf("geometry %d digits up to %d, want hotbench's", g.SignificantFigures(), g.HighestTrackableValue())
	}
	// Merging it into a hotbench histogram loses nothing.
	m := NewHistogram()
	m.Merge(&h)
	if m.Count() != 4 {
		t.Errorf("merged count %d, want 4", m.Count())
	}
}

func TestHistogramDecodeErrors(t *testing.T) {
	wide := hdrhistogram.New(1, 1<<62, 5) // would need tens of MB to decode
	wide.RecordValue(7)
	wideEnc, _ := wide.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	good, _ := json.Marshal(NewHistogram())
	for _, tc := range []struct {
		name, in, want string
	}{
		{"a number is not a histogram", `12`, "must be a base64 string"},
		{"text that is not base64 is refused", `"not base64!"`, "not base64"},
		{"base64 that is not a histogram is refused", `"aGVsbG8gd29ybGQ="`, "not an HdrHistogram"},
		{"a truncated encoding is refused", string(good[:len(good)/2]) + `"`, "decode histogram"},
		{"a geometry wider than hotbench's is refused before it is allocated", `"` + string(wideEnc) + `"`, "does not fit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var h Histogram
			err := json.Unmarshal([]byte(tc.in), &h)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func FuzzHistogramUnmarshalJSON(f *testing.F) {
	h, _ := randomHistogram(5, 200, time.Millisecond)
	good, _ := json.Marshal(h)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte(`"HISTFAAAACl4nJNpmSzMwMDAxQABzFCaEUzOmNZg/wEi0NzIyszIwsDIyMAMAJ1GBWs="`))
	f.Add([]byte(`"AAAAAAAAAAA="`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var h Histogram
		if err := json.Unmarshal(b, &h); err != nil {
			return
		}
		// Whatever decodes must behave like a histogram.
		_ = h.Quantile(0.99) + h.Mean() + h.Max() + h.Min()
		h.Merge(&h)
		if _, err := json.Marshal(&h); err != nil {
			t.Fatalf("re-encode: %v", err)
		}
	})
}

// encodeV2 wraps a header and a counts payload in the V2 compressed
// encoding, so the fuzzer reaches the decoder past zlib's checksum.
func encodeV2(digits int32, lowest, highest int64, payload []byte) string {
	var inner bytes.Buffer
	binary.Write(&inner, binary.BigEndian, []int32{0x1c849303 | 0x10, int32(len(payload)), 0, digits})
	binary.Write(&inner, binary.BigEndian, []int64{lowest, highest})
	binary.Write(&inner, binary.BigEndian, 1.0)
	inner.Write(payload)
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(inner.Bytes())
	w.Close()
	var outer bytes.Buffer
	binary.Write(&outer, binary.BigEndian, []int32{hdrhistogram.V2CompressedEncodingCookieBase | 0x10, int32(z.Len())})
	outer.Write(z.Bytes())
	return base64.StdEncoding.EncodeToString(outer.Bytes())
}

func FuzzHistogramPayload(f *testing.F) {
	f.Add(int32(3), int64(1), histHighest, []byte{2, 4, 0x7f, 6})
	f.Add(int32(2), int64(1000), int64(60_000_000), []byte{0x80, 0x80, 0x02, 3})
	f.Add(int32(0), int64(-5), int64(0), []byte{1})
	f.Add(int32(5), int64(1), int64(1)<<62, []byte{})
	f.Fuzz(func(t *testing.T, digits int32, lowest, highest int64, payload []byte) {
		enc := encodeV2(digits, lowest, highest, payload)
		var h Histogram
		if err := h.UnmarshalJSON([]byte(`"` + enc + `"`)); err != nil {
			return
		}
		if g := h.HDR(); g.SignificantFigures() != histDigits || g.HighestTrackableValue() != histHighest {
			t.Fatalf("decoded into geometry %d digits up to %d", g.SignificantFigures(), g.HighestTrackableValue())
		}
		_ = h.Quantile(0.5) + h.Mean() + h.Max()
		if _, err := json.Marshal(&h); err != nil {
			t.Fatal(err)
		}
	})
}
