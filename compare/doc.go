// Package compare answers "did this change make it faster, and can we trust
// that?": it turns the repetitions of two sets of runs into per-metric samples,
// summarises and compares them with golang.org/x/perf/benchmath exactly as
// benchstat does, joins hotspot metrics with their functions' profile shares
// into verdicts, applies the CI gate policy, and writes the result as text,
// Markdown, JSON or JUnit XML.
package compare
