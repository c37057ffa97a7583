package results

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// Histogram bounds: values are microseconds from 1 µs to one hour, kept to
// three significant digits, so every histogram of every run merges exactly.
const (
	histLowest  = 1
	histHighest = int64(time.Hour / time.Microsecond)
	histDigits  = 3
)

// Histogram is a latency histogram in microseconds. It is stored in run.json
// as HdrHistogram's compressed V2 encoding (base64, "HISTF…"), the string
// other HdrHistogram tools read.
//
// A nil *Histogram, or the zero Histogram, reads as empty, so a run.json with
// a missing histogram cannot crash a summary or a comparison.
type Histogram struct {
	h *hdrhistogram.Histogram
}

// NewHistogram returns an empty histogram with hotbench's fixed bounds.
func NewHistogram() *Histogram {
	return &Histogram{h: hdrhistogram.New(histLowest, histHighest, histDigits)}
}

func (h *Histogram) empty() bool { return h == nil || h.h == nil || h.h.TotalCount() == 0 }

// Record adds one duration. Values outside the bounds are clamped, so a
// stall longer than an hour still counts, as an hour.
func (h *Histogram) Record(d time.Duration) {
	if h.h == nil {
		h.h = hdrhistogram.New(histLowest, histHighest, histDigits)
	}
	us := d.Microseconds()
	if us < histLowest {
		us = histLowest
	} else if us > histHighest {
		us = histHighest
	}
	_ = h.h.RecordValue(us) // cannot fail: us is within bounds
}

// Merge adds every value of o to h. It is exact: both share one geometry.
func (h *Histogram) Merge(o *Histogram) {
	if o == nil || o.h == nil {
		return
	}
	if h.h == nil {
		h.h = hdrhistogram.New(histLowest, histHighest, histDigits)
	}
	src := o.h
	if src == h.h {
		src = src.Clone() // merging into itself would read what it writes
	}
	h.h.Merge(src)
}

// Count is the number of recorded values.
func (h *Histogram) Count() int64 {
	if h == nil || h.h == nil {
		return 0
	}
	return h.h.TotalCount()
}

// Quantile returns the value at quantile q (0.99 for p99) in seconds.
func (h *Histogram) Quantile(q float64) float64 {
	if h.empty() {
		return 0
	}
	return float64(h.h.ValueAtQuantile(q*100)) / 1e6
}

// Mean returns the mean in seconds.
func (h *Histogram) Mean() float64 {
	if h.empty() {
		return 0
	}
	return h.h.Mean() / 1e6
}

// Max returns the largest value in seconds.
func (h *Histogram) Max() float64 {
	if h.empty() {
		return 0
	}
	return float64(h.h.Max()) / 1e6
}

// Min returns the smallest value in seconds.
func (h *Histogram) Min() float64 {
	if h.empty() {
		return 0
	}
	return float64(h.h.Min()) / 1e6
}

// HDR exposes the underlying HdrHistogram, for percentile distributions. It
// is never nil.
func (h *Histogram) HDR() *hdrhistogram.Histogram {
	if h.h == nil {
		h.h = hdrhistogram.New(histLowest, histHighest, histDigits)
	}
	return h.h
}

// MarshalJSON writes the compressed V2 encoding, which is already base64, as
// a JSON string.
func (h *Histogram) MarshalJSON() ([]byte, error) {
	b, err := h.HDR().Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		return nil, fmt.Errorf("encode histogram: %w", err)
	}
	return json.Marshal(string(b))
}

// UnmarshalJSON reads what MarshalJSON writes. Histograms of another geometry
// are accepted when they fit in hotbench's (at most three digits, at most one
// hour), and re-homed into it so merges stay exact.
func (h *Histogram) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("histogram must be a base64 string: %w", err)
	}
	// The header is checked before decoding because the decoder allocates the
	// counts array the header asks for: a corrupt header could ask for 50 MB.
	lowest, highest, digits, err := peekHistogramHeader(s)
	if err != nil {
		return fmt.Errorf("decode histogram: %w", err)
	}
	if digits > histDigits || highest > histHighest {
		return fmt.Errorf("decode histogram: geometry %d..%d at %d digits does not fit hotbench's %d..%d at %d digits",
			lowest, highest, digits, histLowest, histHighest, histDigits)
	}
	d, err := hdrhistogram.Decode([]byte(s))
	if err != nil {
		return fmt.Errorf("decode histogram: %w", err)
	}
	if d.LowestTrackableValue() == histLowest && d.HighestTrackableValue() == histHighest && d.SignificantFigures() == histDigits {
		h.h = d
		return nil
	}
	h.h = hdrhistogram.New(histLowest, histHighest, histDigits)
	h.h.Merge(d)
	return nil
}

// peekHistogramHeader reads the geometry from a compressed V2 encoding
// without decoding the counts.
func peekHistogramHeader(s string) (lowest, highest int64, digits int32, err error) {
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("not base64: %w", err)
	}
	if len(raw) < 8 {
		return 0, 0, 0, errors.New("too short for an HdrHistogram encoding")
	}
	if binary.BigEndian.Uint32(raw)&^0xf0 != uint32(hdrhistogram.V2CompressedEncodingCookieBase) {
		return 0, 0, 0, errors.New("not an HdrHistogram V2 compressed encoding")
	}
	z, err := zlib.NewReader(bytes.NewReader(raw[8:]))
	if err != nil {
		return 0, 0, 0, fmt.Errorf("corrupt compressed contents: %w", err)
	}
	defer z.Close()
	var header [hdrhistogram.ENCODING_HEADER_SIZE]byte
	if _, err := io.ReadFull(z, header[:]); err != nil {
		return 0, 0, 0, fmt.Errorf("truncated header: %w", err)
	}
	digits = int32(binary.BigEndian.Uint32(header[12:]))
	lowest = int64(binary.BigEndian.Uint64(header[16:]))
	highest = int64(binary.BigEndian.Uint64(header[24:]))
	return lowest, highest, digits, nil
}
