package scenarios

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/spf13/viper"

	"github.com/hotbench/hotbench/metric"
)

// EnvPrefix starts the environment variables that override scenario keys:
// load.rate is HOTBENCH_LOAD_RATE.
const EnvPrefix = "HOTBENCH"

// Load reads the scenario file at path (.yaml, .yml, .toml or .json),
// layers the environment (HOTBENCH_LOAD_RATE for load.rate) and then
// overrides (dotted keys like "load.rate", as the command's flags give them)
// over it, applies the defaults and validates the result.
//
// A scenario with problems returns an ErrorList holding every one of them,
// positioned; a file that cannot be read returns a wrapped fs error.
// body_file paths are relative to the scenario file's folder, and must stay
// inside it unless allow_outside_files is set.
func Load(path string, overrides map[string]string) (*Scenario, error) {
	data, err := readFile(osFile(path), MaxFileSize)
	if err != nil {
		return nil, fmt.Errorf("load scenario: %w", err)
	}
	return load(path, data, osBodies(filepath.Dir(path)), overrides)
}

// LoadBytes is Load for a file already in memory; name gives the format by
// its extension, is reported in errors and stored as Scenario.File.
// body_file paths are relative to name's folder on disk; use LoadFS for a
// scenario inside an fs.FS.
func LoadBytes(name string, data []byte, overrides map[string]string) (*Scenario, error) {
	return load(name, data, osBodies(filepath.Dir(name)), overrides)
}

// LoadFS is Load for a file inside fsys (such as Examples); body_file paths
// are resolved inside fsys too, and never leave it.
func LoadFS(fsys fs.FS, name string, overrides map[string]string) (*Scenario, error) {
	data, err := readFile(fsFile(fsys, name), MaxFileSize)
	if err != nil {
		return nil, fmt.Errorf("load scenario: %w", err)
	}
	return load(name, data, fsBodies(fsys, path.Dir(name)), overrides)
}

// formats maps file extensions to viper's config types.
var formats = map[string]string{".yaml": "yaml", ".yml": "yaml", ".json": "json", ".toml": "toml"}

func load(name string, data []byte, bodies bodyReader, overrides map[string]string) (*Scenario, error) {
	ext := strings.ToLower(filepath.Ext(name))
	format, ok := formats[ext]
	if !ok {
		return nil, ErrorList{{File: name, Msg: fmt.Sprintf("unknown format %q: name the file .yaml, .toml or .json", ext)}}
	}
	// Size and depth first: past them viper's work grows with the cube of
	// the depth.
	doc, shapeErr := checkShape(name, format, data)
	if shapeErr != nil {
		return nil, ErrorList{shapeErr}
	}
	v := viper.NewWithOptions(viper.KeyDelimiter(keyDelimiter))
	v.SetConfigType(format)
	if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
		return nil, syntaxErrors(name, format, data, err)
	}

	raw := indexFile(format, data, doc)
	fileTarget, filePprof := v.GetString("target"), v.GetString(viperKey("profiles.pprof"))
	sources := map[string]string{} // lower-case field → where its value came from
	scalars := overridableKeys()

	// Overrides and the environment only replace values inside mappings: a
	// file whose "load" is not a mapping is reported as such, and layering a
	// key into it would make viper's result depend on map order.
	fits := func(key string) bool {
		for p := parentKey(key); p != ""; p = parentKey(p) {
			if val := v.Get(viperKey(p)); val != nil {
				if _, ok := val.(map[string]any); !ok {
					return false
				}
			}
		}
		return true
	}
	var overrideErrs []*Error
	layered := map[string]string{}
	for _, k := range sortedKeys(overrides) {
		key := strings.ToLower(strings.TrimSpace(k))
		switch {
		case !scalars[key] && !isLimitKey(key):
			overrideErrs = append(overrideErrs, &Error{File: name, Field: k, Msg: "cannot be overridden: " + overrideHint(key, scalars)})
		case fits(key):
			layered[key] = overrides[k]
			sources[key] = "override " + key
		}
	}
	envKeys := envLimitKeys(os.Environ())
	for _, key := range sortedKeys(scalars) {
		envKeys[key] = EnvName(key)
	}
	for _, key := range sortedKeys(envKeys) {
		// Only variables that are set are bound: viper ignores empty ones,
		// and binding every key cost a third of a small file's load.
		env := envKeys[key]
		if val, ok := os.LookupEnv(env); !ok || val == "" || !fits(key) {
			continue
		}
		if err := v.BindEnv(viperKey(key), env); err != nil {
			return nil, fmt.Errorf("load scenario %s: %w", name, err)
		}
		if _, overridden := sources[key]; !overridden {
			sources[key] = "environment variable " + env
		}
	}
	for _, key := range sortedKeys(layered) {
		v.Set(viperKey(key), layered[key])
	}

	d := &decoder{
		raw:      raw,
		lookup:   os.LookupEnv,
		readBody: bodies,
		fromFile: func(field string) bool { _, other := sources[strings.ToLower(field)]; return !other },
		bad:      map[string]bool{},
	}
	for _, dup := range raw.dups {
		if strings.Contains(dup.path, ".headers.") {
			continue // headers report their own repeats, case-insensitively
		}
		d.fail(dup.path, "%q on line %d repeats %q: one value would silently win; keep one", dup.key, dup.line, dup.first)
	}
	s := d.scenario(v.AllSettings())
	s.File = name
	_, targetMoved := sources["target"]
	_, pprofMoved := sources["profiles.pprof"]
	if targetMoved && !pprofMoved {
		s.Profiles.Pprof = carryTarget(filePprof, fileTarget, s.Target)
	}
	errs := d.errs
	for _, e := range s.Validate() {
		if !d.shadowed(e.Field) {
			errs = append(errs, e)
		}
	}
	if len(errs)+len(overrideErrs) == 0 {
		return s, nil
	}
	for _, e := range errs {
		e.File = name
		if src, ok := sources[strings.ToLower(e.Field)]; ok {
			e.Msg += " (from " + src + ")"
			continue
		}
		if e.Line == 0 && e.Field != "" {
			e.Line = raw.line(e.Field)
		}
	}
	errs = append(overrideErrs, errs...)
	sortErrors(errs)
	return nil, ErrorList(errs)
}

// carryTarget moves a profile URL that pointed at the file's target (same
// host and port) to the new target, keeping its path: --target or
// HOTBENCH_TARGET moves the load, and the profiles must follow it, or every
// profile is lost to "connection refused" after the whole run. A profile
// URL on another host or port (an admin port, a sidecar) is left alone.
func carryTarget(pprof, oldTarget, newTarget string) string {
	p, errP := url.Parse(pprof)
	o, errO := url.Parse(oldTarget)
	n, errN := url.Parse(newTarget)
	if pprof == "" || errP != nil || errO != nil || errN != nil || n.Host == "" {
		return pprof
	}
	if !strings.EqualFold(hostPort(p), hostPort(o)) {
		return pprof
	}
	p.Scheme, p.Host = n.Scheme, n.Host
	return p.String()
}

// hostPort is u's host with its port, the scheme's default when it has none.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[strings.ToLower(u.Scheme)]
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// shadowed reports whether field, or a field it is part of, already failed
// to decode, so Validate's complaint about its zero value would be noise.
func (d *decoder) shadowed(field string) bool {
	for p := strings.ToLower(field); p != ""; p = parentPath(p) {
		if d.bad[p] {
			return true
		}
	}
	return false
}

// overridableKeys are the keys the environment and overrides may set: the
// scalars outside lists, and each metric of the gate's limits.
func overridableKeys() map[string]bool {
	keys := map[string]bool{}
	add := func(section string, names ...string) {
		for _, n := range names {
			keys[joinPath(section, n)] = true
		}
	}
	add("", "name", "description", "target", "runs", "allow_outside_files")
	add("load", "rate", "duration", "warmup", "timeout", "max_workers", "workers", "retries", "max_send_lag", "coalesce")
	add("profiles", profileKeys...)
	add("server", serverKeys...)
	add("gate", "alpha")
	// Any percentile may be a limit (isLimitKey); the usual metrics are
	// listed for suggestions and the environment.
	add("gate.max_regression", metric.Known...)
	add("gate.slo", metric.Known...)
	return keys
}

// limitSections are the mappings whose keys are metrics, which may hold a
// dot themselves (gate.slo.p99.9).
var limitSections = []string{"gate.max_regression", "gate.slo"}

// isLimitKey reports whether key is a metric of the gate's limits:
// "gate.slo.p99.9".
func isLimitKey(key string) bool {
	for _, sec := range limitSections {
		if name, ok := strings.CutPrefix(key, sec+"."); ok {
			m, known := metric.Lookup(name)
			return known && !m.IsShare()
		}
	}
	return false
}

// keyDelimiter separates the levels of viper's keys. It is not ".", which
// viper's default is, because a percentile with decimals is one key:
// "p99.9" in gate.slo would be read as p99 → 9.
const keyDelimiter = "\x00"

// viperKey turns a field path into viper's key: "load.rate" has two levels,
// "gate.slo.p99.9" three.
func viperKey(field string) string {
	for _, sec := range limitSections {
		if name, ok := strings.CutPrefix(field, sec+"."); ok {
			return strings.ReplaceAll(sec, ".", keyDelimiter) + keyDelimiter + name
		}
	}
	return strings.ReplaceAll(field, ".", keyDelimiter)
}

// parentKey is the mapping that holds key: parentPath, except that a
// metric of the gate's limits is one level however many dots it has.
func parentKey(key string) string {
	for _, sec := range limitSections {
		if strings.HasPrefix(key, sec+".") {
			return sec
		}
	}
	return parentPath(key)
}

// envLimitKeys finds the gate's limits the environment sets for metrics
// beyond metric.Known: HOTBENCH_GATE_SLO_P99_9 (or …_P99.9) is
// gate.slo.p99.9. It maps each key to its variable.
func envLimitKeys(environ []string) map[string]string {
	keys := map[string]string{}
	for _, kv := range environ {
		env, _, _ := strings.Cut(kv, "=")
		for _, sec := range limitSections {
			rest, ok := strings.CutPrefix(env, EnvName(sec)+"_")
			if !ok {
				continue
			}
			name := strings.ToLower(rest)
			if _, known := metric.Lookup(name); !known {
				name = strings.ReplaceAll(name, "_", ".")
			}
			if key := sec + "." + name; isLimitKey(key) {
				keys[key] = env
			}
		}
	}
	return keys
}

// EnvName is the environment variable that overrides key: "load.rate" is
// HOTBENCH_LOAD_RATE.
func EnvName(key string) string {
	return EnvPrefix + "_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

func overrideHint(key string, scalars map[string]bool) string {
	known := sortedKeys(scalars)
	if s := Suggest(key, known); s != "" {
		return "did you mean " + s + "?"
	}
	return "only single values outside lists can be, such as " + strings.Join([]string{"target", "runs", "load.rate", "load.duration", "profiles.pprof", "gate.alpha"}, ", ")
}

var lineRE = regexp.MustCompile(`(?:^|\s)line (\d+)(?::\d+)?: `)

// syntaxErrors turns a parser's error into positioned Errors, one per line
// the parser names.
func syntaxErrors(name, format string, data []byte, err error) ErrorList {
	inner := err
	if u := errors.Unwrap(err); u != nil {
		inner = u // viper's ConfigParseError adds "While parsing config"
	}
	var list ErrorList
	add := func(line int, msg string) {
		list = append(list, &Error{File: name, Line: line, Msg: strings.TrimSpace(msg) + syntaxHint(format)})
	}
	var tomlErr *toml.DecodeError
	var jsonErr *json.SyntaxError
	var jsonType *json.UnmarshalTypeError
	switch {
	case errors.As(inner, &tomlErr):
		row, _ := tomlErr.Position()
		add(row, "TOML: "+tomlErr.Error())
	case errors.As(inner, &jsonErr):
		add(lineAt(data, jsonErr.Offset), "JSON: "+jsonErr.Error())
	case errors.As(inner, &jsonType):
		add(0, "JSON: the file must be one object of scenario keys, like {\"name\": \"search\", ...}")
	default:
		if line, col, msg, ok := yamlPosition(data); ok {
			hint := syntaxHint(format)
			if strings.Contains(msg, ": quote") {
				hint = "" // the message says what to do
			}
			list = append(list, &Error{File: name, Line: line, Col: col, Msg: "YAML: " + msg + hint})
			break
		}
		msg := strings.TrimPrefix(inner.Error(), "yaml: ")
		msg = strings.TrimPrefix(msg, "unmarshal errors:")
		for _, part := range strings.Split(msg, "\n") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			line, col := 0, 0
			if m := lineRE.FindStringSubmatchIndex(" " + part); m != nil {
				line, _ = strconv.Atoi((" " + part)[m[2]:m[3]])
				part = strings.TrimSpace((" " + part)[m[1]:])
			}
			if l, c, ok := anchorPosition(data, part); ok && line == 0 {
				line, col = l, c
			}
			if strings.Contains(part, "cannot unmarshal") && strings.Contains(part, "into map") {
				part = "the file must be a mapping of scenario keys (name:, target:, load: ...), not " + part
			}
			add(line, strings.ToUpper(format)+": "+part)
			list[len(list)-1].Col = col
		}
	}
	if len(list) == 0 {
		add(0, inner.Error())
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].Line < list[j].Line })
	return list
}

func syntaxHint(format string) string {
	if format == "yaml" {
		return " (check indentation and quoting here)"
	}
	return " (fix the syntax here)"
}

// lineAt returns the 1-based line of byte offset off in data.
func lineAt(data []byte, off int64) int {
	if off < 0 || off > int64(len(data)) {
		return 0
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}
