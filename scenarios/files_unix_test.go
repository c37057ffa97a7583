//go:build unix

package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// bodyLayout makes a scenario folder with payloads, links and special
// files beside a file outside it, and returns the scenario folder.
//
//	root/outside.json          OUTSIDE
//	root/sc/payload.json       {"sku": "${SKU}"}
//	root/sc/sub/b.json         B
//	root/sc/link-in  -> payload.json
//	root/sc/link-out -> ../outside.json
//	root/sc/up       -> ..
//	root/sc/fifo               a named pipe
//	root/sc/folder/
//	root/sc/big.json           16 MiB and a byte
func bodyLayout(t testing.TB, root string) string {
	t.Helper()
	sc := filepath.Join(root, "sc")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(sc, "sub"), 0o755))
	must(os.MkdirAll(filepath.Join(sc, "folder"), 0o755))
	must(os.WriteFile(filepath.Join(root, "outside.json"), []byte("OUTSIDE"), 0o644))
	must(os.WriteFile(filepath.Join(sc, "payload.json"), []byte(`{"sku": "${SKU}"}`), 0o644))
	must(os.WriteFile(filepath.Join(sc, "sub", "b.json"), []byte("B"), 0o644))
	must(os.Symlink("payload.json", filepath.Join(sc, "link-in")))
	must(os.Symlink(filepath.Join("..", "outside.json"), filepath.Join(sc, "link-out")))
	must(os.Symlink("..", filepath.Join(sc, "up")))
	must(syscall.Mkfifo(filepath.Join(sc, "fifo"), 0o644))
	big, err := os.Create(filepath.Join(sc, "big.json"))
	must(err)
	must(big.Truncate(MaxBodySize + 1))
	must(big.Close())
	return sc
}

// loadWithin loads, from the scenario folder sc, minimal with one endpoint
// whose body_file is path, and fails the test if loading waits (a FIFO
// opened for reading waits for a writer).
func loadWithin(t *testing.T, sc, path, extra string, overrides map[string]string) (*Scenario, error) {
	t.Helper()
	p := filepath.Join(sc, "s.yaml")
	text := minimal + "    body_file: " + strconv.Quote(path) + "\n" + extra
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	type result struct {
		s   *Scenario
		err error
	}
	done := make(chan result, 1)
	go func() {
		s, err := Load(p, overrides)
		done <- result{s, err}
	}()
	select {
	case r := <-done:
		return r.s, r.err
	case <-time.After(10 * time.Second):
		t.Fatalf("loading body_file %s waits", path)
		return nil, nil
	}
}

// TestBodyFilePaths (issue 9, item 9): body_file is read relative to the
// scenario's folder, stays inside it after links are resolved unless
// allow_outside_files says otherwise, and is an ordinary file of at most
// 16 MiB. Each refusal is one line at the body_file's line.
func TestBodyFilePaths(t *testing.T) {
	t.Setenv("SKU", "KIT-204")
	root := t.TempDir()
	sc := bodyLayout(t, root)
	allow := "allow_outside_files: true\n"
	tests := []struct {
		name, path, extra string
		body              string // the body read; "" when refused
		err               string // a part of the error
	}{
		{"a file beside the scenario", "payload.json", "", `{"sku": "KIT-204"}`, ""},
		{"a file in a subfolder", "sub/b.json", "", "B", ""},
		{"a path that comes back inside", "sub/../payload.json", "", `{"sku": "KIT-204"}`, ""},
		{"an absolute path inside the folder", filepath.Join(sc, "sub", "b.json"), "", "B", ""},
		{"a link that stays inside", "link-in", "", `{"sku": "KIT-204"}`, ""},
		{"a path up and out is refused", "../outside.json", "", "", `"../outside.json" is outside the scenario's folder: keep payloads beside the scenario, or set allow_outside_files: true`},
		{"an absolute path outside is refused", filepath.Join(root, "outside.json"), "", "", "is outside the scenario's folder"},
		{"/etc/passwd is refused", "/etc/passwd", "", "", `"/etc/passwd" is outside the scenario's folder`},
		{"/proc/self/environ is refused", "/proc/self/environ", "", "", "is outside the scenario's folder"},
		{"a link that leads out is refused", "link-out", "", "", `"link-out" is a symbolic link out of the scenario's folder`},
		{"a linked folder that leads out is refused", "up/outside.json", "", "", "is a symbolic link out of the scenario's folder"},
		{"a named pipe is refused without waiting for a writer", "fifo", "", "", `"fifo" is a named pipe, not a regular file; body_file must name an ordinary file`},
		{"a folder is refused", "folder", "", "", `"folder" is a folder, not a regular file`},
		{"more than 16 MiB is refused", "big.json", "", "", `"big.json" is larger than 16 MiB`},
		{"a missing file says where it was looked for", "missing.json", "", "", `"missing.json" does not exist: body_file is relative to the scenario's folder`},
		{"allow_outside_files reads a path up and out", "../outside.json", allow, "OUTSIDE", ""},
		{"allow_outside_files follows a link out", "link-out", allow, "OUTSIDE", ""},
		{"allow_outside_files still refuses /proc files, whose size lies", "/proc/self/environ", allow, "", "not a regular file: it holds"},
		{"allow_outside_files still refuses devices", "/dev/null", allow, "", `"/dev/null" is a device, not a regular file`},
		{"allow_outside_files still refuses named pipes", "fifo", allow, "", "is a named pipe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := loadWithin(t, sc, tt.path, tt.extra, nil)
			if tt.err == "" {
				if err != nil {
					t.Fatalf("want body %q, got %v", tt.body, err)
				}
				if e := s.Endpoints[0]; e.Body != tt.body || e.BodySHA256 != bodyDigest(tt.body) {
					t.Errorf("body %q digest %s, want %q", e.Body, e.BodySHA256, tt.body)
				}
				return
			}
			var list ErrorList
			if !errors.As(err, &list) || len(list) != 1 || list[0].Field != "endpoints[0].body_file" || list[0].Line != 9 ||
				!strings.Contains(list[0].Msg, tt.err) || strings.Contains(list[0].Msg, "\n") {
				t.Errorf("got %v, want one error at line 9, endpoints[0].body_file, with %q", err, tt.err)
			}
		})
	}
}

func TestAllowOutsideFilesComesFromEveryLayer(t *testing.T) {
	sc := bodyLayout(t, t.TempDir())
	t.Run("the environment", func(t *testing.T) {
		t.Setenv("HOTBENCH_ALLOW_OUTSIDE_FILES", "true")
		s, err := loadWithin(t, sc, "../outside.json", "", nil)
		if err != nil || s.Endpoints[0].Body != "OUTSIDE" || !s.AllowOutsideFiles {
			t.Errorf("got %v", err)
		}
	})
	t.Run("an override, as --allow-outside would give it", func(t *testing.T) {
		s, err := loadWithin(t, sc, "../outside.json", "", map[string]string{"allow_outside_files": "true"})
		if err != nil || s.Endpoints[0].Body != "OUTSIDE" {
			t.Errorf("got %v", err)
		}
	})
	t.Run("an override turns off the file's", func(t *testing.T) {
		_, err := loadWithin(t, sc, "../outside.json", "allow_outside_files: true\n", map[string]string{"allow_outside_files": "false"})
		if err == nil || !strings.Contains(err.Error(), "outside the scenario's folder") {
			t.Errorf("got %v", err)
		}
	})
}

// FuzzBodyFile tries body_file paths on bodyLayout's folder, with and
// without allow_outside_files: loading never waits, every error is one
// line, and without allow_outside_files nothing from outside the folder is
// read, whatever the path's dots, slashes and links. With it, paths stay
// under the test's root, so the fuzzer does not read the machine's files.
func FuzzBodyFile(f *testing.F) {
	root := f.TempDir()
	sc := bodyLayout(f, root)
	for _, p := range []string{
		"payload.json", "sub/b.json", "./link-in", "sub//b.json", "sub/../payload.json", filepath.Join(sc, "sub", "b.json"),
		"../outside.json", "sub/../../outside.json", "link-out", "up/outside.json", "up/sc/sub/b.json", filepath.Join(root, "outside.json"),
		"fifo", "folder", "big.json", "missing.json", "", "/proc/self/environ", "/etc/passwd", "/dev/null",
	} {
		f.Add(p, false)
		f.Add(p, true)
	}
	f.Fuzz(func(t *testing.T, path string, allow bool) {
		if allow && !within(root, filepath.Join(sc, path), filepath.Rel) && !within(root, filepath.Clean(path), filepath.Rel) {
			return
		}
		extra := ""
		if allow {
			extra = "allow_outside_files: true\n"
		}
		text := minimal + "    body_file: " + strconv.Quote(path) + "\n" + extra
		done := make(chan struct{})
		var s *Scenario
		var err error
		go func() {
			defer close(done)
			s, err = LoadBytes(filepath.Join(sc, "s.yaml"), []byte(text), nil)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("loading body_file %q waits", path)
		}
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("not an ErrorList: %v", err)
			}
			for _, e := range list {
				if strings.Contains(e.Error(), "\n") {
					t.Errorf("an error of more than one line: %q", e.Error())
				}
			}
			return
		}
		if !allow && strings.Contains(s.Endpoints[0].Body, "OUTSIDE") {
			t.Errorf("body_file %q read a file outside the scenario's folder", path)
		}
	})
}
