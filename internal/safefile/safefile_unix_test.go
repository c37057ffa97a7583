//go:build unix

package safefile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The old writer turned /dev/full into a 188 KB regular file.
func TestDevFullStaysADeviceAndTheErrorIsReturned(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full here")
	}
	err := Write("/dev/full", writeString(strings.Repeat("report ", 30000)))
	if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "write /dev/full: ") {
		t.Errorf("error %v, want no space left on /dev/full", err)
	}
	if fi, err := os.Lstat("/dev/full"); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
		t.Fatalf("/dev/full is no longer a character device: %v %v", fi.Mode(), err)
	}
}

func TestACharacterDeviceIsWrittenInto(t *testing.T) {
	if _, err := os.Stat("/dev/null"); err != nil {
		t.Skip("no /dev/null here")
	}
	if err := Write("/dev/null", writeString("discarded")); err != nil {
		t.Error(err)
	}
	if fi, err := os.Lstat("/dev/null"); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
		t.Errorf("/dev/null is now %v", fi.Mode())
	}
}

func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := unix.Mkfifo(path, 0o600); err != nil {
		t.Skipf("no FIFO: %v", err)
	}
}

// readAll reads path (a FIFO) in the background.
func readAll(path string) <-chan string {
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(path)
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(f)
		f.Close() // before the next writer opens the FIFO, which a reader still here would let through
		got <- string(b)
	}()
	return got
}

func receive(t *testing.T, got <-chan string) string {
	t.Helper()
	select {
	case s := <-got:
		return s
	case <-time.After(10 * time.Second):
		t.Fatal("the FIFO's reader got nothing in 10s")
		return ""
	}
}

func TestAFIFOIsStreamedIntoAndStaysAFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "out.fifo")
	mkfifo(t, fifo)
	got := readAll(fifo)
	want := strings.Repeat("line\n", 50000) // more than a pipe holds
	if err := Write(fifo, writeString(want)); err != nil {
		t.Fatal(err)
	}
	if s := receive(t, got); s != want {
		t.Errorf("the reader got %d bytes, want %d", len(s), len(want))
	}
	if fi, _ := os.Lstat(fifo); fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("out.fifo is now %v", fi.Mode())
	}
	wantNames(t, dir, "out.fifo")

	t.Run("through a link too", func(t *testing.T) {
		link := filepath.Join(dir, "link")
		os.Symlink("out.fifo", link)
		got := readAll(fifo)
		if err := Write(link, writeString("via link")); err != nil {
			t.Fatal(err)
		}
		if s := receive(t, got); s != "via link" {
			t.Errorf("the reader got %q", s)
		}
		if fi, _ := os.Lstat(link); fi.Mode()&fs.ModeSymlink == 0 {
			t.Errorf("the link is now %v", fi.Mode())
		}
	})
}

// A link to /proc/self/fd/N (or that path itself, or /dev/stdout) names an
// open descriptor: it is written into, never replaced.
func TestALinkToADescriptorIsWrittenIntoAndKept(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc/self/fd is Linux's")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	fd := fmt.Sprintf("/proc/self/fd/%d", w.Fd())
	dir := t.TempDir()
	link := filepath.Join(dir, "out.html")
	os.Symlink(fd, link)
	for _, path := range []string{link, fd} {
		if err := Write(path, writeString("through "+path+"\n")); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		buf := make([]byte, 4096)
		n, _ := r.Read(buf)
		if got := string(buf[:n]); got != "through "+path+"\n" {
			t.Errorf("the pipe got %q", got)
		}
	}
	if fi, _ := os.Lstat(link); fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link is now %v", fi.Mode())
	}
	wantNames(t, dir, "out.html")

	t.Run("a descriptor on a regular file is appended to, not replaced", func(t *testing.T) {
		f, err := os.CreateTemp(t.TempDir(), "stdout")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		io.WriteString(f, "already written\n")
		path := fmt.Sprintf("/proc/self/fd/%d", f.Fd())
		if err := Write(path, writeString("report\n")); err != nil {
			t.Fatal(err)
		}
		wantContent(t, f.Name(), "already written\nreport\n")
		wantNames(t, filepath.Dir(f.Name()), filepath.Base(f.Name()))
	})
}

func TestASocketIsRefused(t *testing.T) {
	dir, err := os.MkdirTemp("", "sock") // short: socket paths are limited
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "s")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Skip(err)
	}
	defer l.Close()
	err = WriteFile(path, []byte("x"), 0o644)
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "is a socket") {
		t.Errorf("error %v", err)
	}
	if fi, _ := os.Lstat(path); fi.Mode()&fs.ModeSocket == 0 {
		t.Errorf("the socket is now %v", fi.Mode())
	}
}

func TestRegularOnlyRefusesFIFOs(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "run.json")
	mkfifo(t, fifo)
	err := WriteFile(fifo, []byte("{}"), 0o644, RegularOnly())
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "is a FIFO, not a regular file") {
		t.Errorf("error %v", err)
	}
}

func TestALockFileThatIsALinkIsRefused(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "victim")
	os.WriteFile(victim, []byte("precious"), 0o644)
	path := filepath.Join(dir, ".lock")
	os.Symlink(victim, path)
	if _, err := LockFile(context.Background(), path); !errors.Is(err, ErrRefused) {
		t.Errorf("error %v, want ErrRefused", err)
	}
	wantContent(t, victim, "precious")
}
