package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A typo in a --config file is an error like one in a scenario: positioned,
// with a suggestion, every one at once, exit 2, and nothing run.
func TestConfigFileTypos(t *testing.T) {
	dir := t.TempDir()
	results := filepath.Join(dir, "results")
	tests := []struct {
		name, file, text string
		want             []string // lines of stderr, after "hotbench: " on the first
	}{
		{"a misspelt flag in YAML", "hb.yaml", "runs: 3\nlable: before\nresluts: " + results + "\n", []string{
			"hb.yaml:2: lable: unknown key; did you mean label?",
			"hb.yaml:3: resluts: unknown key; did you mean results?",
		}},
		{"a key that is no flag at all", "hb.yaml", "hotspots:\n  - name: x\n", []string{
			"hb.yaml:1: hotspots: unknown key: a config file sets flags by their names",
		}},
		{"TOML", "hb.toml", "runs = 3\nformt = \"json\"\n", []string{"hb.toml:2: formt: unknown key; did you mean format?"}},
		{"JSON", "hb.json", "{\n  \"runs\": 3,\n  \"allpha\": 0.01\n}\n", []string{"hb.json:3: allpha: unknown key; did you mean alpha?"}},
		{"a YAML syntax error has line and column", "hb.yaml", "runs: 3\nlabel: 'before\n", []string{
			"hb.yaml:2:8: YAML: could not find end character of single-quoted text",
		}},
		{"a YAML file that is not a mapping", "hb.yaml", "- runs\n", []string{"hb.yaml:1:1: a config file is a mapping of flag names to values"}},
		{"a TOML syntax error has its line", "hb.toml", "runs = 3\nlabel = = 1\n", []string{"hb.toml:2: TOML: "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.file)
			if err := os.WriteFile(path, []byte(tt.text), 0o644); err != nil {
				t.Fatal(err)
			}
			code, out, errOut := hotbench(t, "ls", "--config", path, "--results", results)
			if code != 2 || out != "" {
				t.Errorf("exit %d, stdout %q; want 2 and nothing", code, out)
			}
			lines := strings.Split(strings.TrimSuffix(strings.TrimPrefix(errOut, "hotbench: "), "\n"), "\n")
			if len(lines) != len(tt.want) {
				t.Fatalf("stderr:\n%s\nwant %d line(s)", errOut, len(tt.want))
			}
			for i, want := range tt.want {
				if got := strings.TrimPrefix(lines[i], dir+string(filepath.Separator)); !strings.HasPrefix(got, want) {
					t.Errorf("line %d:\n got  %s\n want %s…", i+1, got, want)
				}
			}
		})
	}
}

// Any command's flag may be set in the config file, whichever command runs:
// one file serves them all.
func TestConfigFileSetsAnyCommandsFlags(t *testing.T) {
	dir, _ := smallStore(t)
	path := filepath.Join(t.TempDir(), "hb.yaml")
	os.WriteFile(path, []byte("# shared by every command\nresults: "+dir+"\nformat: markdown\nalpha: 0.01\nlabel: nightly\nkind: heap\n\n"), 0o644)
	code, out, errOut := hotbench(t, "ls", "--config", path)
	if code != 0 || !strings.Contains(out, "search@after") {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	os.WriteFile(path, nil, 0o644) // an empty file sets nothing
	if code, _, errOut := hotbench(t, "ls", "--config", path, "--results", dir); code != 0 {
		t.Errorf("an empty config: exit %d: %s", code, errOut)
	}
}
