package main

import (
	"bytes"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	built := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/hotbench/hotbench", Version: "v0.0.0-20261201165411-bf69a98788a4+dirty"},
		Deps:      []*debug.Module{{Path: "github.com/tsenart/vegeta/v12", Version: "v12.12.0"}, {Path: "github.com/spf13/cobra", Version: "v1.10.2"}},
		Settings: []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "bf69a98788a42b2e0d9600c7add2fa61ea037e9f"},
			{Key: "vcs.time", Value: "2026-12-01T16:54:11Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	tests := []struct {
		name string
		info *debug.BuildInfo
		want string
	}{
		{"go build in the repository records the commit", built, `hotbench  v0.0.0-20261201165411-bf69a98788a4+dirty
revision  bf69a98788a42b2e0d9600c7add2fa61ea037e9f
time      2026-12-01T16:54:11Z
modified  true (built with uncommitted changes)
go        go1.26.8
github.com/tsenart/vegeta/v12 v12.12.0
`},
		{"go run records no commit: devel", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/hotbench/hotbench", Version: "(devel)"}}, `hotbench  devel
revision  devel (no VCS information: go run and go build -buildvcs=false leave it out; go build in the repository records it)
time      devel
modified  devel
go        go1.26.8
`},
		{"no build information at all: devel", nil, "hotbench  devel\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := writeVersion(&b, tt.info); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(b.String(), tt.want) {
				t.Errorf("got\n%s\nwant it to start\n%s", b.String(), tt.want)
			}
		})
	}
	// The command itself: a test binary has build information, no VCS.
	code, out, _ := hotbench(t, "version")
	if code != 0 || !strings.HasPrefix(out, "hotbench  ") || !strings.Contains(out, "\nrevision  ") || !strings.Contains(out, "\ngo        go1.") {
		t.Errorf("version: exit %d\n%s", code, out)
	}
}
