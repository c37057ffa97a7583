package scenarios

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"testing/fstest"
)

// FuzzLoad feeds arbitrary bytes to the loader in each format. Loading must
// never panic, and whatever loads must be valid, survive the JSON round
// trip run.json relies on, and hash.
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("examples", "*.yaml"))
	more, _ := filepath.Glob(filepath.Join("testdata", "errors", "*.yaml"))
	for _, name := range append(seeds, more...) {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(uint8(0), data)
		}
	}
	f.Add(uint8(0), []byte(minimal+"    body_file: body.json\n"))
	f.Add(uint8(0), []byte("a: &a [*a, *a]\nb: &b [*a, *a]\n<<: *b\n"))
	f.Add(uint8(1), []byte(`{"name": "a", "target": "http://x", "load": {"rate": 1, "duration": "1s"}, "endpoints": [{"name": "e", "path": "/"}]}`))
	f.Add(uint8(2), []byte("name = \"a\"\ntarget = \"http://x\"\n[load]\nrate = 1\nduration = \"1s\"\n[[endpoints]]\nname = \"e\"\npath = \"/\"\n"))
	exts := []string{"s.yaml", "s.json", "s.toml"}
	f.Fuzz(func(t *testing.T, format uint8, data []byte) {
		name := exts[int(format)%len(exts)]
		fsys := fstest.MapFS{name: {Data: data}, "body.json": {Data: []byte(`{"k": "v"}`)}}
		s, err := LoadFS(fsys, name, nil)
		if err != nil {
			if s != nil {
				t.Errorf("an error with a scenario: %v", err)
			}
			_ = err.Error()
			return
		}
		if errs := s.Validate(); len(errs) != 0 {
			t.Fatalf("loaded but invalid: %v", ErrorList(errs))
		}
		b, err := json.Marshal(*s)
		if err != nil {
			t.Fatalf("loaded but cannot be written as JSON: %v", err)
		}
		var back Scenario
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("cannot read back its JSON: %v\n%s", err, b)
		}
		if !reflect.DeepEqual(*s, back) {
			c, _ := json.Marshal(back)
			t.Fatalf("JSON round trip differs:\n%s\n%s", b, c)
		}
		if Hash(s) == "" {
			t.Fatal("no hash")
		}
	})
}
