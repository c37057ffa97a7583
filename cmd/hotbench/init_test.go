package main

import (
	"net/http"
	"net/http/httptest"
	"net/http/pprof"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hotbench/hotbench/scenarios"
)

// pprofServer answers / and serves net/http/pprof's index, as a Go service
// that imports net/http/pprof does.
func pprofServer(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestInitThenValidate(t *testing.T) {
	withPprof := pprofServer(t)
	without := httptest.NewServer(http.NotFoundHandler())
	defer without.Close()
	// A catch-all that answers 200 everywhere is not pprof.
	catchAll := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>app</html>")) }))
	defer catchAll.Close()

	for _, tc := range []struct {
		name      string
		target    string
		pprof     string // profiles.pprof wanted; "" for none
		stderrHas string
	}{
		{"a target serving pprof gets profiles", withPprof.URL, withPprof.URL + "/debug/pprof", "profiles from " + withPprof.URL + "/debug/pprof"},
		{"a target without pprof gets none, and a note", without.URL, "", "404 Not Found"},
		{"a page that is not pprof's index is not taken for it", catchAll.URL, "", "not with net/http/pprof's index"},
		{"without --target nothing is probed", "", "", "not checked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "search.yaml")
			args := []string{"init", path}
			if tc.target != "" {
				args = append(args, "--target", tc.target)
			}
			code, out, errOut := hotbench(t, args...)
			if code != 0 || out != "" || !strings.Contains(errOut, tc.stderrHas) {
				t.Fatalf("init: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
			}
			code, out, errOut = hotbench(t, "validate", path)
			if code != 0 || !strings.Contains(out, path+": ok (search, 1 endpoint(s)") {
				t.Fatalf("validate: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
			}
			sc, err := scenarios.Load(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if sc.Profiles.Pprof != tc.pprof {
				t.Errorf("profiles.pprof = %q, want %q", sc.Profiles.Pprof, tc.pprof)
			}
			text, _ := os.ReadFile(path)
			if tc.pprof == "" && !strings.Contains(string(text), "# No profiles: ") {
				t.Errorf("no note on the missing profiles:\n%s", text)
			}
			if want := "target: " + tc.target; tc.target != "" && !strings.Contains(string(text), want) {
				t.Errorf("the file does not say %q", want)
			}
		})
	}
}

// Every main key of the format is in the starter, each with a comment.
func TestInitCommentsEveryMainKey(t *testing.T) {
	text := starter{Name: "svc", Target: defaultInitTarget}.render()
	for _, key := range []string{"name", "description", "target", "load", "runs", "endpoints", "profiles", "hotspots", "server", "gate"} {
		found := false
		for _, l := range strings.Split(text, "\n") {
			l = strings.TrimPrefix(l, "# ")
			if strings.HasPrefix(l, key+":") && strings.Contains(l, " # ") {
				found = true
			}
		}
		if !found {
			t.Errorf("no commented %s: line in\n%s", key, text)
		}
	}
}

func TestInitRefusals(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "taken.yaml")
	os.WriteFile(existing, []byte("mine\n"), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		says string
	}{
		{"an existing file is never replaced", []string{"init", existing}, "taken.yaml exists: init never replaces a file"},
		{"a target that does not answer is one line", []string{"init", filepath.Join(dir, "a.yaml"), "--target", "http://127.0.0.1:1"}, "target http://127.0.0.1:1 does not answer"},
		{"a bad target is refused before any probe", []string{"init", filepath.Join(dir, "a.yaml"), "--target", "127.0.0.1:8080"}, "--target: "},
		{"a name that cannot be a scenario's", []string{"init", filepath.Join(dir, "a.yaml"), "--name", "Manual Search"}, `--name "Manual Search" cannot name a scenario`},
		{"init writes YAML only", []string{"init", filepath.Join(dir, "a.toml")}, "name the file .yaml"},
		{"one file at most", []string{"init", "a.yaml", "b.yaml"}, "at most one file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := hotbench(t, tc.args...)
			if code != 2 || !strings.Contains(errOut, tc.says) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
				t.Errorf("exit %d, stderr %q; want 2 and one line saying %q", code, errOut, tc.says)
			}
		})
	}
	if b, _ := os.ReadFile(existing); string(b) != "mine\n" {
		t.Errorf("the existing file was changed: %q", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "a.yaml")); err == nil {
		t.Error("a refused init wrote a file")
	}
	// --force replaces it; "-" prints to standard output.
	if code, _, errOut := hotbench(t, "init", existing, "--force"); code != 0 {
		t.Errorf("--force: exit %d: %s", code, errOut)
	}
	if b, _ := os.ReadFile(existing); !strings.Contains(string(b), "name: taken") {
		t.Errorf("--force did not write the starter: %q", b)
	}
	code, out, _ := hotbench(t, "init", "-", "--name", "checkout")
	if code != 0 || !strings.HasPrefix(out, "# A hotbench scenario") || !strings.Contains(out, "name: checkout") {
		t.Errorf("init -: exit %d\n%s", code, out)
	}
}
