// Package demo is hotbench's embedded demo service: a small manuals-sharing JSON
// API (search, manual with steps, rendered HTML page, pprof) over deterministic
// seed data, with three planted performance hotspots that each have a fix behind
// a switch (see Hotspots). hotbench's demo command load-tests it unfixed and
// fixed so the hotspots can be seen improving in latency and in pprof profiles.
package demo
