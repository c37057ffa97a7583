package scenarios

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime/metrics"
	"strings"
	"testing"
	"testing/fstest"

	"gopkg.in/yaml.v3"
)

// maxFuzzInput bounds FuzzLoad's inputs. Each input costs a whole load
// (two YAML parsers and viper: 0.1 to 0.3 ms), and Go's fuzzer minimizes
// every input that finds new coverage by trying its subsets, which is
// quadratic in its length and may take a minute (-fuzzminimizetime).
// Seeded with the commented, multi-kilobyte examples, FuzzLoad spent that
// minute on one input after another and stalled at "execs: 16 (0/sec)".
// Seeds are now compact and larger inputs return at once, so they find no
// coverage and are never minimized; on two cores FuzzLoad now runs about
// 10000 inputs a second between short pauses. Nothing in the loader needs
// more bytes to go wrong (file size has its own test): 1 KiB of TOML nests
// 500 levels, far past MaxDepth.
const maxFuzzInput = 1 << 10

// maxFuzzAlloc is what loading one fuzz input may allocate. Before depth
// was bounded, 1 KiB of TOML 500 levels deep allocated 44 MiB, a cost
// cubic in the depth: 60 KB took 2 GB (issue 9, item 5). A compact example
// allocates 0.2 MiB.
const maxFuzzAlloc = 16 << 20

// compactYAML is data without comments, in flow style where that is
// shorter, or nil when data is not YAML.
func compactYAML(data []byte) []byte {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil {
		return nil
	}
	var strip func(n *yaml.Node)
	strip = func(n *yaml.Node) {
		n.HeadComment, n.LineComment, n.FootComment = "", "", ""
		if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
			for _, c := range n.Content {
				if c.Kind == yaml.MappingNode || c.Kind == yaml.SequenceNode {
					c.Style = yaml.FlowStyle
				}
			}
		}
		for _, c := range n.Content {
			strip(c)
		}
	}
	strip(&doc)
	out, err := yaml.Marshal(&doc)
	if err != nil {
		return nil
	}
	return out
}

type fuzzSeed struct {
	format uint8
	data   []byte
}

// fuzzSeeds are small scenario files of every shape the loader should
// see: the examples and error files without their comments, each format,
// nesting just past MaxDepth in each syntax, YAML alias bombs, and
// body_file paths that stay inside the scenario's folder and that leave it.
func fuzzSeeds(f *testing.F) []fuzzSeed {
	var seeds []fuzzSeed
	add := func(format uint8, data string) { seeds = append(seeds, fuzzSeed{format, []byte(data)}) }
	files, _ := filepath.Glob(filepath.Join("examples", "*.yaml"))
	more, _ := filepath.Glob(filepath.Join("testdata", "errors", "*.yaml"))
	for _, name := range append(files, more...) {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		if c := compactYAML(data); c != nil && len(c) <= maxFuzzInput {
			add(0, string(c))
		}
	}
	add(0, minimal)
	add(0, minimal+"    body_file: body.json\n")
	add(0, minimal+"    body_file: sub/b.json\n")
	add(0, minimal+"    body_file: sub/../body.json\n")
	add(0, minimal+"    body_file: ../outside.json\n")
	add(0, minimal+"    body_file: /etc/passwd\n")
	add(0, minimal+"    body_file: ../outside.json\nallow_outside_files: true\n")
	add(0, "a: &a [*a, *a]\nb: &b [*a, *a]\n<<: *b\n")
	add(0, "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c]\n")
	add(0, minimal+"gate: {slo: {error_rate: none}, max_regression: {p99: none}}\n")
	add(0, strings.Replace(minimal, "http://127.0.0.1:8080", "http://127.0.0.1;>INJ;:9330", 1))
	add(0, strings.Replace(minimal, "100/s", "1e300/s", 1)+"runs: 1e+20\n")
	add(1, `{"name": "a", "target": "http://x", "load": {"rate": 1, "duration": "1s"}, "endpoints": [{"name": "e", "path": "/"}]}`)
	add(2, "name = \"a\"\ntarget = \"http://x\"\n[load]\nrate = 1\nduration = \"1s\"\n[[endpoints]]\nname = \"e\"\npath = \"/\"\n")
	formats := map[string]uint8{"s.yaml": 0, "s.json": 1, "s.toml": 2}
	for _, form := range deepForms {
		name, text := deep(form, MaxDepth+1)
		add(formats[name], text)
	}
	// The deepest that fit: these alone would have found issue 9's item 5.
	_, text := deep("toml dotted key", 500)
	add(2, text)
	_, text = deep("json objects", 200)
	add(1, text)
	return seeds
}

// allocated is the bytes this process has allocated so far.
func allocated() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// asStored is s as run.json gives it back: bodies read from files are not
// stored, their digests are.
func asStored(s *Scenario) Scenario {
	c := *s
	c.Endpoints = append([]Endpoint(nil), s.Endpoints...)
	for i := range c.Endpoints {
		if c.Endpoints[i].BodyFile != "" {
			c.Endpoints[i].Body = ""
		}
		// Data and targets files are stored as their digests.
		c.Endpoints[i].Feed, c.Endpoints[i].TargetList = nil, nil
	}
	return c
}

// FuzzLoad feeds arbitrary bytes to the loader in each format. Loading must
// never panic nor cost more than maxFuzzAlloc, every error must be one
// line, and whatever loads must be valid, survive the JSON round trip
// run.json relies on (bodies from files as their digests), and hash the
// same before and after it. body_file paths must not leave the scenario's
// folder without allow_outside_files, nor the file system at all.
func FuzzLoad(f *testing.F) {
	for _, seed := range fuzzSeeds(f) {
		f.Add(seed.format, seed.data)
	}
	exts := []string{"s.yaml", "s.json", "s.toml"}
	f.Fuzz(func(t *testing.T, format uint8, data []byte) {
		if len(data) > maxFuzzInput {
			return
		}
		name := "sc/" + exts[int(format)%len(exts)]
		fsys := fstest.MapFS{
			name:            {Data: data},
			"sc/body.json":  {Data: []byte(`{"k": "v"}`)},
			"sc/sub/b.json": {Data: []byte(`{"b": 1}`)},
			"outside.json":  {Data: []byte(`{"outside": true}`)},
		}
		before := allocated()
		s, err := LoadFS(fsys, name, nil)
		if got := allocated() - before; got > maxFuzzAlloc {
			t.Fatalf("loading %d bytes allocated %d MiB", len(data), got>>20)
		}
		if err != nil {
			if s != nil {
				t.Errorf("an error with a scenario: %v", err)
			}
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
		if errs := s.Validate(); len(errs) != 0 {
			t.Fatalf("loaded but invalid: %v", ErrorList(errs))
		}
		for _, e := range s.Endpoints {
			if strings.Contains(e.Body, "outside") && !s.AllowOutsideFiles {
				t.Fatalf("body_file %q read outside the scenario's folder", e.BodyFile)
			}
		}
		b, err := json.Marshal(*s)
		if err != nil {
			t.Fatalf("loaded but cannot be written as JSON: %v", err)
		}
		var back Scenario
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("cannot read back its JSON: %v\n%s", err, b)
		}
		if want := asStored(s); !reflect.DeepEqual(want, back) {
			c, _ := json.Marshal(back)
			t.Fatalf("JSON round trip differs:\n%s\n%s", b, c)
		}
		if h := Hash(s); h == "" || h != Hash(&back) {
			t.Fatalf("hash %q, %q after the round trip", h, Hash(&back))
		}
	})
}
