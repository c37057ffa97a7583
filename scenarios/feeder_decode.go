package scenarios

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strings"
)

// The keys of an endpoint's feeder (doc.go, Feeders).
var feederKeys = []string{"data", "data_order", "seed", "group_by", "targets"}

// The orders in which requests take the rows of a data file.
const (
	OrderCycle  = "cycle"
	OrderRandom = "random"
)

// DataOrders are the values of data_order.
var DataOrders = []string{OrderCycle, OrderRandom}

// MaxSeed bounds seed: 2^53−1, the largest whole number every JSON reader
// reads exactly.
const MaxSeed = 1<<53 - 1

// DefaultSeed is the seed of an endpoint whose data_order is random and
// whose scenario gives no seed: drawn from the endpoint's name and its
// data file's digest, so every run of one scenario version, base and
// candidate alike, sends the same requests. Load stores it in the
// scenario, so a run records the seed it used.
func DefaultSeed(e *Endpoint) uint64 {
	digest := e.DataSHA256
	if digest == "" {
		digest = e.TargetsSHA256
	}
	sum := sha256.Sum256([]byte("hotbench seed\x00" + e.Name + "\x00" + digest))
	return binary.BigEndian.Uint64(sum[:8]) & MaxSeed
}

// feeder decodes an endpoint's data file and the keys that go with it,
// after its path, headers and body: it reads the file, parses the
// placeholders and checks them against the file's fields. m is the
// endpoint's mapping, path its field path.
func (d *decoder) feeder(path string, m map[string]any, e *Endpoint) {
	if v, ok := m["data"]; ok {
		e.Data = d.str(path+".data", v)
	}
	if v, ok := m["data_order"]; ok {
		e.DataOrder = d.str(path+".data_order", v)
	}
	if v, ok := m["seed"]; ok {
		field := path + ".seed"
		n := d.integerIn(field, v, "42", MaxSeed, fmt.Sprintf("is too large: a seed is a whole number from 0 to %d", MaxSeed))
		switch {
		case d.bad[strings.ToLower(field)]:
		case n < 0:
			d.fail(field, "%d is negative: a seed is a whole number from 0 to %d", n, MaxSeed)
		default:
			s := uint64(n)
			e.Seed = &s
		}
	}
	if v, ok := m["group_by"]; ok {
		e.GroupBy = d.str(path+".group_by", v)
	}
	if v, ok := m["targets"]; ok {
		e.Targets = d.str(path+".targets", v)
	}
	fed := e.Data != "" || e.Targets != ""
	if e.DataOrder == "" && fed {
		e.DataOrder = OrderCycle
	}
	if e.Targets != "" {
		d.readTargets(path, m, e) // targets.go
		if e.DataOrder == OrderRandom && e.Seed == nil && e.TargetsSHA256 != "" {
			s := DefaultSeed(e)
			e.Seed = &s
		}
		return
	}
	if !fed {
		d.noPlaceholders(path, e)
		for _, key := range []string{"data_order", "seed", "group_by"} {
			if _, given := m[key]; given && !d.bad[strings.ToLower(path+"."+key)] {
				d.fail(path+"."+key, "applies to the rows of a data file (or, but for group_by, a targets file): add data: FILE to the endpoint, or remove %s", key)
			}
		}
		return
	}
	d.readFeed(path, e)
	if e.DataOrder == OrderRandom && e.Seed == nil && e.DataSHA256 != "" {
		s := DefaultSeed(e)
		e.Seed = &s
	}
}

// noPlaceholders reports placeholders in an endpoint without a data file:
// nothing could fill them.
func (d *decoder) noPlaceholders(path string, e *Endpoint) {
	hint := "but the endpoint has no data file to fill it from: add data: FILE (a CSV or JSON Lines file with that field)"
	if hasPlaceholder(e.Path) {
		d.fail(path+".path", "has a placeholder %s", hint)
	}
	for _, name := range sortedKeys(e.Headers) {
		if hasPlaceholder(e.Headers[name]) {
			d.fail(joinPath(path+".headers", name), "has a placeholder %s", hint)
		}
	}
	if e.BodyFile == "" && hasPlaceholder(e.Body) {
		d.fail(path+".body", "has a placeholder %s", hint)
	}
}

// readFeed parses the endpoint's templates, reads its data file and checks
// one against the other.
func (d *decoder) readFeed(path string, e *Endpoint) {
	dataField := path + ".data"
	type use struct {
		field string // where the template is, for errors
		t     *Template
	}
	var uses []use
	header := map[string]bool{}
	parse := func(field, text string, isPath bool) *Template {
		t, err := parseTemplate(text, isPath)
		if err != nil {
			d.fail(field, "%v", err)
			return nil
		}
		uses = append(uses, use{field, t})
		return t
	}
	parse(path+".path", e.Path, true)
	for _, name := range sortedKeys(e.Headers) {
		if t := parse(joinPath(path+".headers", name), e.Headers[name], false); t != nil {
			for _, f := range t.Fields() {
				header[f] = true
			}
		}
	}
	bodyField := path + ".body"
	if e.BodyFile != "" {
		bodyField = path + ".body_file"
	}
	parse(bodyField, e.Body, false)

	format, err := dataFormat(e.Data)
	if err != nil {
		d.fail(dataField, "%v", err)
		return
	}
	// The file is read as it streams in: its header decides what is kept,
	// and only that is.
	choose := func(fields []string) *feedSpec {
		var used []string
		missing := false
		for _, u := range uses {
			for _, name := range u.t.Fields() {
				if slices.Contains(fields, name) {
					if !slices.Contains(used, name) {
						used = append(used, name)
					}
					continue
				}
				missing = true
				d.fail(u.field, "{{.%s}}: %s has no field %s; %s", name, e.Data, name, fieldHint(name, fields))
			}
		}
		if e.GroupBy != "" {
			switch {
			case !slices.Contains(fields, e.GroupBy):
				missing = true
				d.fail(path+".group_by", "%s has no field %s; %s", e.Data, e.GroupBy, fieldHint(e.GroupBy, fields))
			case !slices.Contains(used, e.GroupBy):
				used = append(used, e.GroupBy)
			}
		}
		if len(used) == 0 && !missing {
			d.fail(dataField, "nothing uses the fields of %s (%s): write {{.%s}} in the path, a header or the body, or remove data", e.Data, strings.Join(fields, ", "), firstFieldName(fields))
			return nil
		}
		if missing {
			return nil
		}
		return &feedSpec{fields: used, header: header, groupBy: e.GroupBy}
	}
	var (
		feed     *Feed
		problems []string
	)
	digest := sha256.New()
	_, err = d.readBody(e.Data, readOpt{outside: d.allowOutside, key: "data", limit: MaxDataSize, consume: func(r io.Reader) error {
		feed, _, problems = readFeed(e.Data, format, io.TeeReader(r, digest), choose)
		return nil
	}})
	if err != nil {
		d.fail(dataField, "%v", err)
		return
	}
	for _, msg := range problems {
		d.fail(dataField, "%s", msg)
	}
	if feed != nil {
		e.Feed = feed
		e.DataSHA256 = hex.EncodeToString(digest.Sum(nil))
	}
}

// fieldHint suggests the field closest to name, or lists fields.
func fieldHint(name string, fields []string) string {
	if s := Suggest(name, fields); s != "" {
		return "did you mean " + s + "? (its fields: " + strings.Join(fields, ", ") + ")"
	}
	return "its fields are " + strings.Join(fields, ", ")
}

// firstFieldName is a field to name in an example, written as a
// placeholder can name it.
func firstFieldName(fields []string) string {
	for _, f := range fields {
		if isFieldName(f) {
			return f
		}
	}
	return "field"
}

// feeder checks an endpoint's feeder keys, as far as they can be checked
// without the data file (a scenario built in code or read back from
// run.json has no Feed).
func (v *validator) feeder(field string, e Endpoint) {
	fed := e.Data != "" || e.Targets != ""
	switch {
	case e.DataOrder == "":
	case !fed:
		v.add(field+".data_order", "applies to the rows of a data file or a targets file: add data: FILE, or remove data_order")
	case !slices.Contains(DataOrders, e.DataOrder):
		v.add(field+".data_order", "%q is not an order: %s", e.DataOrder, didYouMean(e.DataOrder, DataOrders))
	}
	if e.Seed != nil {
		switch {
		case *e.Seed > MaxSeed:
			v.add(field+".seed", "%d is too large: a seed is a whole number from 0 to %d", *e.Seed, MaxSeed)
		case fed && e.DataOrder != OrderRandom:
			v.add(field+".seed", "seeds the random order of rows: set data_order: random, or remove seed")
		}
	}
	if e.GroupBy != "" && e.Data == "" && e.Targets == "" {
		v.add(field+".group_by", "groups requests by a field of the data file: add data: FILE, or remove group_by")
	}
}

// requestPath is the path validation checks: a templated path with its
// placeholders filled by a sample value.
func requestPath(e Endpoint) string {
	if e.Targets != "" && e.Path == "" {
		return "/" // each target has its own
	}
	if e.Data == "" || !strings.Contains(e.Path, "{{") {
		return e.Path
	}
	t, err := parseTemplate(e.Path, true)
	if err != nil {
		return e.Path // the decoder reported it
	}
	return t.sample("x")
}
