package scenarios

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hotbench/hotbench/metric"
)

// Keys the format knows, per section, in the order doc.go lists them.
var (
	topKeys      = []string{"name", "description", "target", "load", "runs", "endpoints", "profiles", "hotspots", "server", "gate", "allow_outside_files", "calibration"}
	loadKeys     = []string{"rate", "duration", "warmup", "stages", "timeout", "max_workers", "workers", "retries", "max_send_lag", "coalesce"}
	stageKeys    = []string{"duration", "rate"}
	endpointKeys = append([]string{"name", "method", "path", "headers", "body", "body_file", "weight", "expect"}, feederKeys...)
	expectKeys   = []string{"status"}
	profileKeys  = []string{"pprof", "command", "kinds", "required", "min_samples"}
	hotspotKeys  = []string{"name", "endpoint", "metric", "objective", "due", "functions", "owner", "team", "ticket"}
	serverKeys   = []string{"build", "command", "ready", "pid_file"}
	gateKeys     = []string{"alpha", "max_regression", "slo"}
)

// decoder turns viper's merged settings (file < environment < overrides)
// into a Scenario, collecting every problem instead of stopping at the
// first. Its errors carry fields; Load adds files and lines.
type decoder struct {
	raw      *rawIndex
	lookup   func(string) (string, bool) // environment, for ${VAR}
	readBody bodyReader
	// allowOutside is allow_outside_files, decoded before the endpoints.
	allowOutside bool
	// fromFile reports whether field's value is the file's (not the
	// environment's or an override's), so the file's text can be used.
	fromFile func(field string) bool

	errs []*Error
	bad  map[string]bool // fields whose value could not be decoded
}

func (d *decoder) fail(field, format string, args ...any) {
	d.errs = append(d.errs, &Error{Field: field, Msg: fmt.Sprintf(format, args...)})
	d.bad[strings.ToLower(field)] = true
}

// given reports whether the settings or the file give field a value: viper
// drops empty mappings, but "max_regression: {}" means "no limits".
func (d *decoder) given(m map[string]any, key, field string) bool {
	if v, ok := m[key]; ok && v != nil {
		return true
	}
	return d.raw.has(field)
}

// mapping checks that v is a mapping whose keys are all in known, reporting
// unknown keys with the closest known one. what names the keys in messages.
func (d *decoder) mapping(path string, v any, known []string, what string) map[string]any {
	if v == nil && d.raw.kind(path) == rawMapping {
		v = map[string]any{} // viper drops empty mappings; their keys still count
	}
	m, ok := v.(map[string]any)
	if !ok {
		if v != nil {
			d.fail(path, "is %s, not a mapping: write it as keys and values (%s)", describe(v), strings.Join(known, ", "))
		}
		return nil
	}
	// The file's keys too: viper drops keys whose value is null or an
	// empty mapping, and "lod: {}" is as much a typo as "lod: {rate: 1}".
	keys := slices.Clone(d.raw.children[strings.ToLower(path)])
	for k := range m {
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		written := d.raw.spelling(joinPath(path, k))
		if written == "" {
			written = k
		}
		if slices.Contains(known, written) {
			continue
		}
		field := joinPath(path, written)
		switch {
		case slices.Contains(known, strings.ToLower(written)):
			d.fail(field, "keys are lower case: write %s", strings.ToLower(written))
			continue // decoded under its lower-case name, which viper gave it
		case Suggest(written, known) != "":
			d.fail(field, "unknown %s; did you mean %s?", what, Suggest(written, known))
		default:
			d.fail(field, "unknown %s: remove it (known here: %s)", what, strings.Join(known, ", "))
		}
		delete(m, k) // not decoded any further
	}
	return m
}

// list checks that v is a list.
func (d *decoder) list(path string, v any, example string) []any {
	l, ok := v.([]any)
	if !ok && v != nil {
		d.fail(path, "is %s, not a list: write it like %s", describe(v), example)
	}
	return l
}

func (d *decoder) scenario(root map[string]any) *Scenario {
	s := &Scenario{}
	m := d.mapping("", root, topKeys, "key")
	if v, ok := m["name"]; ok {
		s.Name = d.str("name", v)
	}
	if v, ok := m["description"]; ok {
		s.Description = d.str("description", v)
	}
	if v, ok := m["target"]; ok {
		s.Target = strings.TrimSpace(d.str("target", v))
	}
	if v := m["load"]; d.given(m, "load", "load") {
		d.load(&s.Load, v)
	}
	if v, ok := m["runs"]; ok {
		s.Runs = d.integer("runs", v, "10", MaxRuns)
	}
	if v, ok := m["allow_outside_files"]; ok {
		s.AllowOutsideFiles = d.boolean("allow_outside_files", v)
		d.allowOutside = s.AllowOutsideFiles
	}
	if v, ok := m["endpoints"]; ok {
		for i, item := range d.list("endpoints", v, "[{name: search, path: /api/search}]") {
			s.Endpoints = append(s.Endpoints, d.endpoint(i, item))
		}
	}
	if v := m["profiles"]; d.given(m, "profiles", "profiles") {
		d.profiles(&s.Profiles, v)
	}
	if v, ok := m["hotspots"]; ok {
		for i, item := range d.list("hotspots", v, "[{name: search-n-plus-one, endpoint: search, objective: 150ms}]") {
			s.Hotspots = append(s.Hotspots, d.hotspot(i, item))
		}
	}
	if d.given(m, "server", "server") {
		s.Server = &Server{}
		sm := d.mapping("server", m["server"], serverKeys, "key")
		if v, ok := sm["build"]; ok {
			s.Server.Build = d.str("server.build", v)
		}
		if v, ok := sm["command"]; ok {
			s.Server.Command = d.str("server.command", v)
		}
		if v, ok := sm["ready"]; ok {
			s.Server.Ready = d.str("server.ready", v)
		}
		if v, ok := sm["pid_file"]; ok {
			s.Server.PidFile = d.str("server.pid_file", v)
		}
	}
	if v := m["gate"]; d.given(m, "gate", "gate") {
		d.gate(&s.Gate, v)
	}
	if v := m["calibration"]; d.given(m, "calibration", "calibration") {
		s.Calibration = d.calibration(v)
	}

	s.applyDefaults(func(field string, _ bool) bool { return d.present(root, field) })
	// A limit set from the environment or a flag adjusts the default policy
	// rather than replacing it: HOTBENCH_GATE_MAX_REGRESSION_P99=20% on a
	// file without max_regression keeps the p50 and error_rate gates.
	if !d.raw.has("gate.max_regression") && s.Gate.MaxRegression != nil {
		merged := DefaultMaxRegression()
		for k, v := range s.Gate.MaxRegression {
			merged[k] = v
		}
		s.Gate.MaxRegression = merged
	}
	return s
}

// present reports whether field has a value in the settings or the file.
func (d *decoder) present(root map[string]any, field string) bool {
	if d.raw.has(field) {
		return true
	}
	var cur any = root
	for _, part := range strings.Split(field, ".") {
		name, idx, isIndex := strings.Cut(part, "[")
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if cur, ok = m[name]; !ok || cur == nil {
			return false
		}
		if isIndex {
			i, err := strconv.Atoi(strings.TrimSuffix(idx, "]"))
			l, ok := cur.([]any)
			if err != nil || !ok || i < 0 || i >= len(l) {
				return false
			}
			cur = l[i]
		}
	}
	return cur != nil
}

func (d *decoder) load(l *LoadSpec, v any) {
	m := d.mapping("load", v, loadKeys, "key")
	if v, ok := m["rate"]; ok {
		l.Rate = d.rate("load.rate", v)
	}
	if v, ok := m["duration"]; ok {
		l.Duration = d.duration("load.duration", v, "20s", MaxDuration)
	}
	if v, ok := m["warmup"]; ok {
		l.Warmup = d.duration("load.warmup", v, "5s", MaxWarmup)
	}
	if v, ok := m["stages"]; ok {
		for i, item := range d.list("load.stages", v, "[{duration: 10s, rate: 50/s}, {duration: 20s, rate: 400/s}]") {
			field := indexPath("load.stages", i)
			sm := d.mapping(field, item, stageKeys, "key")
			var st Stage
			if v, ok := sm["duration"]; ok {
				st.Duration = d.duration(field+".duration", v, "10s", MaxDuration)
			}
			if v, ok := sm["rate"]; ok {
				st.Rate = d.rate(field+".rate", v)
			}
			l.Stages = append(l.Stages, st)
		}
	}
	if v, ok := m["timeout"]; ok {
		l.Timeout = d.duration("load.timeout", v, "10s", MaxTimeout)
	}
	if v, ok := m["max_workers"]; ok {
		l.MaxWorkers = d.integer("load.max_workers", v, "0", MaxWorkers)
	}
	if v, ok := m["workers"]; ok {
		l.Workers = d.integer("load.workers", v, "50", MaxWorkers)
	}
	if v, ok := m["retries"]; ok {
		l.Retries = d.integer("load.retries", v, "2", MaxRetries)
	}
	if v, ok := m["max_send_lag"]; ok {
		l.MaxSendLag = d.duration("load.max_send_lag", v, "10ms", MaxSendLagLimit)
	}
	if v, ok := m["coalesce"]; ok {
		l.Coalesce = d.duration("load.coalesce", v, "3ms", MaxCoalesce)
	}
}

func (d *decoder) endpoint(i int, v any) Endpoint {
	path := indexPath("endpoints", i)
	var e Endpoint
	m := d.mapping(path, v, endpointKeys, "key")
	if m == nil && v == nil {
		d.fail(path, "is empty: give the endpoint a name and a path")
	}
	if v, ok := m["name"]; ok {
		e.Name = d.str(path+".name", v)
	}
	if v, ok := m["method"]; ok {
		e.Method = d.str(path+".method", v)
	}
	if v, ok := m["path"]; ok {
		e.Path = d.str(path+".path", v)
	}
	if v, ok := m["headers"]; ok {
		e.Headers = d.headers(i, path+".headers", v)
	}
	if v, ok := m["body"]; ok {
		e.Body = d.expand(path+".body", d.str(path+".body", v))
	}
	if v, ok := m["body_file"]; ok {
		e.BodyFile = d.str(path+".body_file", v)
		switch {
		case e.BodyFile == "":
		case e.Body != "":
			d.fail(path+".body_file", "give body or body_file, not both: remove one")
		default:
			e.Body = d.bodyFile(path+".body_file", e.BodyFile)
			e.BodySHA256 = bodyDigest(e.Body)
		}
	}
	if v, ok := m["weight"]; ok {
		e.Weight = d.integer(path+".weight", v, "3", MaxWeight)
	}
	if v, ok := m["expect"]; ok {
		em := d.mapping(path+".expect", v, expectKeys, "key")
		if v, ok := em["status"]; ok {
			field := path + ".expect.status"
			items, isList := v.([]any)
			if !isList {
				items = []any{v} // status: 200 is a list of one
			}
			for j, item := range items {
				f := field
				if isList {
					f = indexPath(field, j)
				}
				e.Expect.Status = append(e.Expect.Status, d.integerIn(f, item, "200", 599, "is not an HTTP status: use codes from 100 to 599"))
			}
		}
	}
	d.feeder(path, m, &e) // data, data_order, seed, group_by: feeder_decode.go
	return e
}

// headers decodes an endpoint's headers with their names as the file writes
// them (viper lower-cases keys) and expands ${VAR} in their values.
func (d *decoder) headers(endpoint int, field string, v any) map[string]string {
	var hs []rawHeader
	if raw, ok := d.raw.headers[endpoint]; ok {
		hs = raw
	} else {
		m, ok := v.(map[string]any)
		if !ok {
			d.fail(field, "is %s: write header names and values, like {Authorization: \"Bearer ${TOKEN}\"}", describe(v))
			return nil
		}
		for name, val := range m {
			text, kind := valueText(val)
			hs = append(hs, rawHeader{name: name, value: text, scalar: kind <= rawScalar})
		}
		sort.Slice(hs, func(i, j int) bool { return hs[i].name < hs[j].name })
	}
	out := map[string]string{}
	seen := map[string]string{}
	for _, h := range hs {
		f := joinPath(field, h.name)
		if !h.scalar {
			d.fail(f, "is not a single value: write the header's value as text")
			continue
		}
		if prev, dup := seen[strings.ToLower(h.name)]; dup {
			d.fail(f, "repeats header %s (header names are case-insensitive): keep one", prev)
			continue
		}
		seen[strings.ToLower(h.name)] = h.name
		out[h.name] = d.expand(f, h.value)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func (d *decoder) bodyFile(field, name string) string {
	data, err := d.readBody(name, readOpt{outside: d.allowOutside})
	if err != nil {
		d.fail(field, "%v", err)
		return ""
	}
	return d.expand(field, string(data))
}

func (d *decoder) profiles(p *Profiles, v any) {
	m := d.mapping("profiles", v, profileKeys, "key")
	if v, ok := m["pprof"]; ok {
		p.Pprof = strings.TrimSpace(d.str("profiles.pprof", v))
	}
	if v, ok := m["command"]; ok {
		p.Command = d.str("profiles.command", v)
	}
	if v, ok := m["kinds"]; ok {
		p.Kinds = d.textList("profiles.kinds", v, "[cpu, allocs]")
	}
	if v, ok := m["required"]; ok {
		p.Required = d.boolean("profiles.required", v)
	}
	if v, ok := m["min_samples"]; ok {
		p.MinSamples = d.integer("profiles.min_samples", v, "100", MaxMinSamples)
	}
}

func (d *decoder) hotspot(i int, v any) Hotspot {
	path := indexPath("hotspots", i)
	var h Hotspot
	m := d.mapping(path, v, hotspotKeys, "key")
	if m == nil && v == nil {
		d.fail(path, "is empty: give the hotspot a name, an endpoint and an objective")
	}
	if v, ok := m["name"]; ok {
		h.Name = d.str(path+".name", v)
	}
	if v, ok := m["endpoint"]; ok {
		h.Endpoint = d.str(path+".endpoint", v)
	}
	h.Metric = DefaultMetric
	if v, ok := m["metric"]; ok {
		h.Metric = d.str(path+".metric", v)
	}
	if mt, err := parseMetric(h.Metric); err == nil {
		h.Metric = mt.Name // p99.9 is stored as p999
	}
	if v, ok := m["objective"]; ok {
		if _, err := parseMetric(h.Metric); err == nil {
			h.Objective = d.quantity(path+".objective", h.Metric, v, false)
		} else if s, ok := d.text(path+".objective", v); ok {
			// Validate reports the metric; the objective cannot be read
			// without it.
			h.Objective = Quantity{Text: s}
		}
	}
	if v, ok := m["due"]; ok {
		h.Due = d.date(path+".due", v)
	}
	if v, ok := m["functions"]; ok {
		h.Functions = d.textList(path+".functions", v, `["manuals.(*Store).StepsFor"]`)
	}
	h.Owner = d.record(m, path, "owner", "alice", true)
	h.Team = d.record(m, path, "team", "search", true)
	h.Ticket = d.record(m, path, "ticket", "", false)
	return h
}

// record decodes a hotspot's free-text key (owner, team, ticket) as the
// file wrote it. A key given with no text is an error when named is set
// (an owner nobody named), and no ticket otherwise.
func (d *decoder) record(m map[string]any, path, key, example string, named bool) string {
	field := path + "." + key
	if !d.given(m, key, field) {
		return ""
	}
	s := ""
	if v := m[key]; v != nil {
		if s = d.str(field, v); s == "" && d.bad[strings.ToLower(field)] {
			return ""
		}
		if t, ok := d.text(field, v); ok && s != "" {
			s = t // as written: 0123, not 123
		}
	}
	if named && strings.TrimSpace(s) == "" {
		d.fail(field, "is empty: name the %s, like %s, or leave %s out", key, example, key)
	}
	return s
}

func (d *decoder) gate(g *Gate, v any) {
	m := d.mapping("gate", v, gateKeys, "key")
	if v, ok := m["alpha"]; ok {
		g.Alpha = d.number("gate.alpha", v, "0.05")
	}
	g.MaxRegression = d.limits("gate.max_regression", m["max_regression"], true)
	g.SLO = d.limits("gate.slo", m["slo"], false)
}

// limits decodes max_regression (relative) or slo (absolute, where "none"
// removes a limit, the default error_rate one included).
func (d *decoder) limits(field string, v any, relative bool) map[string]Quantity {
	if v == nil {
		if d.raw.has(field) {
			return map[string]Quantity{} // viper drops empty maps; the file had one
		}
		return nil
	}
	// An explicit empty map is kept (max_regression: {} gates nothing),
	// distinct from a missing key (the default policy).
	m := d.mapping(field, v, d.metricKeys(field, v), "metric")
	out := map[string]Quantity{}
	written := map[string]string{} // canonical key → the key that gave it
	for _, key := range sortedKeys(m) {
		val := m[key]
		endpoint, name := metric.SplitKey(key)
		mt, err := parseMetric(name)
		f := joinPath(field, key)
		if err != nil {
			continue // metricKeys reported it
		}
		canon := limitKey(endpoint, mt.Name) // search.p99.9 is search.p999
		if first := written[canon]; first != "" {
			d.fail(f, "%s and %s are the same metric (the %v quantile): keep one", first, key, mt.Quantile)
			continue
		}
		written[canon] = key
		// A problem is reported at the key as written; Validate, which sees
		// the canonical name, keeps quiet about it.
		canonical := joinPath(field, canon)
		if !relative {
			if text, ok := d.text(f, val); ok && isNone(text) {
				out[canon] = Quantity{None: true, Text: strings.TrimSpace(text)}
				continue
			}
		}
		out[canon] = d.quantity(f, mt.Name, val, relative)
		if d.bad[strings.ToLower(f)] {
			d.bad[strings.ToLower(canonical)] = true
		}
	}
	return out
}

// limitKey is a key of the gate's limits: "search.p999" for one endpoint,
// "p999" for every endpoint.
func limitKey(endpoint, name string) string {
	if endpoint == "" {
		return name
	}
	return endpoint + "." + name
}

// metricKeys lists the keys of the limits mapping at field that are
// metrics, with metric.Known for suggestions, so that mapping reports the
// others; a key shaped like a percentile that is none (p100, p99.999999) is
// reported here with what metric.Parse says, and left out.
func (d *decoder) metricKeys(field string, v any) []string {
	keys := slices.Clone(metric.Known)
	var present []string
	if m, ok := v.(map[string]any); ok {
		for k := range m {
			present = append(present, k)
		}
	}
	for _, k := range d.raw.children[strings.ToLower(field)] {
		if written := d.raw.spelling(joinPath(field, k)); written != "" {
			k = written
		}
		present = append(present, k)
	}
	slices.Sort(present)
	for _, k := range slices.Compact(present) {
		lower := strings.ToLower(k)
		endpoint, name := metric.SplitKey(lower)
		_, err := parseMetric(name)
		reported := func(format string, args ...any) {
			d.fail(joinPath(field, k), format, args...)
			keys = append(keys, k, lower) // reported: mapping need not
			if m, ok := v.(map[string]any); ok {
				delete(m, lower)
			}
		}
		switch {
		case err == nil:
			if !slices.Contains(keys, lower) {
				keys = append(keys, lower)
			}
		case metric.LooksLikePercentile(name):
			reported("%v", err)
		case endpoint != "" && metricSuggestion(name) != "":
			// search.eror_rate: the metric is misspelt, not the key.
			reported("unknown metric %s; did you mean %s?", name, limitKey(endpoint, Suggest(name, metric.Known)))
		}
	}
	return keys
}
