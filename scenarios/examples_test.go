package scenarios

import (
	"io/fs"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
)

// exampleFiles lists every shipped example, so files added later are tested
// without touching this test.
func exampleFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("examples", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	return files
}

func TestEveryExampleLoadsAndValidates(t *testing.T) {
	for _, name := range exampleFiles(t) {
		t.Run(filepath.Base(name), func(t *testing.T) {
			s, err := Load(name, nil)
			if err != nil {
				t.Fatalf("example does not load:\n%v", err)
			}
			if errs := s.Validate(); len(errs) != 0 {
				t.Errorf("example does not validate: %v", ErrorList(errs))
			}
			// The embedded copy is the same scenario.
			e, err := LoadFS(Examples, filepath.ToSlash(name), nil)
			if err != nil {
				t.Fatalf("embedded example does not load: %v", err)
			}
			if !reflect.DeepEqual(e, s) {
				t.Errorf("the embedded example differs from the file")
			}
		})
	}
}

func TestExamplesEmbedsEveryExample(t *testing.T) {
	embedded, err := fs.Glob(Examples, "examples/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	onDisk := exampleFiles(t)
	for i := range onDisk {
		onDisk[i] = filepath.ToSlash(onDisk[i])
	}
	sort.Strings(embedded)
	sort.Strings(onDisk)
	if !reflect.DeepEqual(embedded, onDisk) {
		t.Errorf("embedded %v, on disk %v", embedded, onDisk)
	}
	for _, want := range []string{"basic", "ramp", "capacity", "hotspots"} {
		if _, err := fs.Stat(Examples, "examples/"+want+".yaml"); err != nil {
			t.Errorf("examples/%s.yaml is missing", want)
		}
	}
}

func TestExamplesShowWhatTheyAreNamedFor(t *testing.T) {
	load := func(name string) *Scenario {
		s, err := LoadFS(Examples, "examples/"+name+".yaml", nil)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if s := load("basic"); len(s.Endpoints) != 1 || s.Load.Closed() {
		t.Error("basic.yaml: one endpoint, open model")
	}
	if s := load("ramp"); len(s.Load.Stages) == 0 {
		t.Error("ramp.yaml: stages")
	}
	if s := load("capacity"); !s.Load.Closed() || s.Load.Workers <= 0 {
		t.Error("capacity.yaml: rate max with workers")
	}
	if s := load("hotspots"); len(s.Endpoints) < 2 || len(s.Hotspots) == 0 || s.Server == nil ||
		s.Profiles.Pprof == "" || len(s.Gate.SLO) == 0 {
		t.Error("hotspots.yaml: weighted endpoints, profiles, hotspots, server and gate")
	}
}
