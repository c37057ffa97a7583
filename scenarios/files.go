package scenarios

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// A body_file is read when the scenario loads, under rules that keep a
// scenario from reaching files it has no business with (issue 9): the path
// is relative to the scenario file's folder and, once symbolic links are
// resolved, must stay inside it unless the scenario sets
// allow_outside_files: true; only ordinary files are read (no folders,
// FIFOs, devices, sockets, or /proc files whose size lies), at most
// MaxBodySize bytes. run.json keeps the body's SHA-256 digest, not the
// body.

// bodyReader reads the file named rel by the rules of payload files: a
// body_file, or another key's file (data, targets) as opt says.
type bodyReader func(rel string, opt readOpt) ([]byte, error)

// readOpt says how a payload file is read: outside allows a path that
// leaves the scenario's folder; key names the scenario key in messages
// ("" is body_file); limit bounds the size (0 is MaxBodySize).
type readOpt struct {
	outside bool
	key     string
	limit   int64
	// consume, when set, reads the file as it streams in, instead of the
	// reader returning its bytes (a data file of a million rows is
	// parsed, not held). The file's checks are the same.
	consume func(r io.Reader) error
}

func (o readOpt) keyName() string {
	if o.key == "" {
		return "body_file"
	}
	return o.key
}

func (o readOpt) maxSize() int64 {
	if o.limit <= 0 {
		return MaxBodySize
	}
	return o.limit
}

// file is a file to read: stat looks before anything is opened, so a FIFO
// is refused instead of waited on.
type file struct {
	name string
	stat func() (fs.FileInfo, error)
	open func() (io.ReadCloser, fs.FileInfo, error)
}

func osFile(p string) file {
	return file{
		name: p,
		stat: func() (fs.FileInfo, error) { return os.Stat(p) },
		open: func() (io.ReadCloser, fs.FileInfo, error) {
			f, err := openFile(p)
			if err != nil {
				return nil, nil, err
			}
			st, err := f.Stat()
			return f, st, err
		},
	}
}

func fsFile(fsys fs.FS, name string) file {
	return file{
		name: name,
		stat: func() (fs.FileInfo, error) { return fs.Stat(fsys, name) },
		open: func() (io.ReadCloser, fs.FileInfo, error) {
			f, err := fsys.Open(name)
			if err != nil {
				return nil, nil, err
			}
			st, err := f.Stat()
			return f, st, err
		},
	}
}

// readStater is an open file.
type readStater interface {
	io.ReadCloser
	Stat() (fs.FileInfo, error)
}

// errNotOrdinary is the error of a file that is not an ordinary file.
var errNotOrdinary = errors.New("not a regular file")

// readFile reads an ordinary file of at most limit bytes. It refuses a
// folder, FIFO, device or socket before opening it, and a file whose
// content is not the size its metadata gives (a /proc or /sys file, or one
// written to while read).
func readFile(f file, limit int64) ([]byte, error) {
	st, err := f.stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%q is %s, %w", f.name, kindOf(st.Mode()), errNotOrdinary)
	}
	r, st2, err := f.open()
	if r != nil {
		defer r.Close()
	}
	if err != nil {
		return nil, err
	}
	if !st2.Mode().IsRegular() {
		return nil, fmt.Errorf("%q is %s, %w", f.name, kindOf(st2.Mode()), errNotOrdinary)
	}
	if st2.Size() > limit {
		return nil, fmt.Errorf("%q is larger than %d MiB, the most hotbench reads", f.name, limit>>20)
	}
	// Sized from the metadata, so a large data file is read without the
	// copies of a growing buffer; a file that lies about its size is
	// refused below.
	buf := bytes.NewBuffer(make([]byte, 0, st2.Size()+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(r, limit+1)); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%q is larger than %d MiB, the most hotbench reads", f.name, limit>>20)
	}
	if int64(len(data)) != st2.Size() {
		return nil, fmt.Errorf("%q is %w: it holds %d bytes but its size says %d (a /proc or /sys file, or one being written)", f.name, errNotOrdinary, len(data), st2.Size())
	}
	return data, nil
}

// streamFile is readFile for a file consumed as it is read: consume gets
// the contents, at most limit bytes, and the file must hold as many bytes
// as its size says once consume has read to its end.
func streamFile(f file, limit int64, consume func(io.Reader) error) error {
	st, err := f.stat()
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%q is %s, %w", f.name, kindOf(st.Mode()), errNotOrdinary)
	}
	r, st2, err := f.open()
	if r != nil {
		defer r.Close()
	}
	if err != nil {
		return err
	}
	if !st2.Mode().IsRegular() {
		return fmt.Errorf("%q is %s, %w", f.name, kindOf(st2.Mode()), errNotOrdinary)
	}
	if st2.Size() > limit {
		return fmt.Errorf("%q is larger than %d MiB, the most hotbench reads", f.name, limit>>20)
	}
	cr := &countingReader{r: io.LimitReader(r, limit+1)}
	if err := consume(cr); err != nil {
		return err
	}
	if cr.eof && cr.n != st2.Size() {
		return fmt.Errorf("%q is %w: it holds %d bytes but its size says %d (a /proc or /sys file, or one being written)", f.name, errNotOrdinary, cr.n, st2.Size())
	}
	return nil
}

// countingReader counts what it reads, and whether it read to the end.
type countingReader struct {
	r   io.Reader
	n   int64
	eof bool
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err == io.EOF {
		c.eof = true
	}
	return n, err
}

// kindOf names a file mode's kind for messages.
func kindOf(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		return "a device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "not an ordinary file"
}

// outsideHint ends every message about a path that leaves the folder.
const outsideHint = "keep payloads beside the scenario, or set allow_outside_files: true"

// osBodies reads body_file paths relative to dir on disk.
func osBodies(dir string) bodyReader {
	return func(rel string, opt readOpt) ([]byte, error) {
		p := rel
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			return nil, bodyError(rel, opt, err)
		}
		f := osFile(real)
		f.name = rel // messages name the path as written
		if !opt.outside {
			realDir, err := filepath.EvalSymlinks(dir)
			if err != nil {
				return nil, fmt.Errorf("cannot resolve the scenario's folder %q: %v", dir, err)
			}
			if !within(realDir, real, filepath.Rel) {
				if filepath.Clean(p) != real && within(realDir, filepath.Clean(p), filepath.Rel) {
					return nil, fmt.Errorf("%q is a symbolic link out of the scenario's folder (to %q): %s", rel, real, outsideHint)
				}
				return nil, fmt.Errorf("%q is outside the scenario's folder: %s", rel, outsideHint)
			}
		}
		if opt.consume != nil {
			if err := streamFile(f, opt.maxSize(), opt.consume); err != nil {
				return nil, bodyError(rel, opt, err)
			}
			return nil, nil
		}
		data, err := readFile(f, opt.maxSize())
		if err != nil {
			return nil, bodyError(rel, opt, err)
		}
		return data, nil
	}
}

// fsBodies reads body_file paths relative to dir inside fsys. A path never
// leaves fsys, and, unless outside allows it, neither dir nor a symbolic
// link (which os.DirFS would follow anywhere).
func fsBodies(fsys fs.FS, dir string) bodyReader {
	return func(rel string, opt readOpt) ([]byte, error) {
		if path.IsAbs(rel) || filepath.IsAbs(rel) {
			return nil, fmt.Errorf("%q is absolute: write a path relative to the scenario's folder", rel)
		}
		p := path.Join(dir, filepath.ToSlash(rel))
		if !fs.ValidPath(p) {
			return nil, fmt.Errorf("%q leaves the scenario's file system: keep payloads beside the scenario", rel)
		}
		if !opt.outside {
			if !within(dir, p, slashRel) {
				return nil, fmt.Errorf("%q is outside the scenario's folder: %s", rel, outsideHint)
			}
			// Each element of the path, from the top: a link anywhere on
			// the way could lead out.
			for i := range p {
				if p[i] != '/' && i != len(p)-1 {
					continue
				}
				prefix := p
				if p[i] == '/' {
					prefix = p[:i]
				}
				if st, err := fs.Lstat(fsys, prefix); err == nil && st.Mode()&fs.ModeSymlink != 0 {
					return nil, fmt.Errorf("%q goes through the symbolic link %q, which could lead out of the scenario's folder: %s", rel, prefix, outsideHint)
				}
			}
		}
		f := fsFile(fsys, p)
		f.name = rel
		if opt.consume != nil {
			if err := streamFile(f, opt.maxSize(), opt.consume); err != nil {
				return nil, bodyError(rel, opt, err)
			}
			return nil, nil
		}
		data, err := readFile(f, opt.maxSize())
		if err != nil {
			return nil, bodyError(rel, opt, err)
		}
		return data, nil
	}
}

// bodyError says what went wrong reading a body_file (or the file of
// opt's key), one line.
func bodyError(rel string, opt readOpt, err error) error {
	var pe *fs.PathError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%q does not exist: %s is relative to the scenario's folder", rel, opt.keyName())
	case errors.Is(err, errNotOrdinary):
		return fmt.Errorf("%v; %s must name an ordinary file", err, opt.keyName())
	case errors.As(err, &pe):
		return fmt.Errorf("cannot read %q: %v", rel, pe.Err)
	}
	return err
}

// within reports whether p is dir or inside it, by rel (filepath.Rel for
// the file system, slashRel inside an fs.FS).
func within(dir, p string, rel func(string, string) (string, error)) bool {
	r, err := rel(dir, p)
	if err != nil {
		return false
	}
	r = filepath.ToSlash(r)
	return r != ".." && !strings.HasPrefix(r, "../") && !path.IsAbs(r)
}

// slashRel is filepath.Rel for the slash-separated, rooted-nowhere paths of
// an fs.FS.
func slashRel(dir, p string) (string, error) {
	if dir == "." {
		return p, nil
	}
	if p == dir {
		return ".", nil
	}
	if rest, ok := strings.CutPrefix(p, dir+"/"); ok {
		return rest, nil
	}
	return "..", nil
}

// bodyDigest is the hex SHA-256 of a body, as run.json stores it.
func bodyDigest(body string) string {
	sum := sha256.Sum256([]byte(body))
	return hex.EncodeToString(sum[:])
}

// MarshalJSON writes the endpoint as run.json stores it: a body read from
// body_file is left out and its digest, body_sha256, written instead, so
// results never carry a payload file's bytes, and the scenario's Hash
// still changes when the file does. An inline body is written as is.
func (e Endpoint) MarshalJSON() ([]byte, error) {
	type plain Endpoint // without this method
	p := plain(e)
	if e.BodyFile != "" {
		if e.Body != "" || p.BodySHA256 == "" {
			// The body in memory is what is sent: its digest wins over a
			// stale one.
			p.BodySHA256 = bodyDigest(e.Body)
		}
		p.Body = ""
	} else {
		p.BodySHA256 = ""
	}
	return json.Marshal(p)
}
