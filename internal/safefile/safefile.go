package safefile

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unicode/utf8"
)

// Errors that say why a target was refused; test them with errors.Is. Both
// are the user's to fix (a usage error), not a fault of the machine.
var (
	// ErrFolder: the path names a folder (or ends with a separator).
	ErrFolder = errors.New("names a folder")
	// ErrRefused: the target is neither a file that can be replaced nor one
	// that can be streamed into (a dangling link, a socket, a block device,
	// a link where only a regular file will do, "-" without a standard
	// output), or it changed while it was being written.
	ErrRefused = errors.New("refused")
)

// An Option changes how Create, Write and WriteFile treat their target.
type Option func(*options)

type options struct {
	stdout      io.Writer
	perm        fs.FileMode
	noReplace   bool
	regularOnly bool
}

// Stdout makes "-" name w, for commands whose --out may be "-". Without it
// "-" is refused: the package never writes to os.Stdout on its own.
func Stdout(w io.Writer) Option { return func(o *options) { o.stdout = w } }

// Perm sets the permissions of a new file, before the umask (default 0644).
// A replaced file keeps its own.
func Perm(perm fs.FileMode) Option { return func(o *options) { o.perm = perm.Perm() } }

// NoReplace publishes the file only if nothing exists at its path, even when
// another process creates it at the same moment; otherwise Create or Commit
// fail with an error satisfying errors.Is(err, fs.ErrExist).
func NoReplace() Option { return func(o *options) { o.noReplace = true } }

// RegularOnly refuses every target but a regular file or nothing: no link is
// followed, nothing is streamed into. It is for files a program keeps for
// itself (a results store), where a link or a device can only be planted.
func RegularOnly() Option { return func(o *options) { o.regularOnly = true } }

// File is a file being written. Bytes written to a new or regular target go
// to a temporary file beside it, which Commit renames over the target and
// Abort removes; bytes written to "-", a FIFO, a character device or an open
// descriptor are streamed to it (buffered until Commit), and Abort cannot
// take them back. Calling Abort after Commit does nothing, so
//
//	f, err := safefile.Create(path)
//	if err != nil { return err }
//	defer f.Abort()
//	… write to f …
//	return f.Commit()
//
// leaves no temporary file on any path out.
type File struct {
	path    string // as given, for messages
	target  string // the name replaced: path, or the file its link points at
	tmp     *os.File
	tmpName string
	out     *os.File // a streamed target this package opened
	w       *bufio.Writer
	o       options
	done    bool
	removed bool // by RemoveUnfinished; guarded by unfinished
}

// unfinished holds the Files whose temporary file exists: created, neither
// committed nor aborted.
var unfinished = struct {
	sync.Mutex
	files map[*File]bool
}{files: map[*File]bool{}}

// RemoveUnfinished removes the temporary file of every File of this process
// that is neither committed nor aborted, and makes their Commit fail: for a
// command abandoned on a signal, so it exits leaving no temporary file. A
// Commit that already renamed its file is not undone: each target holds its
// old content or its new one.
func RemoveUnfinished() {
	unfinished.Lock()
	defer unfinished.Unlock()
	for f := range unfinished.files {
		f.removed = true
		os.Remove(f.tmpName)
		delete(unfinished.files, f)
	}
}

// Create prepares to write path; see File, Write and the package
// documentation for what each kind of target gets.
func Create(path string, opts ...Option) (*File, error) {
	o := options{perm: 0o644}
	for _, opt := range opts {
		opt(&o)
	}
	switch {
	case path == "-":
		if o.stdout == nil || o.regularOnly {
			return nil, refused(ErrRefused, "'-' (standard output) cannot be written here: give a file name")
		}
		return &File{path: path, w: bufio.NewWriter(o.stdout), o: o}, nil
	case path == "":
		return nil, refused(ErrRefused, "no file name given")
	case strings.HasSuffix(path, "/") || strings.HasSuffix(path, string(filepath.Separator)):
		return nil, folderError(path)
	}
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return newTemp(path, path, nil, o)
	}
	if err != nil {
		return nil, wrap(path, err)
	}
	mode := fi.Mode()
	switch {
	case mode.IsDir():
		return nil, folderError(path)
	case o.noReplace:
		return nil, refused(fs.ErrExist, "%s exists already", path)
	case mode.IsRegular():
		if err := checkWritable(path); err != nil {
			return nil, wrap(path, err)
		}
		return newTemp(path, path, fi, o)
	case o.regularOnly:
		return nil, refused(ErrRefused, "%s is %s, not a regular file: remove it", path, describe(mode))
	case mode&fs.ModeSymlink != 0:
		return followLink(path, o)
	}
	return stream(path, fi, o)
}

// Write writes path with write and commits it if write returns nil; on any
// error nothing is replaced and no temporary file is left. write's own error
// is returned as it is.
func Write(path string, write func(io.Writer) error, opts ...Option) error {
	f, err := Create(path, opts...)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := write(f); err != nil {
		return err
	}
	return f.Commit()
}

// WriteFile is os.WriteFile made safe: Write with data and Perm(perm).
func WriteFile(path string, data []byte, perm fs.FileMode, opts ...Option) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}, append([]Option{Perm(perm)}, opts...)...)
}

// Write buffers p for the target.
func (f *File) Write(p []byte) (int, error) {
	if f.done {
		return 0, f.wrap(os.ErrClosed)
	}
	n, err := f.w.Write(p)
	if err != nil {
		return n, f.wrap(err)
	}
	return n, nil
}

// Commit makes what was written the target's content: it syncs the
// temporary file, renames it over the target (after checking the target is
// still a regular file or nothing) and syncs the folder; or it flushes and
// closes a streamed target. On error nothing is replaced and the temporary
// file is gone.
func (f *File) Commit() error {
	if f.done {
		return f.wrap(os.ErrClosed)
	}
	if err := f.w.Flush(); err != nil {
		f.Abort()
		return f.wrap(err)
	}
	if f.tmp == nil {
		f.done = true
		if f.out != nil {
			if err := f.out.Close(); err != nil {
				return f.wrap(err)
			}
		}
		return nil
	}
	if err := f.publish(); err != nil {
		f.Abort()
		return err
	}
	f.done = true
	return nil
}

func (f *File) publish() error {
	if err := f.tmp.Sync(); err != nil {
		return f.wrap(err)
	}
	if err := f.tmp.Close(); err != nil {
		return f.wrap(err)
	}
	// The name may have been replaced since Create: replace nothing but a
	// regular file (a rename never writes through a link, but it would
	// replace the link, the FIFO or the device itself).
	fi, err := os.Lstat(f.target)
	switch {
	case err == nil && fi.IsDir():
		return folderError(f.path)
	case err == nil && !fi.Mode().IsRegular():
		return refused(ErrRefused, "%s became %s while it was written: nothing was replaced", f.target, describe(fi.Mode()))
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return f.wrap(err)
	}
	if err := f.rename(); err != nil {
		return err
	}
	// Make the new name durable too, where the system can sync a folder.
	if d, err := os.Open(filepath.Dir(f.target)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// rename publishes the temporary file, unless RemoveUnfinished took it.
func (f *File) rename() error {
	unfinished.Lock()
	defer unfinished.Unlock()
	if f.removed {
		return f.wrap(errors.New("interrupted: the temporary file was removed"))
	}
	if f.o.noReplace {
		// A link fails if the name exists, whoever created it first.
		if err := os.Link(f.tmpName, f.target); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return refused(fs.ErrExist, "%s exists already", f.path)
			}
			return f.wrap(err)
		}
		os.Remove(f.tmpName)
	} else if err := os.Rename(f.tmpName, f.target); err != nil {
		return f.wrap(err)
	}
	delete(unfinished.files, f)
	return nil
}

// Abort discards what was written: the temporary file is removed and the
// target is untouched. After Commit it does nothing.
func (f *File) Abort() error {
	if f.done {
		return nil
	}
	f.done = true
	switch {
	case f.tmp != nil:
		f.tmp.Close()
		unfinished.Lock()
		delete(unfinished.files, f)
		removed := f.removed
		unfinished.Unlock()
		if removed {
			return nil
		}
		if err := os.Remove(f.tmpName); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return f.wrap(err)
		}
	case f.out != nil:
		f.out.Close()
	}
	return nil
}

func (f *File) wrap(err error) error {
	name := f.path
	if name == "-" {
		name = "standard output"
	}
	return wrap(name, err)
}

// wrap names path in err, dropping the path an os error already carries (it
// may be a temporary file's, which means nothing to the user).
func wrap(path string, err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		err = pe.Err
	case errors.As(err, &le):
		err = le.Err
	}
	return fmt.Errorf("write %s: %w", path, err)
}

// targetError is a one-line message that still satisfies errors.Is for its
// cause.
type targetError struct {
	msg string
	err error
}

func (e *targetError) Error() string { return e.msg }
func (e *targetError) Unwrap() error { return e.err }

func refused(cause error, format string, args ...any) error {
	return &targetError{fmt.Sprintf(format, args...), cause}
}

func folderError(path string) error {
	return refused(ErrFolder, "%s names a folder: give a file name", path)
}

// followLink decides what a link at path gets: its regular file is replaced
// in its own folder (the link stays), a FIFO, device or open descriptor is
// streamed into, anything else is refused.
func followLink(path string, o options) (*File, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		dest, _ := os.Readlink(path)
		return nil, refused(ErrRefused, "%s is a symbolic link to %s, which does not exist: write to that path, or remove the link", path, dest)
	}
	if err != nil {
		return nil, wrap(path, err)
	}
	if fi.IsDir() {
		return nil, folderError(path)
	}
	if !fi.Mode().IsRegular() || viaDescriptor(path) {
		return stream(path, fi, o)
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return nil, wrap(path, err)
	}
	rfi, err := os.Lstat(real)
	if err != nil || !rfi.Mode().IsRegular() || !os.SameFile(fi, rfi) {
		return nil, refused(ErrRefused, "%s changed while its link was followed: nothing was written; try again", path)
	}
	if err := checkWritable(real); err != nil {
		return nil, wrap(path, err)
	}
	return newTemp(path, real, rfi, o)
}

// viaDescriptor reports whether the links from path lead through an open
// descriptor (/proc/…/fd/N, /dev/fd/N, as /dev/stdout does). Such a path
// names whatever the descriptor has open, not a place in a folder: it is
// written into, even when the descriptor is a regular file.
func viaDescriptor(path string) bool {
	p := path
	for range 40 {
		abs := p
		if dir, err := filepath.EvalSymlinks(filepath.Dir(p)); err == nil {
			abs = filepath.Join(dir, filepath.Base(p))
		}
		if abs, err := filepath.Abs(abs); err == nil {
			for _, root := range []string{"/proc", "/dev/fd"} {
				if abs == root || strings.HasPrefix(abs, root+"/") {
					return true
				}
			}
		}
		dest, err := os.Readlink(p)
		if err != nil {
			return false
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(p), dest)
		}
		p = dest
	}
	return false
}

// stream opens a target that is written into rather than replaced.
func stream(path string, fi fs.FileInfo, o options) (*File, error) {
	mode := fi.Mode()
	if !mode.IsRegular() && mode&fs.ModeNamedPipe == 0 && mode&fs.ModeCharDevice == 0 {
		return nil, refused(ErrRefused, "%s is %s: only files, FIFOs and character devices can be written", path, describe(mode))
	}
	// Never O_TRUNC: a descriptor's file belongs to whoever opened it (a
	// shell's > truncated it already, >> wants it kept), and it means
	// nothing to a FIFO or a device.
	flag := os.O_WRONLY
	if mode.IsRegular() {
		flag |= os.O_APPEND
	}
	out, err := os.OpenFile(path, flag, 0)
	if err != nil {
		return nil, wrap(path, err)
	}
	if ofi, err := out.Stat(); err != nil || !os.SameFile(fi, ofi) {
		out.Close()
		return nil, refused(ErrRefused, "%s changed while it was opened: nothing was written; try again", path)
	}
	return &File{path: path, target: path, out: out, w: bufio.NewWriter(out), o: o}, nil
}

// newTemp creates the temporary file that will replace target (which
// exists, as existing, or not, when existing is nil).
func newTemp(path, target string, existing fs.FileInfo, o options) (*File, error) {
	dir := filepath.Dir(target)
	perm := o.perm
	if existing != nil {
		perm = existing.Mode().Perm()
	}
	// Registered as it is created, so RemoveUnfinished cannot miss it.
	unfinished.Lock()
	tmp, err := createTemp(dir, filepath.Base(target), perm)
	var f *File
	if err == nil {
		f = &File{path: path, target: target, tmp: tmp, tmpName: tmp.Name(), w: bufio.NewWriterSize(tmp, 64<<10), o: o}
		unfinished.files[f] = true
	}
	unfinished.Unlock()
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, refused(fs.ErrNotExist, "write %s: folder %s does not exist: create it first", path, dir)
		}
		return nil, wrap(path, err)
	}
	if existing != nil {
		keepOwner(tmp, existing)
		// The umask applied at creation; the file being replaced says better.
		if err := tmp.Chmod(perm); err != nil {
			f.Abort()
			return nil, wrap(path, err)
		}
	}
	return f, nil
}

// createTemp creates .BASE.RANDOM.tmp in dir with O_EXCL, so it is a new
// file and never one a link planted under that name points at, and with an
// unpredictable name, so no one can plant anything under it beforehand.
func createTemp(dir, base string, perm fs.FileMode) (*os.File, error) {
	// Keep the name under the usual 255-byte limit.
	for len(base) > 200 {
		_, size := utf8.DecodeLastRuneInString(base)
		base = base[:len(base)-size]
	}
	for range 100 {
		var b [8]byte
		rand.Read(b[:])
		name := filepath.Join(dir, "."+base+"."+hex.EncodeToString(b[:])+".tmp")
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, fmt.Errorf("no free temporary name in %s", dir)
}

func describe(mode fs.FileMode) string {
	switch {
	case mode.IsDir():
		return "a folder"
	case mode&fs.ModeSymlink != 0:
		return "a symbolic link"
	case mode&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case mode&fs.ModeSocket != 0:
		return "a socket"
	case mode&fs.ModeCharDevice != 0:
		return "a character device"
	case mode&fs.ModeDevice != 0:
		return "a block device"
	case mode.IsRegular():
		return "a regular file"
	}
	return "an irregular file"
}
