package scenarios

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"
	"gopkg.in/yaml.v3"
)

// depthOf is the depth a tooDeep function measures: the smallest limit it
// accepts.
func depthOf(tooDeep func([]byte, int) int, data []byte) int {
	for limit := 0; limit < 100; limit++ {
		if tooDeep(data, limit) == 0 {
			return limit
		}
	}
	return -1
}

func yamlDepthOf(data []byte) int {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return -2
	}
	return depthOf(func(_ []byte, limit int) int { return yamlTooDeep(&doc, limit) }, data)
}

// TestNestingDepth: depth counts containers as JSON writes them, the root
// mapping being 1, in every format; text in strings and comments does not
// count.
func TestNestingDepth(t *testing.T) {
	tests := []struct {
		name, format, text string
		depth              int
	}{
		{"a JSON object of scalars", "json", `{"a": 1, "b": "x"}`, 1},
		{"a JSON status list in an endpoint", "json", `{"endpoints": [{"expect": {"status": [200]}}]}`, 5},
		{"brackets in JSON strings do not count", "json", `{"a": "[[[{{{\"[[["}`, 1},
		{"a TOML key and value", "toml", "a = 1\n", 1},
		{"a TOML dotted key", "toml", "a.b.c = 1\n", 3},
		{"a TOML dotted key with spaces", "toml", "a . b = 1\n", 2},
		{"a TOML quoted key with dots is one part", "toml", "\"a.b.c\" = 1\n", 1},
		{"dots in TOML values do not count", "toml", "rate = 1.5\ntarget = \"http://a.b.c\"\n", 1},
		{"a TOML table", "toml", "[load]\nrate = 1\n", 2},
		{"a TOML dotted table", "toml", "[a.b]\nc = 1\n", 3},
		{"a TOML array of tables", "toml", "[[endpoints]]\nname = \"a\"\n", 3},
		{"a TOML inline table in an array of tables", "toml", "[[endpoints]]\nexpect = {status = [200]}\n", 5},
		{"a TOML inline table with a dotted key", "toml", "x = {a.b = [1]}\n", 4},
		{"nested TOML arrays", "toml", "x = [[1, [2]], 3]\n", 4},
		{"a TOML array over lines with comments", "toml", "x = [\n  1, # [[[\n  [2],\n]\ny = 1\n", 3},
		{"brackets in TOML strings and comments do not count", "toml", "a = \"[[[{{{\" # [[[[\nb = '[[[['\nc = \"\"\"\n[[[[\"\"\"\nd = '''[[['''\n", 1},
		{"a TOML table after an array closes", "toml", "x = [[1]]\n[a]\ny = 1\n", 3},
		{"a YAML mapping", "yaml", "a: 1\n", 1},
		{"a YAML endpoint with statuses", "yaml", "endpoints:\n  - expect:\n      status: [200]\n", 5},
		{"YAML plain scalars with brackets do not count", "yaml", "path: /a?q=[[[\n", 1},
		{"a YAML alias adds its target's depth", "yaml", "a: &x {b: {c: 1}}\nd: [*x]\n", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got int
			switch tt.format {
			case "json":
				got = depthOf(jsonTooDeep, []byte(tt.text))
			case "toml":
				got = depthOf(tomlTooDeep, []byte(tt.text))
			case "yaml":
				got = yamlDepthOf([]byte(tt.text))
			}
			if got != tt.depth {
				t.Errorf("depth %d, want %d", got, tt.depth)
			}
		})
	}
}

// deep returns a file of format nested n containers deep, in the form the
// name says.
func deep(form string, n int) (string, string) {
	switch form {
	case "toml dotted key":
		return "s.toml", strings.Repeat("a.", n-1) + "a = 1\n"
	case "toml table header":
		return "s.toml", "[" + strings.Repeat("a.", n-2) + "a]\nx = 1\n"
	case "toml inline tables":
		return "s.toml", "x = " + strings.Repeat("{a=", n-1) + "1" + strings.Repeat("}", n-1) + "\n"
	case "toml arrays":
		return "s.toml", "x = " + strings.Repeat("[", n-1) + strings.Repeat("]", n-1) + "\n"
	case "json objects":
		return "s.json", strings.Repeat(`{"a":`, n) + "1" + strings.Repeat("}", n)
	case "json arrays":
		return "s.json", `{"a":` + strings.Repeat("[", n-1) + strings.Repeat("]", n-1) + "}"
	case "yaml flow mappings":
		return "s.yaml", "x: " + strings.Repeat("{a: ", n-1) + "1" + strings.Repeat("}", n-1) + "\n"
	case "yaml block sequences":
		return "s.yaml", "x:\n" + strings.Repeat("- ", n-1) + "1\n"
	case "yaml aliases":
		// Each anchor nests the one before: no single node is deep.
		var b strings.Builder
		b.WriteString("a0: &a0 1\n")
		for i := 1; i < n; i++ {
			b.WriteString("a" + strconv.Itoa(i) + ": &a" + strconv.Itoa(i) + " [*a" + strconv.Itoa(i-1) + "]\n")
		}
		return "s.yaml", b.String()
	}
	panic(form)
}

var deepForms = []string{
	"toml dotted key", "toml table header", "toml inline tables", "toml arrays",
	"json objects", "json arrays", "yaml flow mappings", "yaml block sequences", "yaml aliases",
}

// TestLoadRefusesDeepNesting (issue 9, item 5): past 32 levels, in any
// format, the file is refused with one positioned line; at 32 levels the
// depth is no error.
func TestLoadRefusesDeepNesting(t *testing.T) {
	for _, form := range deepForms {
		t.Run(form, func(t *testing.T) {
			name, text := deep(form, MaxDepth+1)
			_, err := LoadBytes(name, []byte(text), nil)
			var list ErrorList
			if !errors.As(err, &list) || len(list) != 1 || !strings.Contains(list[0].Msg, "nest more than 32 levels deep") ||
				strings.Contains(list.Error(), "\n") {
				t.Fatalf("%d levels: %v", MaxDepth+1, err)
			}
			name, text = deep(form, MaxDepth)
			if _, err := LoadBytes(name, []byte(text), nil); err == nil || strings.Contains(err.Error(), "levels deep") {
				t.Errorf("%d levels: %v, want other errors only", MaxDepth, err)
			}
		})
	}
}

// TestDeepNestingCostsLittle: the 60 KB TOML that took 2 GB, and larger
// ones, are refused before anything grows with their depth.
func TestDeepNestingCostsLittle(t *testing.T) {
	for _, form := range []string{"toml dotted key", "toml inline tables", "json objects", "yaml flow mappings"} {
		t.Run(form, func(t *testing.T) {
			levels := 60000
			if strings.HasPrefix(form, "yaml") {
				levels = 9000 // yaml.v3 refuses more than 10000 itself
			}
			name, text := deep(form, levels)
			if len(text) > MaxFileSize {
				t.Fatalf("the input is too large: %d", len(text))
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := LoadBytes(name, []byte(text), nil)
			runtime.ReadMemStats(&after)
			if err == nil || !strings.Contains(err.Error(), "levels deep") {
				t.Fatalf("got %v", err)
			}
			// YAML is parsed into nodes first; the rest allocates next to
			// nothing.
			if got := after.TotalAlloc - before.TotalAlloc; got > 64<<20 {
				t.Errorf("refusing %d bytes allocated %d MiB", len(text), got>>20)
			}
		})
	}
}

// TestLoadRefusesLargeFiles: more than 4 MiB is refused, read from disk or
// given in memory, with the limit.
func TestLoadRefusesLargeFiles(t *testing.T) {
	big := minimal + "description: " + strings.Repeat("x", MaxFileSize) + "\n"
	_, err := LoadBytes("s.yaml", []byte(big), nil)
	if err == nil || !strings.Contains(err.Error(), "s.yaml: the file is 4.0 MiB: a scenario file is at most 4 MiB") {
		t.Errorf("in memory: %v", err)
	}
	p := filepath.Join(t.TempDir(), "s.yaml")
	if err := os.WriteFile(p, []byte(big), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(p, nil); err == nil || !strings.Contains(err.Error(), "larger than 4 MiB") {
		t.Errorf("on disk: %v", err)
	}
}

// treeDepth is the depth of a decoded document: containers, the root
// being 1.
func treeDepth(v any) int {
	h := 0
	switch v := v.(type) {
	case map[string]any:
		for _, c := range v {
			h = max(h, treeDepth(c))
		}
		return h + 1
	case []any:
		for _, c := range v {
			h = max(h, treeDepth(c))
		}
		return h + 1
	}
	return 0
}

// FuzzNestingDepth checks the text scanners against the parsers: on every
// document the parser reads, the scanner measures the depth the parser
// builds, so the bound can be neither dodged nor set off by valid text.
func FuzzNestingDepth(f *testing.F) {
	for _, form := range deepForms {
		name, text := deep(form, 5)
		f.Add(name == "s.toml", []byte(text))
	}
	f.Add(true, []byte("[[endpoints]]\nexpect = {status = [200]}\n[a.\"b.c\"]\nx = \"\"\"\n[[[\"\"\"\n"))
	f.Add(true, []byte("x = [\n  1, # [[[\n  [2],\n]\n[[a.b]]\ny = '''['''\n"))
	f.Add(false, []byte(`{"a": [{"b": "[\"{"}, []], "c": {}}`))
	f.Fuzz(func(t *testing.T, isTOML bool, data []byte) {
		if len(data) > 4096 {
			return
		}
		var v map[string]any
		var got int
		if isTOML {
			if toml.Unmarshal(data, &v) != nil || len(v) == 0 {
				return
			}
			got = depthOf(tomlTooDeep, data)
		} else {
			if json.Unmarshal(data, &v) != nil {
				return
			}
			got = depthOf(jsonTooDeep, data)
		}
		if want := treeDepth(v); got != want && want < 100 {
			t.Errorf("scanned depth %d, parsed depth %d", got, want)
		}
	})
}
