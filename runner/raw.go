package runner

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/hotbench/hotbench/internal/redact"
	"github.com/hotbench/hotbench/internal/safefile"
)

// rawFile is where one endpoint's raw results of one repetition go: a
// safefile.File, which writes an unpredictable temporary file beside the
// target and renames it into place on Commit (issue 9 items 1 and 10).
type rawFile interface {
	io.Writer
	Commit() error
	Abort() error
}

// rawWriter writes raw results in vegeta's format, without bodies, with the
// secrets of their URL, error and response headers redacted, as run.json
// has them.
type rawWriter struct {
	f   rawFile
	enc vegeta.Encoder
	url string // the target URL, redacted once
	// The last error message and its redaction: a failing endpoint repeats
	// one message.
	lastErr, lastRedacted string
	// secret caches IsSecretHeader for response header names, up to
	// maxHeaderNames of them (a server chooses its header names).
	secret map[string]bool
}

const maxHeaderNames = 64

func newRawWriter(f rawFile, redactedURL string) *rawWriter {
	return &rawWriter{f: f, enc: vegeta.NewEncoder(f), url: redactedURL, secret: map[string]bool{}}
}

// write encodes res as timed from the given time for latency; it runs in
// the stream's consumer only, and res is not used after.
func (w *rawWriter) write(res *vegeta.Result, from time.Time, latency time.Duration) error {
	res.Timestamp = from
	res.Latency = latency
	res.Body = nil
	w.redact(res)
	return w.enc.Encode(res)
}

// redact hides the secrets of res.
func (w *rawWriter) redact(res *vegeta.Result) {
	res.URL = w.url
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

// createRaw creates raw/rep-NN-ENDPOINT.bin in the run folder, a regular
// file only (a planted link or FIFO is refused).
func createRaw(dir string, index int, endpoint string, create func(string) (rawFile, error)) (rawFile, error) {
	rawDir := filepath.Join(dir, "raw")
	if err := os.MkdirAll(rawDir, 0o755); err != nil {
		return nil, fmt.Errorf("create raw results folder: %w", err)
	}
	path := filepath.Join(rawDir, fmt.Sprintf("rep-%02d-%s.bin", index, endpoint))
	if create == nil {
		create = func(path string) (rawFile, error) { return safefile.Create(path, safefile.RegularOnly()) }
	}
	f, err := create(path)
	if err != nil {
		return nil, fmt.Errorf("create raw results file: %w", err)
	}
	return f, nil
}
