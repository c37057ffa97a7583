package scenarios

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Placeholders (doc.go, Feeders): in the path, header values and body of an
// endpoint with a data file, {{.field}} is the field's value in the row of
// the request. The syntax is Go templates', restricted to field references
// and string constants ({{"{{"}} writes a literal {{); it cannot be taken
// for ${VAR}, which is expanded from the environment when the file loads,
// nor for the {bin} of server and profile commands. A Template is parsed
// once, when the scenario loads, and filled per request without parsing or
// reflection.

// Template is a text with placeholders of a data file's fields.
type Template struct {
	text  string
	parts []templatePart
}

type templatePart struct {
	lit   string // literal text, when name is ""
	name  string // the field
	field int    // its index in the feed's Fields, once bound
	esc   escaping
}

// escaping is how a value is written where its placeholder stands.
type escaping uint8

const (
	escNone  escaping = iota
	escPath           // a path segment: url.PathEscape
	escQuery          // a query value: url.QueryEscape
)

var placeholderRE = regexp.MustCompile(`\{\{-?\s*\.[A-Za-z_]`)

// hasPlaceholder reports whether s holds what looks like a placeholder of a
// field, {{.name}}.
func hasPlaceholder(s string) bool { return placeholderRE.MatchString(s) }

// parseTemplate parses text; path says it is a request path, whose values
// are escaped: as a path segment before the first ?, as a query value after.
func parseTemplate(text string, path bool) (*Template, error) {
	t := &Template{text: text}
	esc := escNone
	if path {
		esc = escPath
	}
	s := text
	for s != "" {
		i := strings.Index(s, "{{")
		lit := s
		if i >= 0 {
			lit = s[:i]
		}
		if lit != "" {
			t.addLiteral(lit)
			if path && esc == escPath && strings.Contains(lit, "?") {
				esc = escQuery
			}
		}
		if i < 0 {
			break
		}
		s = s[i+2:]
		end := strings.Index(s, "}}")
		if end < 0 {
			return nil, fmt.Errorf(`{{ is not closed: write {{.field}}, or {{"{{"}} for a literal {{`)
		}
		action := strings.TrimSpace(s[:end])
		s = s[end+2:]
		switch {
		case strings.HasPrefix(action, "."):
			name := action[1:]
			if !isFieldName(name) {
				return nil, fmt.Errorf("{{%s}} is not a placeholder: write {{.field}} with a field name of letters, digits and _", action)
			}
			t.parts = append(t.parts, templatePart{name: name, field: -1, esc: esc})
		case strings.HasPrefix(action, `"`) || strings.HasPrefix(action, "`"):
			lit, err := strconv.Unquote(action)
			if err != nil {
				return nil, fmt.Errorf("{{%s}} is not a quoted string: write {{\"{{\"}} for a literal {{", action)
			}
			t.addLiteral(lit)
		default:
			return nil, fmt.Errorf(`{{%s}} is not a placeholder: only {{.field}} (a field of the data file) and {{"text"}} are filled in, not other template actions; write {{"{{"}} for a literal {{`, action)
		}
	}
	return t, nil
}

func (t *Template) addLiteral(s string) {
	if n := len(t.parts); n > 0 && t.parts[n-1].name == "" {
		t.parts[n-1].lit += s
		return
	}
	t.parts = append(t.parts, templatePart{lit: s, field: -1})
}

// isFieldName reports whether s can be named in a placeholder: letters,
// digits and _, not starting with a digit, as Go templates' fields.
func isFieldName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// Text is the template as written.
func (t *Template) Text() string { return t.text }

// Static reports whether the template has no placeholder.
func (t *Template) Static() bool {
	for _, p := range t.parts {
		if p.name != "" {
			return false
		}
	}
	return true
}

// Fields lists the fields the template names, each once, in order.
func (t *Template) Fields() []string {
	var out []string
	for _, p := range t.parts {
		if p.name != "" && !containsString(out, p.name) {
			out = append(out, p.name)
		}
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// String is the template with its constants filled in and every field
// written as sample: what validation checks of a templated path.
func (t *Template) sample(value string) string {
	var b strings.Builder
	for _, p := range t.parts {
		if p.name == "" {
			b.WriteString(p.lit)
		} else {
			b.WriteString(value)
		}
	}
	return b.String()
}

// bind numbers the template's fields as f does; every field must be in f.
func (t *Template) bind(f *Feed) error {
	for i := range t.parts {
		p := &t.parts[i]
		if p.name == "" {
			continue
		}
		if p.field = f.FieldIndex(p.name); p.field < 0 {
			return fmt.Errorf("%s has no field %s", f.File, p.name)
		}
	}
	return nil
}

// Append appends the template filled with row of f, the feed it was bound
// to, to dst: a path's values escaped, others as they are.
func (t *Template) Append(dst []byte, f *Feed, row int) []byte {
	for _, p := range t.parts {
		if p.name == "" {
			dst = append(dst, p.lit...)
			continue
		}
		v := f.Value(row, p.field)
		switch p.esc {
		case escPath:
			v = url.PathEscape(v)
		case escQuery:
			v = url.QueryEscape(v)
		}
		dst = append(dst, v...)
	}
	return dst
}

// Fill is Append to a new string.
func (t *Template) Fill(f *Feed, row int) string { return string(t.Append(nil, f, row)) }

// RequestTemplate is an endpoint's request as templates of its data file's
// fields, bound to its Feed: each request fills them with one row.
type RequestTemplate struct {
	Feed    *Feed
	Path    *Template
	Headers []HeaderTemplate // sorted by name
	Body    *Template
}

// HeaderTemplate is one header whose value is a template.
type HeaderTemplate struct {
	Name  string
	Value *Template
}

// Template parses the endpoint's path, header values and body as templates
// bound to its Feed, as the scenario's validation did: nil for an endpoint
// without a data file. The runner fills it per request.
func (e *Endpoint) Template() (*RequestTemplate, error) {
	if e.Feed == nil {
		if e.Data != "" {
			return nil, fmt.Errorf("endpoint %s: its data file %s is not loaded: load the scenario from its file (scenarios.Load)", e.Name, e.Data)
		}
		return nil, nil
	}
	rt := &RequestTemplate{Feed: e.Feed}
	var err error
	bind := func(text string, path bool) *Template {
		if err != nil {
			return nil
		}
		var t *Template
		if t, err = parseTemplate(text, path); err == nil {
			err = t.bind(e.Feed)
		}
		return t
	}
	rt.Path = bind(e.Path, true)
	for _, name := range sortedKeys(e.Headers) {
		rt.Headers = append(rt.Headers, HeaderTemplate{Name: name, Value: bind(e.Headers[name], false)})
	}
	rt.Body = bind(e.Body, false)
	if err != nil {
		return nil, fmt.Errorf("endpoint %s: %w", e.Name, err)
	}
	return rt, nil
}
