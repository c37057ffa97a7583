package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"

	"github.com/hotbench/hotbench/scenarios"
)

// maxConfigSize bounds the config file: it holds a few flag values.
const maxConfigSize = 1 << 20

// checkConfig reads the config file at path as a typo in it should be
// caught: every key must be the name of a flag of some hotbench command (a
// config file is shared by all of them), and a key that is not is an
// error like an unknown key in a scenario, "file:line: key: unknown key;
// did you mean runs?", all of them at once. A file that does not parse is
// reported with its position (YAML: line and column). YAML, TOML and JSON
// files are checked; viper reads other formats unchecked.
func checkConfig(root *cobra.Command, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return usagef("read config %s: %v", path, err)
	}
	if len(data) > maxConfigSize {
		return usagef("config %s is %d KiB: a config file holds flag values, at most %d KiB", path, len(data)>>10, maxConfigSize>>10)
	}
	keys, err := configKeys(path, data)
	if err != nil {
		return usageError{err}
	}
	known := flagNames(root)
	var errs scenarios.ErrorList
	for _, k := range keys {
		name := strings.ToLower(k.name)
		if slices.Contains(known, name) {
			continue
		}
		msg := "unknown key: a config file sets flags by their names, like runs, label, format or results ('hotbench COMMAND --help' lists a command's)"
		if s := scenarios.Suggest(name, known); s != "" {
			msg = "unknown key; did you mean " + s + "?"
		}
		errs = append(errs, &scenarios.Error{File: path, Line: k.line, Field: k.name, Msg: msg})
	}
	if len(errs) > 0 {
		return usageError{errs}
	}
	return nil
}

// configKey is a top-level key of a config file, as written, and its line
// (0 when the format gives none).
type configKey struct {
	name string
	line int
}

// configKeys lists the top-level keys of a config file, or its syntax
// errors, positioned.
func configKeys(path string, data []byte) ([]configKey, error) {
	var keys []configKey
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		var doc yaml.Node
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return nil, scenarios.ParseError(path, data, err)
		}
		if len(doc.Content) == 0 {
			return nil, nil // an empty file sets nothing
		}
		root := doc.Content[0]
		if root.Kind != yaml.MappingNode {
			return nil, &scenarios.Error{File: path, Line: root.Line, Col: root.Column, Msg: "a config file is a mapping of flag names to values, like runs: 10"}
		}
		for i := 0; i+1 < len(root.Content); i += 2 {
			k := root.Content[i]
			if k.Value == "<<" {
				continue // a merge key brings the keys of an anchor, checked there
			}
			keys = append(keys, configKey{k.Value, k.Line})
		}
	case ".json":
		var m map[string]any
		var notObject *json.UnmarshalTypeError
		if err := json.Unmarshal(data, &m); errors.As(err, &notObject) {
			return nil, &scenarios.Error{File: path, Msg: "JSON: a config file is one object of flag names and values, like {\"runs\": 10}"}
		} else if err != nil {
			return nil, scenarios.ParseError(path, data, err)
		}
		for k := range m {
			keys = append(keys, configKey{k, lineOf(data, regexp.MustCompile(`"`+regexp.QuoteMeta(k)+`"\s*:`))})
		}
	case ".toml":
		var m map[string]any
		if err := toml.Unmarshal(data, &m); err != nil {
			return nil, scenarios.ParseError(path, data, err)
		}
		for k := range m {
			q := regexp.QuoteMeta(k)
			keys = append(keys, configKey{k, lineOf(data, regexp.MustCompile(`(?m)^\s*(?:"`+q+`"|'`+q+`'|`+q+`)\s*(?:=|\.)|^\s*\[\s*(?:"`+q+`"|`+q+`)\s*[\].]`))})
		}
	}
	sort.SliceStable(keys, func(i, j int) bool { return keys[i].line < keys[j].line })
	return keys, nil
}

// lineOf is the 1-based line of re's first match in data, or 0.
func lineOf(data []byte, re *regexp.Regexp) int {
	loc := re.FindIndex(data)
	if loc == nil {
		return 0
	}
	return bytes.Count(data[:loc[0]], []byte("\n")) + 1
}

// flagNames lists the flags of every command under root: what a config
// file may set.
func flagNames(root *cobra.Command) []string {
	seen := map[string]bool{}
	var walk func(*cobra.Command)
	walk = func(cmd *cobra.Command) {
		add := func(f *pflag.Flag) { seen[f.Name] = true }
		cmd.Flags().VisitAll(add)
		cmd.PersistentFlags().VisitAll(add)
		for _, sub := range cmd.Commands() {
			walk(sub)
		}
	}
	walk(root)
	delete(seen, "help")
	delete(seen, "config") // a config file cannot name another
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
