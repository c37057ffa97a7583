package scenarios

import (
	"bytes"
	"errors"
	"path/filepath"
	"regexp"
	"strings"

	goyaml "github.com/goccy/go-yaml"
	goparser "github.com/goccy/go-yaml/parser"
)

// ParseError positions a parser's error on the file name (YAML, TOML or
// JSON, by its extension) whose text is data: one Error per problem the
// parser names, with the line and, for YAML, the column where the text
// stops making sense. Load reports a scenario's syntax errors this way; the
// command reports its --config file's the same way.
func ParseError(name string, data []byte, err error) ErrorList {
	format := formats[strings.ToLower(filepath.Ext(name))]
	if format == "" {
		format = "yaml"
	}
	return syntaxErrors(name, format, data, err)
}

// yamlPosition finds where YAML text that yaml.v3 (viper's parser) refused
// goes wrong, with a second parser, github.com/goccy/go-yaml: yaml.v3's
// errors have no column, and their line is often where the enclosing block
// began (an unclosed quote is reported at the end of the file, a key
// indented one space too few at the line before it). ok is false when the
// second parser finds nothing wrong, or data is one it should not be given;
// the caller then keeps yaml.v3's message.
func yamlPosition(data []byte) (line, col int, msg string, ok bool) {
	// goccy's parser is quadratic in the nesting of flow collections ([[[…);
	// a scenario nests at most MaxDepth levels.
	if flowDepth(data) > 2*MaxDepth {
		return 0, 0, "", false
	}
	defer func() {
		if recover() != nil { // a bug of the second parser must not lose the first's message
			ok = false
		}
	}()
	_, err := goparser.ParseBytes(data, 0)
	var ye goyaml.Error
	if err == nil || !errors.As(err, &ye) || ye.GetToken() == nil {
		return 0, 0, "", false
	}
	pos := ye.GetToken().Position
	if pos == nil || pos.Line < 1 {
		return 0, 0, "", false
	}
	line, col, msg = pos.Line, pos.Column, ye.GetMessage()
	// goccy names positions [line:column]; say it in words.
	msg = bracketPos.ReplaceAllString(msg, "line $1")
	if strings.HasPrefix(msg, "mapping value is not allowed") {
		// goccy points at the start of the plain value the colon ended; the
		// colon is what the user must quote or re-indent.
		if l, c, found := nextMappingColon(data, line, col); found {
			line, col = l, c
		}
		msg = "a colon followed by a space starts a mapping value here: quote a value that holds \": \", or indent a key like the others around it"
	}
	return line, max(col, 1), msg, true
}

var bracketPos = regexp.MustCompile(`\[(\d+):\d+\]`)

// flowDepth is the deepest nesting of [ and { in data, counting every
// bracket, quoted or not: an upper bound of the flow collections' depth.
func flowDepth(data []byte) int {
	depth, deepest := 0, 0
	for _, c := range data {
		switch c {
		case '[', '{':
			depth++
			deepest = max(deepest, depth)
		case ']', '}':
			depth = max(depth-1, 0)
		}
	}
	return deepest
}

// nextMappingColon finds the first ": " (or a colon ending a line) at or
// after line and column (1-based, columns counted in runes) of data.
func nextMappingColon(data []byte, line, col int) (int, int, bool) {
	lines := bytes.Split(data, []byte("\n"))
	for l := line - 1; l < len(lines); l++ {
		text := []rune(strings.TrimRight(string(lines[l]), "\r"))
		from := 0
		if l == line-1 {
			from = max(col-1, 0)
		}
		for i := from; i < len(text); i++ {
			if text[i] == ':' && (i+1 == len(text) || text[i+1] == ' ' || text[i+1] == '\t') {
				return l + 1, i + 1, true
			}
		}
	}
	return 0, 0, false
}

var unknownAnchor = regexp.MustCompile(`unknown anchor '([^']*)' referenced`)

// anchorPosition finds the first use of an alias that yaml.v3 says names
// no anchor ("unknown anchor 'auth' referenced" comes without a line).
func anchorPosition(data []byte, msg string) (line, col int, ok bool) {
	m := unknownAnchor.FindStringSubmatch(msg)
	if m == nil {
		return 0, 0, false
	}
	alias := regexp.MustCompile(`\*` + regexp.QuoteMeta(m[1]) + `(?:[\s,\]}]|$)`)
	loc := alias.FindIndex(data)
	if loc == nil {
		return 0, 0, false
	}
	return lineCol(data, loc[0])
}

// lineCol is the 1-based line and column (in runes) of byte offset off.
func lineCol(data []byte, off int) (line, col int, ok bool) {
	if off < 0 || off > len(data) {
		return 0, 0, false
	}
	start := bytes.LastIndexByte(data[:off], '\n') + 1
	return bytes.Count(data[:off], []byte("\n")) + 1, len([]rune(string(data[start:off]))) + 1, true
}
