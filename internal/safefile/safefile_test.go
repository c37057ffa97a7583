package safefile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// names lists a folder, to check that nothing was left behind.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func wantNames(t *testing.T, dir string, want ...string) {
	t.Helper()
	if got := names(t, dir); !slices.Equal(got, want) {
		t.Errorf("%s holds %q, want %q", dir, got, want)
	}
}

func wantContent(t *testing.T, path, want string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s holds %q, want %q", path, got, want)
	}
}

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	}
}

func TestWriteNewFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "report.html")
	if err := Write(out, writeString("<html>")); err != nil {
		t.Fatal(err)
	}
	wantContent(t, out, "<html>")
	wantNames(t, dir, "report.html")
	fi, _ := os.Stat(out)
	if perm := fi.Mode().Perm(); perm&^0o644 != 0 || perm&0o600 != 0o600 {
		t.Errorf("a new file has mode %v, want 0644 less the umask", perm)
	}

	t.Run("Perm sets a new file's mode", func(t *testing.T) {
		p := filepath.Join(dir, "secret")
		if err := WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
			t.Errorf("mode %v, want 0600", fi.Mode().Perm())
		}
	})
}

func TestWriteReplacesARegularFileKeepingItsMode(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.md")
	os.WriteFile(out, []byte("old, longer than the new"), 0o640)
	os.Chmod(out, 0o640)
	if err := WriteFile(out, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	wantContent(t, out, "new")
	wantNames(t, dir, "out.md")
	if fi, _ := os.Lstat(out); !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want a regular file with the old mode 0640", fi.Mode())
	}
}

func TestWriteToDashGoesToTheGivenStdout(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	var buf bytes.Buffer
	if err := Write("-", writeString("to stdout"), Stdout(&buf)); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "to stdout" {
		t.Errorf("stdout got %q", buf.String())
	}
	t.Run("without a standard output '-' is refused, not a file name", func(t *testing.T) {
		err := Write("-", writeString("x"))
		if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "standard output") {
			t.Errorf("error %v, want ErrRefused naming standard output", err)
		}
	})
	wantNames(t, dir)
}

func TestInterruptedWriteLeavesNoTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.html")
	os.WriteFile(out, []byte("old"), 0o644)
	stop := errors.New("interrupted")
	err := Write(out, func(w io.Writer) error {
		w.Write(bytes.Repeat([]byte("x"), 200<<10)) // past the buffer: the temporary file has bytes
		if got := len(names(t, dir)); got != 2 {
			t.Errorf("while writing the folder holds %d names, want the target and one temporary file", got)
		}
		return stop
	})
	if err != stop {
		t.Errorf("error %v, want the write function's own", err)
	}
	wantContent(t, out, "old")
	wantNames(t, dir, "out.html")

	t.Run("and so does an abort", func(t *testing.T) {
		f, err := Create(filepath.Join(dir, "new.html"))
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(f, "half")
		f.Abort()
		wantNames(t, dir, "out.html")
		if _, err := f.Write([]byte("more")); !errors.Is(err, os.ErrClosed) {
			t.Errorf("write after abort: %v", err)
		}
		if err := f.Commit(); !errors.Is(err, os.ErrClosed) {
			t.Errorf("commit after abort: %v", err)
		}
	})
	t.Run("abort after commit does nothing", func(t *testing.T) {
		f, _ := Create(out)
		io.WriteString(f, "committed")
		if err := f.Commit(); err != nil {
			t.Fatal(err)
		}
		if err := f.Abort(); err != nil {
			t.Error(err)
		}
		wantContent(t, out, "committed")
	})
}

func TestAFolderIsRefusedAndNothingIsLeftBehind(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "reports"), 0o755)
	os.Symlink("reports", filepath.Join(dir, "link-to-folder"))
	for _, path := range []string{
		filepath.Join(dir, "reports"),
		filepath.Join(dir, "link-to-folder"),
		filepath.Join(dir, "new-folder") + "/",
		dir,
	} {
		err := WriteFile(path, []byte("x"), 0o644)
		if !errors.Is(err, ErrFolder) || !strings.Contains(err.Error(), "names a folder: give a file name") {
			t.Errorf("%s: error %v, want ErrFolder", path, err)
		}
	}
	wantNames(t, dir, "link-to-folder", "reports")
	wantNames(t, filepath.Join(dir, "reports"))
}

func TestAMissingParentFolderIsAnError(t *testing.T) {
	dir := t.TempDir()
	err := WriteFile(filepath.Join(dir, "no", "such", "out.html"), []byte("x"), 0o644)
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "does not exist: create it first") {
		t.Errorf("error %v", err)
	}
	wantNames(t, dir)
}

func TestASymlinkToARegularFileIsFollowedAndKept(t *testing.T) {
	dir := t.TempDir()
	elsewhere := t.TempDir()
	real := filepath.Join(elsewhere, "real.html")
	os.WriteFile(real, []byte("old"), 0o600)
	link := filepath.Join(dir, "out.html")
	os.Symlink(real, link)
	if err := WriteFile(link, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", fi.Mode(), err)
	}
	wantContent(t, real, "new")
	if fi, _ := os.Stat(real); fi.Mode().Perm() != 0o600 {
		t.Errorf("the file the link points at has mode %v, want its old 0600", fi.Mode().Perm())
	}
	wantNames(t, dir, "out.html")
	wantNames(t, elsewhere, "real.html")
}

func TestADanglingSymlinkIsRefused(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "out.html")
	os.Symlink(filepath.Join(dir, "nowhere", "x"), link)
	err := WriteFile(link, []byte("x"), 0o644)
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "which does not exist") {
		t.Errorf("error %v", err)
	}
	wantNames(t, dir, "out.html")
}

// The old writer wrote OUT.tmp and renamed it: a link planted under that
// name made it write into the file the link pointed at.
func TestAPlantedTemporaryLinkIsNeverWrittenThrough(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "victim")
	os.WriteFile(victim, []byte("precious"), 0o644)
	out := filepath.Join(dir, "out.html")
	for _, name := range []string{"out.html.tmp", ".out.html.tmp", ".out.html.0000000000000000.tmp"} {
		os.Symlink(victim, filepath.Join(dir, name))
	}
	if err := WriteFile(out, []byte("report"), 0o644); err != nil {
		t.Fatal(err)
	}
	wantContent(t, victim, "precious")
	wantContent(t, out, "report")
	for _, name := range []string{"out.html.tmp", ".out.html.tmp"} {
		if fi, err := os.Lstat(filepath.Join(dir, name)); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			t.Errorf("%s is no longer the planted link", name)
		}
	}
}

func TestRegularOnlyRefusesLinks(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "victim")
	os.WriteFile(victim, []byte("precious"), 0o644)
	link := filepath.Join(dir, "baselines.json")
	os.Symlink(victim, link)
	err := WriteFile(link, []byte("{}"), 0o644, RegularOnly())
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "is a symbolic link, not a regular file: remove it") {
		t.Errorf("error %v", err)
	}
	wantContent(t, victim, "precious")
	if err := Write("-", writeString("x"), Stdout(io.Discard), RegularOnly()); !errors.Is(err, ErrRefused) {
		t.Errorf("'-' with RegularOnly: %v", err)
	}
}

func TestNoReplace(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "verdict.json")
	if err := WriteFile(out, []byte("first"), 0o644, NoReplace()); err != nil {
		t.Fatal(err)
	}
	err := WriteFile(out, []byte("second"), 0o644, NoReplace())
	if !errors.Is(err, fs.ErrExist) {
		t.Errorf("error %v, want fs.ErrExist", err)
	}
	wantContent(t, out, "first")

	t.Run("of writers racing for one name exactly one wins", func(t *testing.T) {
		race := filepath.Join(dir, "race.json")
		var wg sync.WaitGroup
		errs := make([]error, 20)
		for i := range errs {
			wg.Go(func() { errs[i] = WriteFile(race, []byte(fmt.Sprint(i)), 0o644, NoReplace()) })
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, fs.ErrExist):
				t.Error(err)
			}
		}
		if won != 1 {
			t.Errorf("%d writers won, want 1", won)
		}
		wantNames(t, dir, "race.json", "verdict.json")
	})
}

func TestAReadOnlyFileIsNotReplaced(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root may write any file")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "out.html")
	os.WriteFile(out, []byte("keep"), 0o444)
	if err := WriteFile(out, []byte("x"), 0o644); !errors.Is(err, fs.ErrPermission) {
		t.Errorf("error %v, want permission denied", err)
	}
	wantContent(t, out, "keep")
	wantNames(t, dir, "out.html")
}

func TestALongNameStillGetsATemporaryFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, strings.Repeat("é", 120)+".html") // 245 bytes
	if err := WriteFile(out, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	wantContent(t, out, "x")
}

// A writer killed at any moment leaves the old file or the new one, never a
// torn one. The child process rewrites the file until it is killed.
func TestAKilledWriterLeavesTheOldOrTheNewFile(t *testing.T) {
	const size = 256 << 10
	if path := os.Getenv("SAFEFILE_TEST_KILLED_WRITER"); path != "" {
		for i := 0; ; i++ {
			if err := WriteFile(path, bytes.Repeat([]byte{byte('a' + i%26)}, size), 0o644); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
	}
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	os.WriteFile(out, bytes.Repeat([]byte{'z'}, size), 0o644)
	for round := range 5 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestAKilledWriterLeavesTheOldOrTheNewFile$")
		cmd.Env = append(os.Environ(), "SAFEFILE_TEST_KILLED_WRITER="+out)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(50+round*37) * time.Millisecond)
		cmd.Process.Kill()
		cmd.Wait()
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if len(data) != size || bytes.Count(data, data[:1]) != size {
			t.Fatalf("round %d: the file is torn: %d bytes, starting %q", round, len(data), data[:min(len(data), 8)])
		}
	}
	// A kill between creating and renaming may leave a hidden temporary
	// file, never a visible one.
	for _, name := range names(t, dir) {
		if name != "out" && !(strings.HasPrefix(name, ".out.") && strings.HasSuffix(name, ".tmp")) {
			t.Errorf("unexpected file %s", name)
		}
	}
}

// A command abandoned on a signal calls RemoveUnfinished before it exits:
// no temporary file is left, and a write that goes on cannot publish.
func TestRemoveUnfinishedLeavesNoTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	done := filepath.Join(dir, "done.html")
	if err := WriteFile(done, []byte("kept"), 0o644); err != nil {
		t.Fatal(err)
	}
	var files []*File
	for _, name := range []string{"a.html", "b.html", "done.html"} {
		f, err := Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(f, "half")
		files = append(files, f)
	}
	RemoveUnfinished()
	wantNames(t, dir, "done.html")
	for _, f := range files {
		if err := f.Commit(); err == nil || !strings.Contains(err.Error(), "interrupted") {
			t.Errorf("commit after RemoveUnfinished: %v", err)
		}
		f.Abort()
	}
	wantNames(t, dir, "done.html")
	wantContent(t, done, "kept")
}
