package runner

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/hotbench/hotbench/internal/redact"
	"github.com/hotbench/hotbench/internal/safefile"
	"github.com/hotbench/hotbench/results"
)

// Raw results (--raw) are vegeta's own gob format, for vegeta's tools:
//
//	raw/results.bin                      the run: every valid repetition, one stream
//	raw/repetitions/rep-NN-ENDPOINT.bin  one endpoint in one repetition, valid or not
//
// An endpoint's repetition is one vegeta attack, named ENDPOINT/rep-NN. Its
// sequence numbers count the measured hits from 0 in their scheduled order:
// the warm-up is left out, as run.json leaves it out, so vegeta report
// counts what hotbench counted. vegeta plot needs exactly that: it draws an
// attack's points in sequence order from 0 and waits for ever for a number
// that is missing. Each result carries its scheduled send time, the latency
// hotbench measured (from then, or from an early send), and bytes_in, the
// size of the body as it arrived: the body is not kept, and a compressed
// one counts as it came, since hotbench does not unpack it (vegeta's own
// client would). results.bin holds the repetitions the run's statistics
// use, so `vegeta report raw/results.bin` describes the run; each file is
// a stream of its own, to be given to vegeta as arguments, never joined
// with cat (a gob stream defines its types once, and a second definition
// is an error).
const (
	rawFolder     = "raw"
	rawRepFolder  = "repetitions"
	rawRunFile    = "results.bin"
	maxGobMessage = 1 << 30 // encoding/gob's own limit
	maxGobTypeDef = 1 << 20 // vegeta.Result's types take 200 bytes
)

// rawFile is where raw results go: a safefile.File, which writes an
// unpredictable temporary file beside the target and renames it into place
// on Commit (issue 9 items 1 and 10).
type rawFile interface {
	io.Writer
	Commit() error
	Abort() error
}

// rawCreate creates a raw results file; tests replace it (Options.createRaw).
type rawCreate func(path string) (rawFile, error)

func createRawFile(path string) (rawFile, error) {
	return safefile.Create(path, safefile.RegularOnly())
}

// rawWriter writes one endpoint's raw results of one repetition: vegeta's
// format without bodies, with the secrets of their URL, error and response
// headers redacted, as run.json has them.
type rawWriter struct {
	f      rawFile
	path   string
	create rawCreate
	enc    vegeta.Encoder
	attack string // ENDPOINT/rep-NN
	url    string // the target URL, redacted once
	// base is the vegeta sequence number of the first measured hit when it
	// is known beforehand: in the open model the warm-up's hits are the
	// schedule's first ones (set by stream.start). The closed model's is
	// found at commit.
	base uint64
	// n results written, their sequence numbers (as written) within lo..hi.
	n, lo, hi uint64
	// The last error message and its redaction: a failing endpoint repeats
	// one message.
	lastErr, lastRedacted string
	// secret caches IsSecretHeader for response header names, up to
	// maxHeaderNames of them (a server chooses its header names).
	secret map[string]bool
}

const maxHeaderNames = 64

// newRawWriter creates raw/repetitions/rep-NN-ENDPOINT.bin in the run
// folder dir, a regular file only (a planted link or FIFO is refused).
func newRawWriter(dir string, index int, endpoint, redactedURL string, create rawCreate) (*rawWriter, error) {
	if create == nil {
		create = createRawFile
	}
	path := rawRepPath(dir, index, endpoint)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("create raw results folder: %w", err)
	}
	f, err := create(path)
	if err != nil {
		return nil, fmt.Errorf("create raw results file: %w", err)
	}
	return &rawWriter{
		f: f, path: path, create: create, enc: vegeta.NewEncoder(f),
		attack: fmt.Sprintf("%s/rep-%02d", endpoint, index),
		url:    redactedURL, secret: map[string]bool{},
	}, nil
}

// rawRepPath is where endpoint's raw results of repetition index go.
func rawRepPath(dir string, index int, endpoint string) string {
	return filepath.Join(dir, rawFolder, rawRepFolder, fmt.Sprintf("rep-%02d-%s.bin", index, endpoint))
}

// write encodes res, a measured hit (res.Seq >= base), as sent at its
// scheduled time at and taking latency from then. It runs in the stream's
// consumer only, and res is not used after.
func (w *rawWriter) write(res *vegeta.Result, at time.Time, latency time.Duration) error {
	res.Attack = w.attack
	res.Seq -= w.base
	res.Timestamp = at
	res.Latency = latency
	res.Body = nil
	res.BytesIn = takeBytesIn(res.Headers)
	w.redact(res)
	if w.n == 0 || res.Seq < w.lo {
		w.lo = res.Seq
	}
	if w.n == 0 || res.Seq > w.hi {
		w.hi = res.Seq
	}
	w.n++
	return w.enc.Encode(res)
}

// redact hides the secrets of res. Its URL is the endpoint's, or, for an
// endpoint whose requests vary (a data file), the one it was sent to.
func (w *rawWriter) redact(res *vegeta.Result) {
	if w.url != "" {
		res.URL = w.url
	} else {
		res.URL = redact.URL(res.URL)
	}
	if res.Error != "" {
		if res.Error != w.lastErr {
			w.lastErr, w.lastRedacted = res.Error, redact.Text(res.Error)
		}
		res.Error = w.lastRedacted
	}
	var hidden http.Header
	for name, values := range res.Headers {
		secret, known := w.secret[name]
		if !known {
			secret = redact.IsSecretHeader(name)
			if len(w.secret) < maxHeaderNames {
				w.secret[name] = secret
			}
		}
		if !secret {
			continue
		}
		if hidden == nil {
			hidden = res.Headers.Clone()
		}
		hidden[name] = slices.Repeat([]string{redact.HeaderMask}, len(values))
	}
	if hidden != nil {
		res.Headers = hidden
	}
}

// commit renames the file into place. When its sequence numbers are not
// 0, 1, … n-1 (the closed model, whose warm-up ends at a hit known only
// now; an interrupted repetition, which lost the hits it had in flight),
// the file is rewritten with each number replaced by its rank, or removed
// if that fails.
func (w *rawWriter) commit() error {
	if err := w.f.Commit(); err != nil {
		return err
	}
	if w.n == 0 || w.lo == 0 && w.hi == w.n-1 {
		return nil
	}
	if err := renumberRaw(w.path, w.create, w.lo, w.hi); err != nil {
		os.Remove(w.path)
		return err
	}
	return nil
}

// renumberRaw rewrites the raw results file at path, whose sequence
// numbers are distinct and within lo..hi, numbering them 0, 1, … in the
// same order. It reads the file twice and holds one bit per number.
func renumberRaw(path string, create rawCreate, lo, hi uint64) error {
	present := make([]uint64, (hi-lo)/64+1)
	err := eachResult(path, func(r *vegeta.Result) error {
		i := r.Seq - lo
		present[i/64] |= 1 << (i % 64)
		return nil
	})
	if err != nil {
		return err
	}
	before := make([]uint64, len(present)) // numbers present below each word
	var sum uint64
	for i, word := range present {
		before[i] = sum
		sum += uint64(bits.OnesCount64(word))
	}
	f, err := create(path)
	if err != nil {
		return err
	}
	enc := vegeta.NewEncoder(f)
	err = eachResult(path, func(r *vegeta.Result) error {
		i := r.Seq - lo
		r.Seq = before[i/64] + uint64(bits.OnesCount64(present[i/64]&(1<<(i%64)-1)))
		return enc.Encode(r)
	})
	if err != nil {
		f.Abort()
		return err
	}
	return f.Commit()
}

// eachResult decodes the raw results file at path, calling fn on each.
func eachResult(path string, fn func(*vegeta.Result) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	dec := vegeta.NewDecoder(bufio.NewReader(f))
	for {
		var r vegeta.Result // gob leaves out zero fields: decode into a fresh one
		if err := dec.Decode(&r); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
}

// joinRaw writes raw/results.bin as the run finishes, when it writes raw
// results.
func (s *Session) joinRaw() error {
	if !s.opts.Raw {
		return nil
	}
	n, err := joinRaw(s.run, s.opts.createRaw)
	if err != nil {
		return fmt.Errorf("the raw results could not be joined into %s (%w): free space, or run without --raw", filepath.Join(rawFolder, rawRunFile), err)
	}
	if n == 0 && len(s.run.Repetitions) > 0 {
		s.p.note("no valid repetition has raw results, so raw/results.bin is not written; each repetition's are under raw/repetitions/")
	}
	return nil
}

// joinRaw writes raw/results.bin, the run as one vegeta stream: the raw
// results of every valid repetition whose files were all written (a
// repetition whose file was lost to a full disk is left out), repetition
// by repetition and endpoint by endpoint. It returns how many repetitions
// it holds; with none, no file is written.
func joinRaw(run *results.Run, create rawCreate) (joined int, err error) {
	if create == nil {
		create = createRawFile
	}
	var paths []string
	for _, rep := range run.Repetitions {
		if !rep.Valid() || len(rep.Endpoints) == 0 {
			continue
		}
		var files []string
		for _, e := range rep.Endpoints {
			path := rawRepPath(run.Dir, rep.Index, e.Name)
			if _, err := os.Stat(path); err != nil {
				files = nil
				break
			}
			files = append(files, path)
		}
		if files != nil {
			paths = append(paths, files...)
			joined++
		}
	}
	if joined == 0 {
		return 0, nil
	}
	f, err := create(filepath.Join(run.Dir, rawFolder, rawRunFile))
	if err != nil {
		return 0, err
	}
	defer f.Abort()
	defs := map[int64][]byte{}
	for _, path := range paths {
		if err := copyGobFile(f, path, defs); err != nil {
			return 0, err
		}
	}
	return joined, f.Commit()
}

func copyGobFile(w io.Writer, path string, defs map[int64][]byte) error {
	in, err := os.Open(path)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := copyGob(w, bufio.NewReader(in), defs); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

var errNotGob = errors.New("not a gob stream")

// copyGob appends the gob stream r to the stream w, leaving out the type
// definitions w has already had (defs, by type id): gob refuses a type
// defined twice, which is why cat of two streams fails. A gob stream is a
// sequence of messages, each its length and then its type id, negative for
// the definition of a type and positive for a value of it (see
// encoding/gob's documentation); values are copied as they are.
func copyGob(w io.Writer, r *bufio.Reader, defs map[int64][]byte) error {
	buf := make([]byte, 32<<10)
	var head [9]byte
	for {
		n, size, err := gobUint(r)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if n == 0 || n > maxGobMessage {
			return errNotGob
		}
		start, _ := r.Peek(int(min(n, 9)))
		id, ok := gobInt(start)
		if !ok {
			return errNotGob
		}
		putGobUint(head[:size], n)
		if id >= 0 {
			if _, err := w.Write(head[:size]); err != nil {
				return err
			}
			if copied, err := io.CopyBuffer(w, io.LimitReader(r, int64(n)), buf); err != nil {
				return err
			} else if copied < int64(n) {
				return io.ErrUnexpectedEOF
			}
			continue
		}
		if n > maxGobTypeDef {
			return errNotGob
		}
		def := make([]byte, size+int(n))
		copy(def, head[:size])
		if _, err := io.ReadFull(r, def[size:]); err != nil {
			return unexpected(err)
		}
		if prev, sent := defs[id]; sent {
			if !bytes.Equal(prev, def) {
				return fmt.Errorf("type %d is defined differently from the files before", -id)
			}
			continue
		}
		defs[id] = def
		if _, err := w.Write(def); err != nil {
			return err
		}
	}
}

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// gobUint reads an unsigned integer as gob encodes it: below 128 one byte,
// otherwise the negated count of the big-endian bytes that follow. size
// is how many bytes it took.
func gobUint(r *bufio.Reader) (x uint64, size int, err error) {
	b, err := r.ReadByte()
	if err != nil {
		return 0, 0, err
	}
	if b < 0x80 {
		return uint64(b), 1, nil
	}
	k := -int(int8(b))
	if k < 1 || k > 8 {
		return 0, 0, errNotGob
	}
	for range k {
		c, err := r.ReadByte()
		if err != nil {
			return 0, 0, unexpected(err)
		}
		x = x<<8 | uint64(c)
	}
	return x, 1 + k, nil
}

// putGobUint writes x into b, which is as long as gob's encoding of x.
func putGobUint(b []byte, x uint64) {
	if len(b) == 1 {
		b[0] = byte(x)
		return
	}
	b[0] = byte(-int8(len(b) - 1))
	for i := len(b) - 1; i > 0; i-- {
		b[i] = byte(x)
		x >>= 8
	}
}

// gobInt decodes the signed integer at the start of b: a gob unsigned
// integer whose low bit is the sign.
func gobInt(b []byte) (int64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	u := uint64(b[0])
	if b[0] >= 0x80 {
		k := -int(int8(b[0]))
		if k < 1 || k > 8 || len(b) < 1+k {
			return 0, false
		}
		u = 0
		for _, c := range b[1 : 1+k] {
			u = u<<8 | uint64(c)
		}
	}
	if u&1 != 0 {
		return ^int64(u >> 1), true
	}
	return int64(u >> 1), true
}

// bytesInKey carries the size of a response's body from the body, which
// counts it, to the stream's consumer, in the response's header map, which
// vegeta hands on as Result.Headers. No server can send it: a header name
// never begins with a colon.
const bytesInKey = ":hotbench-bytes-in"

// bytesInTransport counts the bytes of each response body as it is read,
// as vegeta counts them (Result.BytesIn) but without keeping the body.
type bytesInTransport struct{ rt http.RoundTripper }

func (t bytesInTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.rt.RoundTrip(req)
	if err == nil && resp.Body != nil && resp.Header != nil {
		resp.Body = &countingBody{ReadCloser: resp.Body, h: resp.Header}
	}
	return resp, err
}

// countingBody counts what is read and, when vegeta closes it (after
// reading it to its end and before handing on the result), records the
// count in the response's header.
type countingBody struct {
	io.ReadCloser
	h      http.Header
	n      uint64
	closed bool
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += uint64(n)
	return n, err
}

func (b *countingBody) Close() error {
	if !b.closed {
		b.closed = true
		b.h[bytesInKey] = []string{strconv.FormatUint(b.n, 10)}
	}
	return b.ReadCloser.Close()
}

// takeBytesIn removes the body's size from h and returns it: 0 when the
// body was not read to its end (vegeta then hands on no headers).
func takeBytesIn(h http.Header) uint64 {
	v, ok := h[bytesInKey]
	if !ok {
		return 0
	}
	delete(h, bytesInKey)
	if len(v) != 1 {
		return 0
	}
	n, _ := strconv.ParseUint(v[0], 10, 64)
	return n
}
