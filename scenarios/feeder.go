package scenarios

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// A feeder is an endpoint's data file (endpoints[].data): CSV with a header
// row, or JSON Lines, whose rows fill the placeholders of the endpoint's
// path, headers and body, one row per request (doc.go, Feeders). It is read
// once, when the scenario loads, into a Feed: the values of the fields the
// endpoint uses, back to back in one byte slice, with an offset per value.
// A Feed is immutable and shared by every stream, repetition and run of
// the scenario: a 1,000,000-row file of ids costs a few bytes a row.

// Limits of a data file.
const (
	// MaxDataSize bounds a data file.
	MaxDataSize = 1 << 30
	// MaxDataRows bounds the rows of a data file.
	MaxDataRows = 10_000_000
	// MaxGroups is the most groups group_by records apart; the requests of
	// the other values are pooled in the group OtherGroup.
	MaxGroups = 50
	// MaxGroupValue bounds a group_by value, which names rows in tables.
	MaxGroupValue = 64
	// maxDataProblems is how many problems of one data file are listed.
	maxDataProblems = 10
)

// OtherGroup is the group of the values of a group_by field beyond the
// MaxGroups most frequent.
const OtherGroup = "other"

// The formats of a data file, by its extension.
const (
	FormatCSV   = "csv"
	FormatJSONL = "jsonl"
)

// Feed is a data file read for one endpoint: its rows' values of the fields
// the endpoint uses. It is immutable once loaded and safe for concurrent
// use.
type Feed struct {
	// File is the path as the scenario names it; Format FormatCSV or
	// FormatJSONL.
	File   string
	Format string
	// Header lists every field of the file (a CSV header row, or the keys
	// of a JSON Lines file's first object), Fields those kept, in the
	// order Value numbers them.
	Header []string
	Fields []string

	rows int
	vals []byte
	offs []uint32 // value i of row r is vals[offs[r*n+i]:offs[r*n+i+1]]

	// groupBy is the index in Fields of the group_by field, -1 without.
	groupBy int
	// groups names the groups (OtherGroup last when some values are
	// pooled), groupOf is each row's group, pooled counts the values in
	// OtherGroup.
	groups  []string
	groupOf []uint8
	pooled  int
}

// Rows is the number of rows.
func (f *Feed) Rows() int { return f.rows }

// Value is row's value of field i (an index into Fields). The string
// shares the feed's memory: no copy is made.
func (f *Feed) Value(row, i int) string {
	k := row*len(f.Fields) + i
	lo, hi := f.offs[k], f.offs[k+1]
	if lo == hi {
		return ""
	}
	return unsafe.String(&f.vals[lo], int(hi-lo))
}

// FieldIndex is the index in Fields of name, or -1.
func (f *Feed) FieldIndex(name string) int { return slices.Index(f.Fields, name) }

// Groups names the groups of the group_by field: its values (the
// MaxGroups most frequent, in the order the file first gives them), then
// OtherGroup when more values were pooled. Nil without group_by.
func (f *Feed) Groups() []string { return f.groups }

// GroupOf is the index in Groups of row's group.
func (f *Feed) GroupOf(row int) int { return int(f.groupOf[row]) }

// Pooled is the number of distinct group_by values pooled in OtherGroup.
func (f *Feed) Pooled() int { return f.pooled }

// Bytes is the memory the feed holds, roughly.
func (f *Feed) Bytes() int { return cap(f.vals) + 4*cap(f.offs) + cap(f.groupOf) }

// dataFormat is the format of a data file named name, by its extension.
func dataFormat(name string) (string, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return FormatCSV, nil
	case ".jsonl", ".ndjson":
		return FormatJSONL, nil
	}
	return "", fmt.Errorf("%q is neither .csv nor .jsonl: name a CSV file with a header row .csv, or a JSON Lines file (one object a line) .jsonl", name)
}

// dataProblem is one problem of a data file, at a line of it (0: the file).
type dataProblem struct {
	line int
	msg  string
}

// dataProblems collects a data file's problems, the first maxDataProblems
// of them in full.
type dataProblems struct {
	name  string
	list  []dataProblem
	more  int
	lines map[int]bool
}

func (p *dataProblems) add(line int, format string, args ...any) {
	if line > 0 {
		if p.lines[line] {
			return // one problem a line is enough
		}
		if p.lines == nil {
			p.lines = map[int]bool{}
		}
		p.lines[line] = true
	}
	if len(p.list) == maxDataProblems {
		p.more++
		return
	}
	p.list = append(p.list, dataProblem{line, fmt.Sprintf(format, args...)})
}

// messages are the problems as "file:line: what", and a last line counting
// those left out.
func (p *dataProblems) messages() []string {
	var out []string
	for _, d := range p.list {
		pos := p.name
		if d.line > 0 {
			pos += ":" + strconv.Itoa(d.line)
		}
		out = append(out, pos+": "+d.msg)
	}
	if p.more > 0 {
		out = append(out, fmt.Sprintf("%s: %d more %s not listed: fix the ones above first", p.name, p.more, plural(p.more, "problem", "problems")))
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// feedSpec says what to keep of a data file and how to check it.
type feedSpec struct {
	// fields are the fields kept, in order; header marks those used in
	// header values (one line of text each), groupBy names the group_by
	// field ("" without).
	fields  []string
	header  map[string]bool
	groupBy string
}

// readFeed reads a data file of format from r, in one pass: its header (a
// CSV file's header row, or the keys of a JSON Lines file's first object),
// which choose turns into what to keep (nil: stop, the header does not
// serve), then its rows. The problems are the file's, positioned at its
// lines; a feed is returned only without any.
func readFeed(name, format string, r io.Reader, choose func(header []string) *feedSpec) (feed *Feed, header []string, problems []string) {
	p := &dataProblems{name: name}
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, _ := br.Peek(len(utf8BOM)); bytes.Equal(bom, utf8BOM) {
		br.Discard(len(utf8BOM))
	}
	f := &Feed{File: name, Format: format, groupBy: -1}
	// Values grow by doubling; their final size is copied exactly below.
	f.offs = append(make([]uint32, 0, 1024), 0)
	f.vals = make([]byte, 0, 64<<10)
	var ok bool
	switch format {
	case FormatCSV:
		header, ok = readCSV(f, br, p, choose)
	case FormatJSONL:
		header, ok = readJSONL(f, br, p, choose)
	}
	if ok && len(p.list) == 0 && f.rows == 0 {
		p.add(0, "has a header but no rows: add a row per request")
	}
	if !ok || len(p.list) > 0 {
		return nil, header, p.messages()
	}
	// Exactly as large as they must be: appends left room to grow.
	f.vals = append(make([]byte, 0, len(f.vals)), f.vals...)
	f.offs = append(make([]uint32, 0, len(f.offs)), f.offs...)
	if f.groupBy >= 0 {
		f.group()
	}
	return f, header, nil
}

var utf8BOM = []byte("\ufeff")

// headerFields checks the field names of a header: UTF-8, not empty, each
// once.
func headerFields(p *dataProblems, line int, names []string) bool {
	seen := map[string]bool{}
	ok := true
	for i, n := range names {
		switch {
		case !utf8.ValidString(n):
			p.add(line, "field %d's name is not UTF-8 text: save the file as UTF-8", i+1)
			ok = false
		case strings.TrimSpace(n) == "":
			p.add(line, "field %d has no name: name every column of the header row", i+1)
			ok = false
		case seen[n]:
			p.add(line, "names the field %q twice: give each field its own name", n)
			ok = false
		}
		seen[n] = true
	}
	return ok
}

// start keeps what spec says of the feed's fields; it reports whether
// there is a spec.
func (f *Feed) start(header []string, spec *feedSpec) bool {
	f.Header = header
	if spec == nil {
		return false
	}
	f.Fields = slices.Clone(spec.fields)
	if spec.groupBy != "" {
		f.groupBy = f.FieldIndex(spec.groupBy)
	}
	return true
}

// keep appends one row's values, checking them; line is the row's line.
// value gives field i's value, false when the row lacks it (a problem it
// reported).
func (f *Feed) keep(spec *feedSpec, p *dataProblems, line int, value func(i int) (string, bool)) {
	if f.rows == MaxDataRows {
		p.add(line, "is row %d: a data file holds at most %d rows; split the file", f.rows+1, MaxDataRows)
		return
	}
	start := len(f.vals)
	for i, name := range f.Fields {
		v, ok := value(i)
		if !ok {
			f.vals, f.offs = f.vals[:start], f.offs[:f.rows*len(f.Fields)+1]
			return
		}
		switch {
		case !utf8.ValidString(v):
			p.add(line, "the value of %s is not UTF-8 text: save the file as UTF-8", name)
		case spec.header[name] && !validHeaderValue(v):
			p.add(line, "the value of %s has a line break or control character, and a header uses it: header values are one line of text", name)
		case i == f.groupBy && len(v) > MaxGroupValue:
			p.add(line, "the value of %s, the endpoint's group_by, is %d bytes long: group names are at most %d", name, len(v), MaxGroupValue)
		}
		if int64(len(f.vals))+int64(len(v)) > 1<<32-1 {
			p.add(line, "the values add up to more than 4 GiB: split the file")
			return
		}
		f.vals = append(f.vals, v...)
		f.offs = append(f.offs, uint32(len(f.vals)))
	}
	f.rows++
}

// readCSV reads a CSV file: its header row, then its rows.
func readCSV(f *Feed, br *bufio.Reader, p *dataProblems, choose func([]string) *feedSpec) ([]string, bool) {
	r := csv.NewReader(br)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	rec, err := r.Read()
	switch {
	case err == io.EOF:
		p.add(0, "is empty: write a header row of field names (id,size), then a row per request")
		return nil, false
	case err != nil:
		p.add(csvLine(err), "the header row is not CSV: %v", csvMessage(err))
		return nil, false
	}
	line, _ := r.FieldPos(0)
	header := slices.Clone(rec)
	if !headerFields(p, line, header) {
		return header, false
	}
	spec := choose(header)
	if !f.start(header, spec) {
		return header, false
	}
	col := make([]int, len(f.Fields))
	for i, name := range f.Fields {
		col[i] = slices.Index(header, name)
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			p.add(csvLine(err), "%s", csvMessage(err))
			if len(p.list) == maxDataProblems {
				p.more++ // and more, most likely: stop reading
				break
			}
			continue
		}
		line, _ := r.FieldPos(0)
		if len(rec) != len(header) {
			p.add(line, "has %d %s, the header row %d: quote a value that holds a comma (\"a,b\")", len(rec), plural(len(rec), "value", "values"), len(header))
			continue
		}
		for i, v := range rec {
			if !utf8.ValidString(v) {
				p.add(line, "field %s (column %d) is not UTF-8 text: save the file as UTF-8", header[i], i+1)
			}
		}
		f.keep(spec, p, line, func(i int) (string, bool) { return rec[col[i]], true })
	}
	return header, true
}

// csvLine is the line of a CSV parse error.
func csvLine(err error) int {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Line
	}
	return 0
}

// csvMessage is a CSV parse error without its position.
func csvMessage(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		msg := pe.Err.Error()
		if errors.Is(pe.Err, csv.ErrBareQuote) || errors.Is(pe.Err, csv.ErrQuote) {
			msg += `: a value with quotes is written "like ""this"""`
		}
		return msg
	}
	return err.Error()
}

// maxJSONLine bounds a line of a JSON Lines file.
const maxJSONLine = 16 << 20

// readJSONL reads a JSON Lines file: one object a line, the first one's
// keys its header.
func readJSONL(f *Feed, br *bufio.Reader, p *dataProblems, choose func([]string) *feedSpec) ([]string, bool) {
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 0, 64<<10), maxJSONLine)
	var header []string
	var spec *feedSpec
	line := 0
	for sc.Scan() {
		line++
		text := sc.Bytes()
		if len(bytes.TrimSpace(text)) == 0 {
			continue
		}
		if !utf8.Valid(text) {
			p.add(line, "is not UTF-8 text: save the file as UTF-8")
			if header == nil {
				return nil, false
			}
			continue
		}
		obj, err := jsonObject(text)
		if err != nil {
			p.add(line, "%v", err)
			if header == nil {
				return nil, false
			}
			continue
		}
		if header == nil {
			header = []string{}
			for _, kv := range obj {
				header = append(header, kv.key)
			}
			if !headerFields(p, line, header) {
				return header, false
			}
			spec = choose(header)
			if !f.start(header, spec) {
				return header, false
			}
		}
		f.keep(spec, p, line, func(i int) (string, bool) {
			name := f.Fields[i]
			for _, kv := range obj {
				if kv.key == name {
					if kv.null {
						p.add(line, "%s is null: give it a value", name)
						return "", false
					}
					return kv.value, true
				}
			}
			p.add(line, "has no field %s, which the endpoint uses: give every line each field", name)
			return "", false
		})
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			p.add(line+1, "is longer than %d MiB: one object a line, and lines of at most %d MiB", maxJSONLine>>20, maxJSONLine>>20)
		} else {
			p.add(0, "cannot be read: %v", err)
		}
		return header, false
	}
	if header == nil {
		p.add(0, `is empty: write one JSON object a line, like {"id": 1, "size": "large"}`)
		return nil, false
	}
	return header, true
}

// jsonField is one key of a JSON object and its value as text: a string's
// contents, or any other value's JSON (42, true, {"a": 1}).
type jsonField struct {
	key, value string
	null       bool
}

// jsonObject reads one line of a JSON Lines file: an object.
func jsonObject(text []byte) ([]jsonField, error) {
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("is not JSON: %v", jsonMessage(err))
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New(`is not a JSON object: write one object a line, like {"id": 1, "size": "large"}`)
	}
	var out []jsonField
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("is not JSON: %v", jsonMessage(err))
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("is not JSON: %v", jsonMessage(err))
		}
		kv := jsonField{key: key}
		switch {
		case len(raw) > 0 && raw[0] == '"':
			if err := json.Unmarshal(raw, &kv.value); err != nil {
				return nil, fmt.Errorf("is not JSON: %v", jsonMessage(err))
			}
		case string(raw) == "null":
			kv.null = true
		default:
			var b bytes.Buffer
			if err := json.Compact(&b, raw); err != nil {
				return nil, fmt.Errorf("is not JSON: %v", jsonMessage(err))
			}
			kv.value = b.String()
		}
		if slices.ContainsFunc(out, func(o jsonField) bool { return o.key == key }) {
			return nil, fmt.Errorf("gives the key %q twice: keep one", key)
		}
		out = append(out, kv)
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("is not JSON: %v", jsonMessage(err))
	}
	if dec.More() {
		return nil, errors.New("holds more than one JSON value: write one object a line")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("holds more than one JSON value: write one object a line")
	}
	return out, nil
}

// jsonMessage is a JSON error's message without Go's decoder vocabulary.
func jsonMessage(err error) string {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return "the line ends inside the value"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// group sorts the rows into the group_by field's groups: the MaxGroups
// most frequent values (ties: the first given) in their order in the file,
// and OtherGroup for the rest.
func (f *Feed) group() {
	count := map[string]int{}
	var order []string
	for r := 0; r < f.rows; r++ {
		v := f.Value(r, f.groupBy)
		if count[v] == 0 {
			order = append(order, strings.Clone(v))
		}
		count[v]++
	}
	kept := slices.Clone(order)
	if len(order) > MaxGroups {
		first := map[string]int{}
		for i, v := range order {
			first[v] = i
		}
		slices.SortStableFunc(kept, func(a, b string) int { return count[b] - count[a] })
		kept = kept[:MaxGroups]
		slices.SortFunc(kept, func(a, b string) int { return first[a] - first[b] })
		f.pooled = len(order) - MaxGroups
	}
	index := map[string]uint8{}
	for i, v := range kept {
		index[v] = uint8(i)
	}
	f.groups = kept
	other := uint8(len(kept))
	if f.pooled > 0 {
		f.groups = append(f.groups, OtherGroup)
	}
	f.groupOf = make([]uint8, f.rows)
	for r := range f.groupOf {
		g, ok := index[f.Value(r, f.groupBy)]
		if !ok {
			g = other
		}
		f.groupOf[r] = g
	}
}
