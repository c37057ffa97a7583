// Package profiles owns hotbench's server profiles: it captures them during a
// repetition's measured window (from a Go net/http/pprof endpoint or from any
// command that writes pprof or folded stacks), stores them as gzipped pprof
// files, and reads them back as hotspot shares, top functions, diffs in the
// way `pprof -diff_base` computes them, and pprof's own web UI.
package profiles
