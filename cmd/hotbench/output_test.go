package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Issue 9, output paths: a report or export is written into what the user
// named without replacing a device, a FIFO or a link, "-" is standard
// output, and a folder is an error that leaves nothing behind.
func TestOutputPathsAreNeverReplaced(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	dir := t.TempDir()
	res := filepath.Join(dir, "results")
	sc := writeScenario(t, dir, srv.URL, "")
	if code, _, errOut := hotbench(t, "run", sc, "--runs", "1", "--results", res); code != 0 {
		t.Fatalf("run: exit %d\n%s", code, errOut)
	}

	t.Run("a full device stays a device and the error is reported", func(t *testing.T) {
		code, _, errOut := hotbench(t, "report", "svc@latest", "--results", res, "--out", "/dev/full")
		if code == 0 || !strings.Contains(errOut, "/dev/full") {
			t.Errorf("exit %d, want an error naming /dev/full:\n%s", code, errOut)
		}
		if fi, err := os.Stat("/dev/full"); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
			t.Fatalf("/dev/full is no longer a character device: %v %v", fi.Mode(), err)
		}
	})
	t.Run("a folder is a usage error that leaves nothing behind", func(t *testing.T) {
		out := filepath.Join(dir, "reports")
		os.Mkdir(out, 0o755)
		code, _, errOut := hotbench(t, "export", "svc@latest", "--results", res, "--out", out)
		if code != exitUsage {
			t.Errorf("exit %d, want 2:\n%s", code, errOut)
		}
		if entries, _ := os.ReadDir(out); len(entries) != 0 || len(strings.Split(strings.TrimSpace(errOut), "\n")) != 1 {
			t.Errorf("left %d files in the folder; stderr:\n%s", len(entries), errOut)
		}
	})
	t.Run("a dash is standard output", func(t *testing.T) {
		code, out, errOut := hotbench(t, "report", "svc@latest", "--results", res, "--out", "-")
		if code != 0 || !strings.HasPrefix(out, "<!DOCTYPE html>") || strings.HasSuffix(strings.TrimSpace(out), "-") {
			t.Errorf("exit %d, stdout starts %.40q, stderr %s", code, out, errOut)
		}
	})
	t.Run("a FIFO is streamed into and stays a FIFO", func(t *testing.T) {
		fifo := filepath.Join(dir, "pipe")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Skip(err)
		}
		got := make(chan int, 1)
		go func() {
			b, _ := os.ReadFile(fifo)
			got <- len(b)
		}()
		if code, _, errOut := hotbench(t, "export", "svc@latest", "--results", res, "--out", fifo); code != 0 {
			t.Fatalf("exit %d:\n%s", code, errOut)
		}
		if n := <-got; n == 0 {
			t.Error("the FIFO's reader got nothing")
		}
		if fi, _ := os.Lstat(fifo); fi.Mode()&os.ModeNamedPipe == 0 {
			t.Errorf("the FIFO was replaced by a %v", fi.Mode())
		}
	})
	t.Run("a link is written through and kept", func(t *testing.T) {
		real := filepath.Join(dir, "real.txt")
		os.WriteFile(real, []byte("old"), 0o644)
		link := filepath.Join(dir, "link.txt")
		os.Symlink(real, link)
		if code, _, errOut := hotbench(t, "export", "svc@latest", "--results", res, "--out", link); code != 0 {
			t.Fatalf("exit %d:\n%s", code, errOut)
		}
		if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
			t.Error("the link was replaced")
		}
		if b, _ := os.ReadFile(real); !strings.Contains(string(b), "Benchmark") {
			t.Errorf("the link's target holds %q", b)
		}
	})
}
