// Package golden checks test output against files under testdata/, the way
// x/perf's benchstat tests do: `go test -update` rewrites the files, and on
// a mismatch the actual output is written beside the golden file (as
// NAME.actual) and the first differing line is reported. It is for tests
// only; every package's golden tests share it and its -update flag.
package golden
