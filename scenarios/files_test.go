package scenarios

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadFSKeepsBodyFileInsideTheScenariosFolder(t *testing.T) {
	fsys := fstest.MapFS{
		"sc/payloads/a.json": {Data: []byte(`{"a": 1}`)},
		"other/b.json":       {Data: []byte(`{"b": 1}`)},
		"sc/link":            {Data: []byte("../other/b.json"), Mode: os.ModeSymlink},
	}
	tests := []struct {
		name, path, extra, body, err string
	}{
		{"a file beside the scenario", "payloads/a.json", "", `{"a": 1}`, ""},
		{"a file elsewhere in the file system is refused", "../other/b.json", "", "", "outside the scenario's folder"},
		{"unless allowed", "../other/b.json", "allow_outside_files: true\n", `{"b": 1}`, ""},
		{"a path out of the file system is refused even then", "../../etc/passwd", "allow_outside_files: true\n", "", "leaves the scenario's file system"},
		{"an absolute path is refused", "/etc/passwd", "allow_outside_files: true\n", "", "is absolute"},
		{"a symbolic link is refused", "link", "", "", `goes through the symbolic link "sc/link"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys["sc/s.yaml"] = &fstest.MapFile{Data: []byte(minimal + "    body_file: " + tt.path + "\n" + tt.extra)}
			s, err := LoadFS(fsys, "sc/s.yaml", nil)
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("got %v", err)
			case tt.err == "" && s.Endpoints[0].Body != tt.body:
				t.Errorf("body %q, want %q", s.Endpoints[0].Body, tt.body)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Errorf("got %v, want %q", err, tt.err)
			}
		})
	}
}

// TestBodyFileIsStoredAsItsDigest (issue 9, item 9): run.json keeps a
// body_file's SHA-256, never its bytes; the runner still has the body in
// memory; the hash is the same before and after run.json, and changes
// with the file's content.
func TestBodyFileIsStoredAsItsDigest(t *testing.T) {
	dir := t.TempDir()
	payload := filepath.Join(dir, "payload.json")
	if err := os.WriteFile(payload, []byte(`{"secret": "hunter2"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(p, []byte(minimal+"    method: POST\n    body_file: payload.json\n  - {name: inline, path: /i, body: visible}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Endpoints[0].Body != `{"secret": "hunter2"}` {
		t.Errorf("the body to send is %q", s.Endpoints[0].Body)
	}
	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "hunter2") || !strings.Contains(string(data), `"body_sha256":"`+bodyDigest(s.Endpoints[0].Body)+`"`) {
		t.Errorf("run.json holds the body, or no digest:\n%s", data)
	}
	if !strings.Contains(string(data), `"body":"visible"`) || strings.Count(string(data), "body_sha256") != 1 {
		t.Errorf("an inline body is stored as written, without a digest:\n%s", data)
	}
	var back Scenario
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.Endpoints[0].Body != "" || back.Endpoints[0].BodySHA256 != s.Endpoints[0].BodySHA256 || Hash(&back) != Hash(s) {
		t.Errorf("read back: %+v; hash %s, was %s", back.Endpoints[0], Hash(&back), Hash(s))
	}

	if err := os.WriteFile(payload, []byte(`{"secret": "hunter3"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	changed, err := Load(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if Hash(changed) == Hash(s) {
		t.Error("a changed body_file leaves the hash as it was")
	}

	// Built in code, the body in memory is what counts.
	e := Endpoint{Name: "e", Path: "/", BodyFile: "x.json", Body: "abc", BodySHA256: "stale"}
	data, _ = json.Marshal(e)
	if !strings.Contains(string(data), bodyDigest("abc")) || strings.Contains(string(data), "stale") {
		t.Errorf("a stale digest was stored: %s", data)
	}
}
