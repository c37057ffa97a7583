package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

func (a *app) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print hotbench's version, the commit it was built from, and its measuring libraries' versions",
		Long: `version prints hotbench's module version, the VCS revision it was built from,
that commit's time and whether the working tree had uncommitted changes (as the
go command records them in the binary), the Go version, and the versions of the
libraries that measure and judge. A binary built without VCS information (go run,
go build -buildvcs=false, a build outside the repository) says devel.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			info, ok := debug.ReadBuildInfo()
			if !ok {
				info = nil
			}
			return writeVersion(a.stdout, info)
		},
	}
}

// versionDeps are the libraries whose versions change what hotbench
// measures or how it judges.
var versionDeps = []string{"github.com/tsenart/vegeta/v12", "github.com/HdrHistogram/hdrhistogram-go", "github.com/google/pprof", "golang.org/x/perf"}

// writeVersion prints what the go command recorded in info (nil when the
// binary has none): "devel" for each thing it did not record.
func writeVersion(w io.Writer, info *debug.BuildInfo) error {
	const devel = "devel"
	module, goVersion := devel, devel
	settings := map[string]string{}
	deps := map[string]string{}
	if info != nil {
		if v := info.Main.Version; v != "" && v != "(devel)" {
			module = v
		}
		if info.GoVersion != "" {
			goVersion = info.GoVersion
		}
		for _, s := range info.Settings {
			settings[s.Key] = s.Value
		}
		for _, d := range info.Deps {
			if d.Replace != nil {
				d = d.Replace
			}
			deps[d.Path] = d.Version
		}
	}
	revision, at, modified := settings["vcs.revision"], settings["vcs.time"], settings["vcs.modified"]
	if revision == "" {
		revision = devel + " (no VCS information: go run and go build -buildvcs=false leave it out; go build in the repository records it)"
	}
	if at == "" {
		at = devel
	}
	switch modified {
	case "true":
		modified = "true (built with uncommitted changes)"
	case "":
		modified = devel
	}
	var b strings.Builder
	fmt.Fprintf(&b, "hotbench  %s\n", module)
	fmt.Fprintf(&b, "revision  %s\n", revision)
	fmt.Fprintf(&b, "time      %s\n", at)
	fmt.Fprintf(&b, "modified  %s\n", modified)
	fmt.Fprintf(&b, "go        %s\n", goVersion)
	for _, p := range versionDeps {
		if v, ok := deps[p]; ok {
			fmt.Fprintf(&b, "%s %s\n", p, v)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
