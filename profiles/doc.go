// Package profiles owns hotbench's server profiles: it captures them during a
// repetition's measured window (from a Go net/http/pprof endpoint or from any
// command that writes pprof or folded stacks), each bounded in size
// (DefaultMaxBytes, downloaded and decompressed), stores them as gzipped
// pprof files, and reads them back as hotspot shares, top functions, diffs
// of shares in percentage points, and pprof's own web UI.
package profiles
