package scenarios

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// A scenario file's size and nesting depth are checked before viper or the
// raw index see it: both cost memory quadratic (viper's key paths, cubic)
// in the depth of the document, and a 60 KB TOML file nested a few
// thousand levels deep once took 2 GB. The checks are linear and allocate
// next to nothing: JSON and TOML are scanned as text, YAML is parsed once
// into nodes (yaml.v3 bounds its own depth at 10000) and that parse is
// reused for the index.

// checkShape reports a file too large or nested too deeply as one
// positioned error. For YAML it returns the parsed document, nil when
// yaml.v3 cannot parse it (viper then reports the syntax error).
func checkShape(name, format string, data []byte) (*yaml.Node, *Error) {
	if len(data) > MaxFileSize {
		return nil, &Error{File: name, Msg: fmt.Sprintf("the file is %.1f MiB: a scenario file is at most %d MiB; keep large payloads in body_file", float64(len(data))/(1<<20), MaxFileSize>>20)}
	}
	var line int
	var doc *yaml.Node
	switch format {
	case "json":
		line = jsonTooDeep(data, MaxDepth)
	case "toml":
		line = tomlTooDeep(data, MaxDepth)
	case "yaml":
		var n yaml.Node
		if yaml.Unmarshal(data, &n) == nil {
			doc = &n
			line = yamlTooDeep(doc, MaxDepth)
		}
	}
	if line > 0 {
		return nil, &Error{File: name, Line: line, Msg: fmt.Sprintf("mappings and lists nest more than %d levels deep here: a scenario needs at most 5; flatten the file", MaxDepth)}
	}
	return doc, nil
}

// jsonTooDeep returns the line where data's objects and arrays first nest
// deeper than limit, or 0. It reads only strings and brackets, so it works on
// invalid JSON too (whose syntax viper reports).
func jsonTooDeep(data []byte, limit int) int {
	line, depth := 1, 0
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '\n':
			line++
		case '"':
			for i++; i < len(data) && data[i] != '"'; i++ {
				switch data[i] {
				case '\\':
					i++
				case '\n':
					line++
				}
			}
		case '{', '[':
			if depth++; depth > limit {
				return line
			}
		case '}', ']':
			depth--
		}
	}
	return 0
}

// tomlTooDeep returns the line where data's tables, dotted keys, inline
// tables and arrays first nest deeper than limit, or 0. Depth counts
// containers as in JSON: the root table is 1, so "a.b = [1]" is 3 deep
// (root, a, the array) and "[a.b]" opens a table 3 deep.
//
// It scans the text: strings and comments are skipped, dots count only in
// keys, and brackets only outside strings, which in TOML (unlike YAML's
// plain scalars) are always structure.
func tomlTooDeep(data []byte, limit int) int {
	var (
		line     = 1
		table    = 1    // depth of the current [table]
		stack    []int  // depth of each open inline table or array
		kinds    []byte // '{' or '[' for each
		parent   = 1    // depth of the container the next value sits in
		atKey    = true // a key may start here
		keyParts = 1    // parts of the dotted key being read
		n        = len(data)
	)
	top := func() int {
		if len(stack) == 0 {
			return table
		}
		return stack[len(stack)-1]
	}
	for i := 0; i < n; i++ {
		c := data[i]
		switch c {
		case '\n':
			line++
			if len(stack) == 0 {
				atKey, keyParts = true, 1
			}
		case '#':
			for i+1 < n && data[i+1] != '\n' {
				i++
			}
		case '"', '\'':
			i, line = skipTOMLString(data, i, line)
		case '.':
			if atKey {
				keyParts++
			}
		case '=':
			if atKey {
				parent = top() + keyParts - 1
				if parent > limit {
					return line
				}
				atKey, keyParts = false, 1
			}
		case '[':
			if len(stack) == 0 && atKey {
				// A table header, [a.b] or [[a.b]]: read it to its end.
				array := i+1 < n && data[i+1] == '['
				parts := 1
				for i++; i < n && data[i] != ']' && data[i] != '\n'; i++ {
					switch data[i] {
					case '.':
						parts++
					case '"', '\'':
						i, line = skipTOMLString(data, i, line)
					}
				}
				if array && i+1 < n && data[i+1] == ']' {
					i++
				}
				if table = 1 + parts; array {
					table++
				}
				if table > limit {
					return line
				}
				atKey = false
				continue
			}
			fallthrough
		case '{':
			d := parent + 1
			if d > limit {
				return line
			}
			stack, kinds = append(stack, d), append(kinds, c)
			parent = d
			atKey, keyParts = c == '{', 1
		case ']', '}':
			if len(stack) > 0 {
				stack, kinds = stack[:len(stack)-1], kinds[:len(kinds)-1]
			}
			parent = top()
		case ',':
			if len(kinds) > 0 && kinds[len(kinds)-1] == '{' {
				atKey, keyParts = true, 1
			}
		}
	}
	return 0
}

// skipTOMLString skips the string that starts at data[i] (basic or
// literal, single- or multi-line) and returns the index of its last byte
// and the line it ends on. An unclosed string ends at the end of its line
// (single-line) or of the data (multi-line).
func skipTOMLString(data []byte, i, line int) (int, int) {
	q := data[i]
	n := len(data)
	if i+2 < n && data[i+1] == q && data[i+2] == q {
		for i += 3; i < n; i++ {
			switch {
			case data[i] == '\n':
				line++
			case data[i] == '\\' && q == '"':
				if i+1 < n && data[i+1] == '\n' {
					line++
				}
				i++
			case data[i] == q && i+2 < n && data[i+1] == q && data[i+2] == q:
				// Up to two more quotes may close the string ("""a"""").
				i += 2
				for i+1 < n && data[i+1] == q {
					i++
				}
				return i, line
			}
		}
		return n - 1, line
	}
	for i++; i < n && data[i] != '\n'; i++ {
		switch {
		case data[i] == '\\' && q == '"':
			i++
		case data[i] == q:
			return i, line
		}
	}
	return i - 1, line
}

// yamlTooDeep returns the line of the first node that sits deeper than limit
// in doc, following aliases, or 0. Each node is measured once, so a
// document that reuses anchors exponentially costs linear time, and the
// walk never goes more than limit levels down.
func yamlTooDeep(doc *yaml.Node, limit int) int {
	height := map[*yaml.Node]int{} // of nodes measured in full
	var walk func(n *yaml.Node, depth int) (int, int)
	// walk returns n's height (0 for a scalar, 1 for a flat mapping) and
	// the line of a node past limit, having n at depth containers down.
	walk = func(n *yaml.Node, depth int) (int, int) {
		for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
			n = n.Alias
		}
		if n == nil || n.Kind == yaml.AliasNode {
			return 0, 0
		}
		if h, ok := height[n]; ok {
			if depth+h > limit {
				return h, n.Line
			}
			return h, 0
		}
		inner := depth
		if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
			inner++
			if inner > limit {
				return 0, n.Line
			}
		}
		h := 0
		for _, c := range n.Content {
			ch, bad := walk(c, inner)
			if bad > 0 {
				return 0, bad
			}
			h = max(h, ch)
		}
		if inner > depth {
			h++
		}
		height[n] = h
		return h, 0
	}
	_, line := walk(doc, 0)
	return line
}
