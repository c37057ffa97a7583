package scenarios

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
	"gopkg.in/yaml.v3"
)

// rawIndex is what viper forgets about a file: the line of each key, the key
// as written (viper lower-cases keys) and header names as written. Paths are
// lower-cased field paths like "endpoints[1].weight".
type rawIndex struct {
	entries map[string]rawEntry
	// headers holds each endpoint's headers as written, by endpoint index.
	headers map[int][]rawHeader
	// children lists the keys of each mapping, lower-cased, including those
	// viper drops: null values and empty mappings ("lod: {}").
	children map[string][]string
	// dups lists keys written twice in one mapping (as "rate" and "Rate",
	// which viper would silently merge into one).
	dups []rawDup
}

// rawDup is a key that repeats an earlier one of its mapping.
type rawDup struct {
	path       string // lower-cased field path
	key, first string // as written: the repeat and the first
	line       int    // the repeat's line
}

type rawKind int

const (
	rawNull rawKind = iota
	rawScalar
	rawMapping
	rawSequence
)

type rawEntry struct {
	line int    // 0 when the format has no lines for us
	key  string // the last path element as written
	kind rawKind
	text string // the scalar as written
}

type rawHeader struct {
	name, value string
	line        int
	scalar      bool
}

// maxRawNodes bounds the walk, which follows YAML aliases: a document that
// reuses anchors exponentially must not make indexing exponential.
const maxRawNodes = 100000

func newRawIndex() *rawIndex {
	return &rawIndex{entries: map[string]rawEntry{}, headers: map[int][]rawHeader{}, children: map[string][]string{}}
}

// indexFile indexes data in format, using doc, YAML data already parsed,
// when it is not nil. It never fails: a file it cannot read only loses
// positions, and viper has reported its syntax already.
func indexFile(format string, data []byte, doc *yaml.Node) *rawIndex {
	ix := newRawIndex()
	switch format {
	case "yaml":
		if doc != nil {
			budget := maxRawNodes
			ix.walkYAML("", doc, &budget)
		} else {
			ix.fromYAML(data)
		}
	case "json":
		// JSON is YAML's flow style, so yaml.v3 gives JSON files lines too;
		// tabs and duplicate keys can defeat it, and then lines are lost.
		// Header values are JSON's own reading of the strings, whose escapes
		// (surrogate pairs) YAML reads differently.
		var m map[string]any
		if json.Unmarshal(data, &m) != nil {
			return ix
		}
		byJSON := newRawIndex()
		byJSON.fromValue("", m)
		if ix.fromYAML(data) {
			ix.headers = byJSON.headers
		} else {
			ix = byJSON
		}
	case "toml":
		var m map[string]any
		if toml.Unmarshal(data, &m) == nil {
			ix.fromValue("", m)
		}
	}
	return ix
}

func (ix *rawIndex) fromYAML(data []byte) bool {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return false
	}
	budget := maxRawNodes
	ix.walkYAML("", &doc, &budget)
	return true
}

func (ix *rawIndex) walkYAML(path string, n *yaml.Node, budget *int) {
	n = resolveAlias(n)
	if n == nil || *budget <= 0 {
		return
	}
	*budget--
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			ix.walkYAML(path, c, budget)
		}
	case yaml.MappingNode:
		for _, p := range yamlPairs(n, budget) {
			child := joinPath(path, strings.ToLower(p.key.Value))
			if first, dup := ix.entries[child]; !dup {
				ix.entries[child] = rawEntry{line: p.key.Line, key: p.key.Value, kind: yamlKind(p.value), text: yamlText(p.value)}
				ix.children[path] = append(ix.children[path], strings.ToLower(p.key.Value))
			} else {
				ix.dups = append(ix.dups, rawDup{path: child, key: p.key.Value, first: first.key, line: p.key.Line})
			}
			if i, ok := headersOf(child); ok {
				ix.yamlHeaders(i, p.value, budget)
			}
			ix.walkYAML(child, p.value, budget)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			child := fmt.Sprintf("%s[%d]", path, i)
			r := resolveAlias(c)
			if r == nil {
				continue
			}
			ix.entries[child] = rawEntry{line: c.Line, kind: yamlKind(r), text: yamlText(r)}
			ix.walkYAML(child, c, budget)
		}
	}
}

func (ix *rawIndex) yamlHeaders(endpoint int, n *yaml.Node, budget *int) {
	n = resolveAlias(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	var hs []rawHeader
	for _, p := range yamlPairs(n, budget) {
		v := resolveAlias(p.value)
		hs = append(hs, rawHeader{name: p.key.Value, value: yamlText(v), line: p.key.Line, scalar: yamlKind(v) <= rawScalar})
	}
	ix.headers[endpoint] = hs
}

type yamlPair struct{ key, value *yaml.Node }

// yamlPairs lists a mapping's entries, expanding merge keys (<<: *base) the
// way a decoder does: keys written in the mapping win over merged ones.
func yamlPairs(n *yaml.Node, budget *int) []yamlPair {
	var own, merged []yamlPair
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			merged = append(merged, mergedPairs(v, budget)...)
			continue
		}
		own = append(own, yamlPair{k, v})
	}
	seen := map[string]bool{}
	for _, p := range own {
		seen[p.key.Value] = true
	}
	for _, p := range merged {
		if !seen[p.key.Value] {
			seen[p.key.Value] = true
			own = append(own, p)
		}
	}
	return own
}

func mergedPairs(v *yaml.Node, budget *int) []yamlPair {
	v = resolveAlias(v)
	if v == nil || *budget <= 0 {
		return nil
	}
	*budget--
	switch v.Kind {
	case yaml.MappingNode:
		return yamlPairs(v, budget)
	case yaml.SequenceNode:
		var ps []yamlPair
		for _, c := range v.Content {
			ps = append(ps, mergedPairs(c, budget)...)
		}
		return ps
	}
	return nil
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	// An alias cannot point at itself through yaml.v3's parser, but bound
	// the chain anyway.
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil
	}
	return n
}

func yamlKind(n *yaml.Node) rawKind {
	n = resolveAlias(n)
	switch {
	case n == nil:
		return rawNull
	case n.Kind == yaml.MappingNode:
		return rawMapping
	case n.Kind == yaml.SequenceNode:
		return rawSequence
	case n.Kind == yaml.ScalarNode && n.Tag == "!!null":
		return rawNull
	}
	return rawScalar
}

func yamlText(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return ""
	}
	return n.Value
}

// fromValue indexes a decoded TOML or JSON value; these carry no lines.
func (ix *rawIndex) fromValue(path string, v any) {
	budget := maxRawNodes
	ix.walkValue(path, v, &budget)
}

func (ix *rawIndex) walkValue(path string, v any, budget *int) {
	if *budget <= 0 {
		return
	}
	*budget--
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			child := joinPath(path, strings.ToLower(k))
			text, kind := valueText(v[k])
			if _, dup := ix.entries[child]; !dup {
				ix.entries[child] = rawEntry{key: k, kind: kind, text: text}
				ix.children[path] = append(ix.children[path], strings.ToLower(k))
			}
			if i, ok := headersOf(child); ok {
				if hm, ok := v[k].(map[string]any); ok {
					ix.headers[i] = valueHeaders(hm)
				}
			}
			ix.walkValue(child, v[k], budget)
		}
	case []any:
		for i, c := range v {
			child := fmt.Sprintf("%s[%d]", path, i)
			text, kind := valueText(c)
			ix.entries[child] = rawEntry{kind: kind, text: text}
			ix.walkValue(child, c, budget)
		}
	}
}

func valueHeaders(m map[string]any) []rawHeader {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	hs := make([]rawHeader, 0, len(names))
	for _, k := range names {
		text, kind := valueText(m[k])
		hs = append(hs, rawHeader{name: k, value: text, scalar: kind <= rawScalar})
	}
	return hs
}

// valueText formats a decoded scalar as text.
func valueText(v any) (string, rawKind) {
	switch v := v.(type) {
	case nil:
		return "", rawNull
	case map[string]any, map[any]any:
		return "", rawMapping
	case []any:
		return "", rawSequence
	case string:
		return v, rawScalar
	case bool:
		return strconv.FormatBool(v), rawScalar
	case int:
		return strconv.Itoa(v), rawScalar
	case int64:
		return strconv.FormatInt(v, 10), rawScalar
	case uint64:
		return strconv.FormatUint(v, 10), rawScalar
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64), rawScalar
	case time.Time:
		if v.Hour() == 0 && v.Minute() == 0 && v.Second() == 0 && v.Nanosecond() == 0 {
			return v.Format(time.DateOnly), rawScalar
		}
		return v.Format(time.RFC3339Nano), rawScalar
	case fmt.Stringer: // TOML's local dates and times
		return v.String(), rawScalar
	}
	return fmt.Sprint(v), rawScalar
}

// headersOf reports whether path is "endpoints[N].headers" and returns N.
func headersOf(path string) (int, bool) {
	rest, ok := strings.CutPrefix(path, "endpoints[")
	if !ok {
		return 0, false
	}
	num, ok := strings.CutSuffix(rest, "].headers")
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(num)
	return i, err == nil
}

// line returns the line of field, or of its nearest ancestor the file
// gives, so a missing key points at its section. 0 means unknown.
func (ix *rawIndex) line(field string) int {
	p := strings.ToLower(field)
	for p != "" {
		if e, ok := ix.entries[p]; ok && e.line > 0 {
			return e.line
		}
		p = parentPath(p)
	}
	return 0
}

// spelling returns the last element of path as the file writes it, or ""
// when the file does not have it.
func (ix *rawIndex) spelling(path string) string {
	return ix.entries[strings.ToLower(path)].key
}

// has reports whether the file gives path a non-null value.
func (ix *rawIndex) has(path string) bool {
	e, ok := ix.entries[strings.ToLower(path)]
	return ok && e.kind != rawNull
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func indexPath(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// parentPath strips the last element: "a.b[2]" → "a.b" → "a" → "".
func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

// kind returns the kind of the value the file gives path.
func (ix *rawIndex) kind(path string) rawKind {
	return ix.entries[strings.ToLower(path)].kind
}
