package scenarios

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// yamlFile is a YAML file as lines of text, with the parse that locates
// keys in them: the calibration edit changes a few lines and keeps every
// other byte (comments, blank lines, quoting, indentation) as it was.
// yaml.v3 gives each node a line and a column (counted in characters); it
// gives no ends, so the end of a block is found in the text.
type yamlFile struct {
	lines   []string // without their line ends
	crlf    bool     // every line ends with CR LF
	bom     bool     // the file starts with a UTF-8 byte order mark
	finalNL bool     // the last line has its line end
	root    *yaml.Node
	unit    int // the file's indentation step
}

const bom = "\uFEFF"

func newYAMLFile(data []byte) (*yamlFile, error) {
	s := string(data)
	t := &yamlFile{}
	if rest, ok := strings.CutPrefix(s, bom); ok {
		t.bom, s = true, rest
	}
	if strings.Contains(s, "\r") {
		lf := strings.ReplaceAll(s, "\r\n", "\n")
		if strings.Contains(lf, "\r") || strings.Count(s, "\n") != strings.Count(s, "\r\n") {
			return nil, errors.New("the file mixes line ends (CR LF with LF, or CR alone): give every line the same end")
		}
		t.crlf, s = true, lf
	}
	t.finalNL = strings.HasSuffix(s, "\n")
	if s = strings.TrimSuffix(s, "\n"); s != "" {
		t.lines = strings.Split(s, "\n")
	}
	return t, t.parse()
}

// bytes is the file again, with its byte order mark and line ends.
func (t *yamlFile) bytes() []byte {
	s := strings.Join(t.lines, "\n")
	if t.finalNL && len(t.lines) > 0 {
		s += "\n"
	}
	if t.crlf {
		s = strings.ReplaceAll(s, "\n", "\r\n")
	}
	if t.bom {
		s = bom + s
	}
	return []byte(s)
}

// parse locates the keys after the text changed.
func (t *yamlFile) parse() error {
	dec := yaml.NewDecoder(strings.NewReader(strings.Join(t.lines, "\n") + "\n"))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("the file is not valid YAML: %v", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var more yaml.Node
	if err := dec.Decode(&more); err != io.EOF {
		return errors.New("the file holds more than one YAML document (---): keep the scenario alone in its file")
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode || len(doc.Content[0].Content) == 0 {
		return errors.New("the file is not a mapping of scenario keys (name:, target:, load: ...)")
	}
	t.root = doc.Content[0]
	if t.root.Style&yaml.FlowStyle != 0 {
		return errors.New("the file is one flow mapping ({name: ..., load: ...}): write its keys one a line to have it edited")
	}
	t.unit = indentUnit(t.root)
	return nil
}

// indentUnit is how far the file indents a block under its key: the first
// nested block's step, or 2.
func indentUnit(root *yaml.Node) int {
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if (v.Kind == yaml.MappingNode || v.Kind == yaml.SequenceNode) && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0 {
			// A block collection's column is its first key's, or its first
			// item's dash.
			if u := v.Column - k.Column; u > 0 {
				return u
			}
		}
	}
	return 2
}

// rootIndent is the indentation of the top-level keys.
func (t *yamlFile) rootIndent() string { return strings.Repeat(" ", t.root.Content[0].Column-1) }

// step is one indentation step.
func (t *yamlFile) step() string { return strings.Repeat(" ", t.unit) }

// pair returns m's own entry key (not one a merge key brings in), or nils.
func pair(m *yaml.Node, key string) (k, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if c := m.Content[i]; c.Kind == yaml.ScalarNode && c.Tag != "!!merge" && c.Value == key {
			return c, m.Content[i+1]
		}
	}
	return nil, nil
}

// hasMerge reports whether the mapping m takes entries from elsewhere
// (<<: *base): editing it would hide them or edit their source.
func hasMerge(m *yaml.Node) bool {
	for i := 0; i < len(m.Content); i += 2 {
		if m.Content[i].Tag == "!!merge" {
			return true
		}
	}
	return false
}

// isNull reports whether n is null: nothing after the colon, ~ or null.
func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// implicitNull reports whether nothing at all is written for n.
func implicitNull(n *yaml.Node) bool { return isNull(n) && n.Value == "" }

func isFlow(n *yaml.Node) bool { return n.Style&yaml.FlowStyle != 0 }

func isBlank(line string) bool { return strings.TrimSpace(line) == "" }

func isComment(line string) bool { return strings.HasPrefix(strings.TrimSpace(line), "#") }

func indentOf(line string) int { return len(line) - len(strings.TrimLeft(line, " ")) }

// maxLine is the last line a node of n's tree starts on.
func maxLine(n *yaml.Node) int {
	m := n.Line
	if n.Kind == yaml.AliasNode {
		return m
	}
	for _, c := range n.Content {
		m = max(m, maxLine(c))
	}
	return m
}

// blockEnd is the index of the last line of the entry k: v: its nodes'
// lines, and then every line indented deeper than k (a block scalar's
// text, a flow collection's continuation, indented comments).
func (t *yamlFile) blockEnd(k, v *yaml.Node) int {
	end := max(k.Line, maxLine(v)) - 1
	indent := k.Column - 1
	for i := end + 1; i < len(t.lines); i++ {
		switch l := t.lines[i]; {
		case isBlank(l):
		case indentOf(l) <= indent:
			return end
		default:
			end = i
		}
	}
	return end
}

// blockStart is the index of the first line of the entry k: its key's
// line, or the comment lines just above it at its indentation.
func (t *yamlFile) blockStart(k *yaml.Node) int {
	i := k.Line - 1
	for i > 0 && isComment(t.lines[i-1]) && indentOf(t.lines[i-1]) == k.Column-1 {
		i--
	}
	return i
}

// afterEntries is the index just past the last entry of the block
// mapping m, where a new entry goes: after the last entry's own lines, and
// before comments that follow it at its indentation.
func (t *yamlFile) afterEntries(m *yaml.Node) int {
	n := len(m.Content)
	return t.blockEnd(m.Content[n-2], m.Content[n-1]) + 1
}

// insert puts lines before index at.
func (t *yamlFile) insert(at int, lines ...string) {
	t.lines = append(t.lines[:at], append(lines, t.lines[at:]...)...)
}

// replace puts lines in place of the lines from index from to index to,
// inclusive.
func (t *yamlFile) replace(from, to int, lines ...string) {
	t.lines = append(t.lines[:from], append(lines, t.lines[to+1:]...)...)
}

// spaced reports whether the file separates its top-level entries with
// blank lines, so that a new one should be too.
func (t *yamlFile) spaced() bool {
	for i := 1; i+1 < len(t.root.Content); i += 2 {
		if l := t.root.Content[i+1].Line - 2; l >= 0 && l < len(t.lines) && isBlank(t.lines[l]) {
			return true
		}
	}
	return false
}

// addTop adds a top-level entry before the entry named before, if the file
// has it, or at the end.
func (t *yamlFile) addTop(before string, lines ...string) {
	at := len(t.lines)
	if k, _ := pair(t.root, before); k != nil {
		at = t.blockStart(k)
	}
	for at > 0 && at == len(t.lines) && isBlank(t.lines[at-1]) {
		at-- // before the blank lines that end the file
	}
	if t.spaced() {
		if at > 0 && !isBlank(t.lines[at-1]) {
			lines = append([]string{""}, lines...)
		}
		if at < len(t.lines) && !isBlank(t.lines[at]) {
			lines = append(lines, "")
		}
	}
	t.insert(at, lines...)
	t.finalNL = true
}

// byteCol is the byte index in line of yaml.v3's column col, which counts
// characters from 1.
func byteCol(line string, col int) int {
	i := 0
	for n := 1; n < col && i < len(line); n++ {
		_, size := utf8.DecodeRuneInString(line[i:])
		i += size
	}
	return i
}

// skipProperties moves i past an anchor (&a) and a tag (!!int) written
// before a value, which yaml.v3's column includes.
func skipProperties(line string, i int) int {
	for i < len(line) && (line[i] == '&' || line[i] == '!') {
		for i < len(line) && line[i] != ' ' && line[i] != '\t' {
			i++
		}
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
	}
	return i
}

// scan reads line from from as YAML text, skipping quoted scalars and
// counting flow brackets. It returns the index of a comment (a # after
// white space), or -1; the index just past the bracket that closes the
// flow collection opened at from, or -1 (when from opens one); and false
// when a quoted scalar does not end on the line.
func scan(line string, from int) (comment, closing int, ok bool) {
	depth := 0
	var prev byte // the last character that is not white space
	for i := from; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ' ' || c == '\t':
			continue
		case c == '#' && i > 0 && (line[i-1] == ' ' || line[i-1] == '\t'):
			return i, -1, true
		case (c == '"' || c == '\'') && (i == from || strings.IndexByte("{[,:", prev) >= 0):
			j := i + 1
			for ; j < len(line); j++ {
				if c == '"' && line[j] == '\\' {
					j++
				} else if c == '\'' && line[j] == '\'' && j+1 < len(line) && line[j+1] == '\'' {
					j++
				} else if line[j] == c {
					break
				}
			}
			if j >= len(line) {
				return -1, -1, false
			}
			i = j
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			if depth--; depth == 0 {
				return commentAfter(line, i+1), i + 1, true
			}
		}
		prev = c
	}
	return -1, -1, true
}

// commentAfter is scan's comment index from i, where no quote is open.
func commentAfter(line string, i int) int {
	c, _, _ := scan(line, i)
	return c
}

// setText puts text in place of line li's bytes from start to end, moving
// a comment after them so it keeps its column where it can.
func (t *yamlFile) setText(li, start, end int, text string) {
	line := t.lines[li]
	comment := commentAfter(line, end)
	if comment < 0 {
		t.lines[li] = line[:start] + text + strings.TrimRight(line[end:], " \t")
		return
	}
	pad := line[end:comment]
	if !strings.Contains(pad, "\t") {
		pad = strings.Repeat(" ", max(1, len(pad)+(end-start)-len(text)))
	}
	t.lines[li] = line[:start] + text + pad + line[comment:]
}

// setScalar writes text as the value v, a single value on one line (or
// nothing, or null), keeping its anchor or tag and the comment after it.
func (t *yamlFile) setScalar(field string, v *yaml.Node, text string) error {
	if v.Kind != yaml.ScalarNode && v.Kind != yaml.AliasNode {
		return fmt.Errorf("%s is not a single value: set it by hand", field)
	}
	if v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return fmt.Errorf("%s is a block scalar (| or >): write it on one line, or set it by hand", field)
	}
	li := v.Line - 1
	line := t.lines[li]
	start := byteCol(line, v.Column)
	if implicitNull(v) {
		// yaml.v3 places nothing just after the colon; a comment after it
		// keeps its column where the spaces before it allow.
		rest := line[start:]
		spaces := len(rest) - len(strings.TrimLeft(rest, " "))
		switch {
		case strings.HasPrefix(rest[spaces:], "#"):
			rest = strings.Repeat(" ", max(1, spaces-1-len(text))) + rest[spaces:]
		case isBlank(rest):
			rest = ""
		}
		t.lines[li] = line[:start] + " " + text + rest
		return nil
	}
	start = skipProperties(line, start)
	comment, _, ok := scan(line, start)
	if !ok {
		return fmt.Errorf("%s continues on the next line: write it on one line, or set it by hand", field)
	}
	end := len(line)
	if comment >= 0 {
		end = comment
	}
	end = start + len(strings.TrimRight(line[start:end], " \t"))
	t.setText(li, start, end, text)
	return nil
}

// flowSpan is where the flow mapping m is written on its line: from its {
// to just past its }. It must be on one line.
func (t *yamlFile) flowSpan(field string, m *yaml.Node) (li, open, end int, err error) {
	li = m.Line - 1
	line := t.lines[li]
	open = skipProperties(line, byteCol(line, m.Column))
	if open >= len(line) || line[open] != '{' {
		return 0, 0, 0, fmt.Errorf("%s: no { where yaml.v3 places the mapping: set it by hand", field)
	}
	_, end, ok := scan(line, open)
	if !ok || end < 0 {
		return 0, 0, 0, fmt.Errorf("%s is a flow mapping ({...}) over several lines: write it on one line, or in block style, or set it by hand", field)
	}
	return li, open, end, nil
}

// flowEntry is a value to give a key of a flow mapping.
type flowEntry struct{ key, value string }

// flowText is a new flow mapping of entries.
func flowText(entries []flowEntry) string {
	parts := make([]string, len(entries))
	for i, e := range entries {
		parts[i] = e.key + ": " + e.value
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// rewriteFlow is the one-line flow mapping m with entries set: a key the
// mapping has (by same) gets its value replaced, as written, in place; the
// others are added at its end. Everything else, spacing included, stays.
func (t *yamlFile) rewriteFlow(field string, m *yaml.Node, entries []flowEntry, same func(written, key string) bool) (li, open, end int, text string, err error) {
	li, open, end, err = t.flowSpan(field, m)
	if err != nil {
		return
	}
	line := t.lines[li]
	closing := end - 1
	type span struct{ start, end int } // an entry's text, without the comma
	var spans []span
	n := len(m.Content) / 2
	for i := 0; i < n; i++ {
		k := m.Content[2*i]
		if k.Line != m.Line || m.Content[2*i+1].Line != m.Line {
			err = fmt.Errorf("%s is a flow mapping ({...}) over several lines: write it on one line, or set it by hand", field)
			return
		}
		start := byteCol(line, k.Column)
		stop := closing
		if i+1 < n {
			stop = byteCol(line, m.Content[2*i+2].Column)
		}
		seg := strings.TrimRight(line[start:stop], " \t")
		seg = strings.TrimRight(strings.TrimSuffix(seg, ","), " \t")
		spans = append(spans, span{start, start + len(seg)})
	}
	if n == 0 {
		return li, open, end, flowText(entries), nil
	}
	used := make([]bool, len(entries))
	var b strings.Builder
	b.WriteString("{")
	b.WriteString(line[open+1 : spans[0].start])
	sep := ", "
	for i, s := range spans {
		k, v := m.Content[2*i], m.Content[2*i+1]
		entry := line[s.start:s.end]
		for j, e := range entries {
			if used[j] || !same(k.Value, e.key) {
				continue
			}
			used[j] = true
			if implicitNull(v) {
				key := strings.TrimRight(strings.TrimSuffix(entry, ":"), " \t")
				entry = key + ": " + e.value
			} else {
				vs := skipProperties(line, byteCol(line, v.Column))
				entry = line[s.start:vs] + e.value
			}
		}
		b.WriteString(entry)
		if i+1 < len(spans) {
			sep = line[s.end:spans[i+1].start]
			b.WriteString(sep)
		}
	}
	for j, e := range entries {
		if !used[j] {
			b.WriteString(strings.TrimRight(sep, " \t") + " " + e.key + ": " + e.value)
		}
	}
	b.WriteString(line[spans[len(spans)-1].end:closing])
	b.WriteString("}")
	return li, open, end, b.String(), nil
}
