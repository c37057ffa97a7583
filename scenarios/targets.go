package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// An endpoint may take its requests from a vegeta targets file
// (endpoints[].targets), in vegeta's http or json format, read with
// vegeta's own parsers when the scenario loads (doc.go, Targets). Request
// n takes target n as data_order says, like a data file's rows.

// Limits of a targets file.
const (
	// MaxTargetsSize bounds a targets file.
	MaxTargetsSize = 256 << 20
	// MaxTargets bounds the targets of a file.
	MaxTargets = 1_000_000
)

// The formats of a targets file, vegeta's names.
const (
	TargetsHTTP = "http"
	TargetsJSON = "json"
)

// Targets is a targets file as read: its requests, in order. Immutable
// once loaded.
type Targets struct {
	File, Format string
	List         []Target
}

// Target is one request of a targets file. URI is its path and query: the
// scheme and host of the file's URL give way to the scenario's target.
type Target struct {
	Method string
	URI    string
	Header http.Header
	Body   []byte
}

// targetsFormat is the format of a targets file: json for .json and
// .jsonl, or a file whose first request starts with {; http otherwise.
func targetsFormat(name string, data []byte) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json", ".jsonl", ".ndjson":
		return TargetsJSON
	}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "{") {
			return TargetsJSON
		}
		break
	}
	return TargetsHTTP
}

var methodLine = regexp.MustCompile(`^[A-Z]+\s`)

// parseTargets reads a targets file with vegeta's parsers, one request at
// a time so each problem has its line. hdr are headers every request gets
// (the endpoint's), as vegeta's -header; body reads the file an http
// target's @path line names.
func parseTargets(name string, data []byte, hdr http.Header, body func(path string) ([]byte, error)) (*Targets, []string) {
	p := &dataProblems{name: name}
	ts := &Targets{File: name, Format: targetsFormat(name, data)}
	lines := strings.Split(string(bytes.TrimPrefix(data, utf8BOM)), "\n")
	add := func(line int, tgt vegeta.Target) {
		if len(ts.List) == MaxTargets {
			p.add(line, "is target %d: a targets file holds at most %d; split the file", len(ts.List)+1, MaxTargets)
			return
		}
		t, err := checkTarget(tgt)
		if err != nil {
			p.add(line, "%v", err)
			return
		}
		ts.List = append(ts.List, t)
	}
	switch ts.Format {
	case TargetsJSON:
		for i, line := range lines {
			if strings.TrimSpace(line) == "" {
				continue
			}
			var tgt vegeta.Target
			if err := vegeta.NewJSONTargeter(strings.NewReader(line+"\n"), nil, cloneHeader(hdr))(&tgt); err != nil {
				p.add(i+1, "is not a vegeta JSON target: %v", err)
				continue
			}
			add(i+1, tgt)
		}
	case TargetsHTTP:
		for i := 0; i < len(lines); {
			line := strings.TrimSpace(lines[i])
			if line == "" || strings.HasPrefix(line, "#") {
				i++
				continue
			}
			start := i
			if !methodLine.MatchString(line) {
				p.add(start+1, "%q does not start a request: write METHOD URL, like GET http://localhost/api/manuals/1, then its headers, then @FILE for a body", line)
				for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "" && !methodLine.MatchString(strings.TrimSpace(lines[i])); i++ {
				}
				continue
			}
			// The request's lines: its method line, then headers and
			// comments up to a blank line, the next request or @FILE.
			block := []string{line}
			var payload []byte
			failed := false
			for i++; i < len(lines); i++ {
				l := strings.TrimSpace(lines[i])
				if l == "" || methodLine.MatchString(l) {
					break
				}
				if strings.HasPrefix(l, "@") {
					b, err := body(l[1:])
					if err != nil {
						p.add(i+1, "%v", err)
						failed = true
					}
					payload = b
					i++
					break
				}
				block = append(block, l)
			}
			if failed {
				continue
			}
			var tgt vegeta.Target
			if err := vegeta.NewHTTPTargeter(strings.NewReader(strings.Join(block, "\n")), payload, cloneHeader(hdr))(&tgt); err != nil {
				p.add(start+1+offending(block, err), "is not a vegeta target: %v", err)
				continue
			}
			add(start+1, tgt)
		}
	}
	if len(p.list) == 0 && len(ts.List) == 0 {
		p.add(0, "has no targets: write one request like GET http://localhost/api/manuals/1 (vegeta's http format) or {\"method\": \"GET\", \"url\": \"http://localhost/\"} a line (json)")
	}
	if len(p.list) > 0 {
		return nil, p.messages()
	}
	return ts, nil
}

// offending is the line of block a vegeta parse error names, counting
// from 0; 0 when it names none.
func offending(block []string, err error) int {
	msg := err.Error()
	for i := len(block) - 1; i > 0; i-- {
		if strings.Contains(msg, block[i]) {
			return i
		}
	}
	return 0
}

func cloneHeader(h http.Header) http.Header {
	c := http.Header{}
	for k, vs := range h {
		c[k] = append([]string(nil), vs...)
	}
	return c
}

// checkTarget checks a request vegeta parsed and keeps its path and query.
func checkTarget(tgt vegeta.Target) (Target, error) {
	t := Target{Method: tgt.Method, Header: cloneHeader(tgt.Header), Body: tgt.Body}
	if !isToken(t.Method) {
		return t, fmt.Errorf("%q is not an HTTP method: write one like GET or POST", t.Method)
	}
	u, err := url.Parse(tgt.URL)
	switch {
	case err != nil:
		return t, fmt.Errorf("%q is not a URL: %v", tgt.URL, unwrapURLError(err))
	case u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https":
		return t, fmt.Errorf("%q is not an http or https URL", tgt.URL)
	case u.Scheme == "" && !strings.HasPrefix(tgt.URL, "/"):
		return t, fmt.Errorf("%q is neither a URL nor a path that starts with /", tgt.URL)
	}
	t.URI = u.RequestURI()
	if strings.ContainsAny(t.URI, " \t\r\n") {
		return t, fmt.Errorf("%q is not a valid request path: escape spaces and special characters (%%20)", t.URI)
	}
	for _, k := range sortedKeys(t.Header) {
		if !isToken(k) {
			return t, fmt.Errorf("%q is not a valid header name: use letters, digits and -", k)
		}
		for _, v := range t.Header[k] {
			if !validHeaderValue(v) {
				return t, fmt.Errorf("header %s has control characters or invalid UTF-8: header values are one line of text", k)
			}
		}
	}
	return t, nil
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// targetsKeys are the keys a targets file replaces: an endpoint with
// targets gives none of them.
var targetsKeys = []string{"method", "path", "body", "body_file"}

// readTargets reads the endpoint's targets file and the payload files its
// http targets name.
func (d *decoder) readTargets(path string, m map[string]any, e *Endpoint) {
	field := path + ".targets"
	for _, key := range targetsKeys {
		if _, given := m[key]; given {
			d.fail(path+"."+key, "comes from the targets file, which names each request's method, URL and body: remove %s", key)
		}
	}
	if e.Data != "" {
		d.fail(field, "give data or targets, not both: data fills the endpoint's own path, headers and body; targets are whole requests")
		return
	}
	if e.GroupBy != "" {
		d.fail(path+".group_by", "groups requests by a field of a data file, and targets have no fields: use data with group_by, or remove group_by")
	}
	raw, err := d.readBody(e.Targets, readOpt{outside: d.allowOutside, key: "targets", limit: MaxTargetsSize})
	if err != nil {
		d.fail(field, "%v", err)
		return
	}
	// The digest covers the payload files the targets name too.
	digest := bodyDigest(string(raw))
	hdr := http.Header{}
	for _, k := range sortedKeys(e.Headers) {
		hdr[k] = []string{e.Headers[k]}
	}
	ts, problems := parseTargets(e.Targets, raw, hdr, func(rel string) ([]byte, error) {
		b, err := d.readBody(rel, readOpt{outside: d.allowOutside, key: "a target's @file"})
		if err == nil {
			digest += " " + rel + " " + bodyDigest(string(b))
		}
		return b, err
	})
	e.TargetsSHA256 = bodyDigest(digest)
	for _, msg := range problems {
		d.fail(field, "%s", msg)
	}
	if ts != nil {
		e.TargetList = ts
	}
}
