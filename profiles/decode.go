package profiles

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/google/pprof/profile"
)

// DefaultMaxBytes bounds one profile, as downloaded and once decompressed,
// when Config.MaxBytes is zero. A profile is kilobytes to a few megabytes;
// a URL that streams forever or a gzip bomb must not take the harness's
// memory, and with it the load it generates.
const DefaultMaxBytes = 64 << 20

// maxProfileBytes bounds what a profiling command's gzipped output
// inflates to (command.go).
const maxProfileBytes = DefaultMaxBytes

// parseFactor bounds the memory pprof's parser may take for a profile, as a
// multiple of the decompressed bytes bound. Parsing a real Go profile takes
// 10–25 times its decompressed size; a crafted one of tiny records takes 80
// times and more, which the estimate in decodeBounded refuses.
const parseFactor = 8

// TooLargeError says a profile was refused for its size: the download, the
// data once decompressed, or the memory its parse would take.
type TooLargeError struct {
	// What is "download", "decompressed" or "parse".
	What  string
	Limit int64
}

func (e *TooLargeError) Error() string {
	switch e.What {
	case "decompressed":
		return fmt.Sprintf("inflates to more than %s (a gzip bomb?)", formatBytes(e.Limit))
	case "parse":
		return fmt.Sprintf("would take more than %s to parse (%d× the %s bound)",
			formatBytes(e.Limit*parseFactor), parseFactor, formatBytes(e.Limit))
	}
	return "is larger than " + formatBytes(e.Limit)
}

// maxBytes is the bound to use for a configured value: zero or less means
// DefaultMaxBytes.
func maxBytes(configured int64) int64 {
	if configured <= 0 {
		return DefaultMaxBytes
	}
	return configured
}

// readBounded reads r to its end, at most limit bytes: a longer stream is a
// *TooLargeError, and nothing past limit+1 bytes is read. It keeps the data
// in chunks while it reads, so a stream it refuses never held more than
// limit bytes, and joins them once it knows the size.
func readBounded(r io.Reader, limit int64, what string) ([]byte, error) {
	var chunks [][]byte
	var total int64
	size := int64(32 << 10)
	for {
		buf := make([]byte, min(size, limit+1-total))
		n, err := fill(r, buf)
		total += int64(n)
		chunks = append(chunks, buf[:n])
		if total > limit {
			return nil, &TooLargeError{What: what, Limit: limit}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		size = min(size*2, 4<<20)
	}
	if len(chunks) == 1 {
		return chunks[0], nil
	}
	return bytes.Join(chunks, nil), nil
}

// fill reads into buf until it is full or r fails; unlike io.ReadFull it
// keeps r's own io.ErrUnexpectedEOF (a truncated gzip stream) apart from
// a plain end of data, io.EOF.
func fill(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		k, err := r.Read(buf[n:])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func gzipped(data []byte) bool { return len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b }

// inflateBounded reads a profile from r, gzipped or not, and returns its
// plain bytes. It reads at most limit bytes from r and keeps at most limit
// bytes of decompressed data: a longer stream or a gzip bomb is a
// *TooLargeError once it passes the bound, and the compressed bytes are
// never held. profile.ParseData inflates gzip without a bound, so pprof's
// parser is only ever given what this returns.
func inflateBounded(r io.Reader, limit int64) ([]byte, error) {
	limit = maxBytes(limit)
	br := bufio.NewReader(&limitedReader{r: r, left: limit, limit: limit})
	magic, _ := br.Peek(2)
	if !gzipped(magic) {
		return readBounded(br, limit, "download")
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, decompressError(err)
	}
	raw, err := readBounded(zr, limit, "decompressed")
	if err != nil {
		return nil, decompressError(err)
	}
	if gzipped(raw) {
		// pprof would inflate this second layer without a bound; no
		// profiler writes one.
		return nil, errors.New("the profile is gzipped twice: not a pprof profile")
	}
	return raw, nil
}

func decompressError(err error) error {
	var tl *TooLargeError
	if errors.As(err, &tl) {
		return tl
	}
	return fmt.Errorf("decompressing profile: %w", err)
}

// limitedReader is io.LimitReader that says when its limit was passed.
type limitedReader struct {
	r           io.Reader
	left, limit int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, &TooLargeError{What: "download", Limit: l.limit}
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	if l.left -= int64(n); l.left < 0 {
		return n, &TooLargeError{What: "download", Limit: l.limit}
	}
	return n, err
}

// parseBounded parses a plain (inflated) profile with pprof's parser,
// unless the parse would take more than parseFactor × limit of memory.
func parseBounded(data []byte, limit int64) (*profile.Profile, error) {
	if parseCost(data) > maxBytes(limit)*parseFactor {
		return nil, &TooLargeError{What: "parse", Limit: maxBytes(limit)}
	}
	return profile.ParseData(data)
}

// decodeBounded is inflateBounded and parseBounded on a profile in memory.
func decodeBounded(data []byte, limit int64) (*profile.Profile, error) {
	raw, err := inflateBounded(bytes.NewReader(data), limit)
	if err != nil {
		return nil, err
	}
	return parseBounded(raw, limit)
}

// parseCost estimates the bytes pprof's parser allocates for data: about
// 16 per byte (packed varints of one byte become 8-byte integers, twice)
// and 160 per record (a sample, location, function, mapping, string or
// sample type becomes a struct and its slices). The records are counted
// by walking the top level of the protobuf; data that is not protobuf (a
// legacy text profile) is parsed line by line, in proportion to its size.
func parseCost(data []byte) int64 {
	records, ok := protoRecords(data)
	if !ok {
		records = 0
	}
	return 16*int64(len(data)) + 160*records
}

// protoRecords counts the length-delimited fields at the top level of a
// protobuf message; ok is false when data is not one.
func protoRecords(data []byte) (n int64, ok bool) {
	for len(data) > 0 {
		key, k := uvarint(data)
		if k == 0 {
			return n, false
		}
		data = data[k:]
		switch key & 7 {
		case 0: // varint
			_, k := uvarint(data)
			if k == 0 {
				return n, false
			}
			data = data[k:]
		case 1: // fixed64
			if len(data) < 8 {
				return n, false
			}
			data = data[8:]
		case 5: // fixed32
			if len(data) < 4 {
				return n, false
			}
			data = data[4:]
		case 2: // length-delimited: a record
			l, k := uvarint(data)
			if k == 0 || l > uint64(len(data)-k) {
				return n, false
			}
			data = data[k+int(l):]
			n++
		default:
			return n, false
		}
	}
	return n, true
}

// uvarint decodes a protobuf varint; k is 0 when data holds none.
func uvarint(data []byte) (v uint64, k int) {
	for i, b := range data {
		if i == 10 {
			return 0, 0
		}
		v |= uint64(b&0x7f) << (7 * i)
		if b < 0x80 {
			return v, i + 1
		}
	}
	return 0, 0
}

// Load reads a stored profile (gzipped or not), bounded as a fetched one is
// by DefaultMaxBytes, and checks it.
func Load(path string) (*profile.Profile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load profile: %w", err)
	}
	defer f.Close()
	raw, err := inflateBounded(f, DefaultMaxBytes)
	if err != nil {
		return nil, loadError(path, err)
	}
	p, err := parseBounded(raw, DefaultMaxBytes)
	if err != nil {
		return nil, loadError(path, err)
	}
	return p, nil
}

func loadError(path string, err error) error {
	var tl *TooLargeError
	if errors.As(err, &tl) {
		return fmt.Errorf("load profile %s: the file %w", path, err)
	}
	return fmt.Errorf("load profile %s: %w", path, err)
}

// formatBytes writes a size as people read it: "64 MiB", "512 KiB", "100 B".
func formatBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + " GiB"
	case n >= 1<<20:
		return trimZero(float64(n)/(1<<20)) + " MiB"
	case n >= 1<<10:
		return trimZero(float64(n)/(1<<10)) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " B"
}

func trimZero(f float64) string {
	s := strconv.FormatFloat(f, 'f', 1, 64)
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		return s[:len(s)-2]
	}
	return s
}
