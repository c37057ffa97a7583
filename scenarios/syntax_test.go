package scenarios

import (
	"errors"
	"strings"
	"testing"
)

// A YAML syntax error names the line and column where the text stops
// making sense, which is not always the line yaml.v3 names: it reports an
// unclosed quote at the end of the file and a key indented one space too
// few at the line before it.
func TestYAMLSyntaxErrorsHaveLineAndColumn(t *testing.T) {
	tests := []struct {
		name, text string
		want       string // the error's start
	}{
		{"a key indented one space too few", "name: a\nload:\n  rate: 200/s\n duration: 20s\n",
			"s.yaml:4:2: YAML: value is not allowed in this context"},
		{"a key indented one space too far", "load:\n  rate: 200/s\n  duration: 20s\n   timeout: 1s\n",
			"s.yaml:4:11: YAML: a colon followed by a space starts a mapping value here"},
		{"a colon in a plain value", "name: a\ntarget: x: y\n",
			"s.yaml:2:10: YAML: a colon followed by a space starts a mapping value here"},
		{"a colon in the first line's value", "description: fix: search\n",
			"s.yaml:1:17: YAML: a colon"},
		{"an unclosed double quote", "name: \"unterminated\ntarget: x\n",
			"s.yaml:1:7: YAML: could not find end character of double-quoted text"},
		{"an unclosed single quote in a header", "endpoints:\n  - name: a\n    headers:\n      Authorization: 'Bearer ${X}\n    path: /x\n",
			"s.yaml:4:22: YAML: could not find end character of single-quoted text"},
		{"an unclosed flow mapping", "gate:\n  slo: {p99: 10ms, error_rate: 1%\n",
			"s.yaml:2:8: YAML: could not find flow mapping end token '}'"},
		{"a tab in the indentation", "load:\n\trate: 1\n",
			"s.yaml:2:1: YAML: found character '\t' that cannot start any token"},
		{"a reserved character", "endpoints:\n  - name: a\n    path: @foo\n",
			"s.yaml:3:11: YAML: '@' is a reserved character"},
		{"a key repeated", "name: a\ntarget: x\nname: b\n",
			"s.yaml:3:1: YAML: mapping key \"name\" already defined at line 1"},
		{"an alias of no anchor", "name: a\nendpoints:\n  - name: b\n    headers: *auth\n",
			"s.yaml:4:14: YAML: unknown anchor 'auth' referenced"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadBytes("s.yaml", []byte(tt.text), nil)
			var list ErrorList
			if !errors.As(err, &list) || len(list) != 1 {
				t.Fatalf("want one positioned error, got %v", err)
			}
			if got := list[0].Error(); !strings.HasPrefix(got, tt.want) {
				t.Errorf("got  %s\nwant %s…", got, tt.want)
			}
			if strings.Contains(list[0].Error(), "\n") {
				t.Errorf("the error is not one line: %q", list[0].Error())
			}
		})
	}
}

// A YAML error the second parser cannot place keeps yaml.v3's line.
func TestYAMLErrorsWithoutAColumnKeepTheirLine(t *testing.T) {
	_, err := LoadBytes("s.yaml", []byte("- a\n- b\n"), nil)
	if err == nil || !strings.HasPrefix(err.Error(), "s.yaml:1: YAML: the file must be a mapping") {
		t.Errorf("got %v", err)
	}
}

// goccy's parser is quadratic in the depth of flow collections: deeply
// nested brackets are never given to it, and the error stays yaml.v3's.
func TestDeepFlowNestingIsNotParsedTwice(t *testing.T) {
	_, err := LoadBytes("s.yaml", []byte("a: "+strings.Repeat("[", 1<<20)), nil)
	if err == nil || !strings.HasPrefix(err.Error(), "s.yaml") {
		t.Errorf("got %v", err)
	}
}

func TestParseErrorPositionsAnyFile(t *testing.T) {
	list := ParseError("hotbench.yaml", []byte("runs: 'x\n"), errors.New("yaml: line 2: found unexpected end of stream"))
	if len(list) != 1 || list[0].Error() != "hotbench.yaml:1:7: YAML: could not find end character of single-quoted text (check indentation and quoting here)" {
		t.Errorf("got %v", list)
	}
}
