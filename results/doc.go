// Package results owns what a hotbench run leaves on disk: the versioned
// run.json (Run, with HDR latency histograms that merge exactly), the
// results store that creates, saves atomically, loads, lists and resolves
// runs (Store.LoadRuns: the runs a list of references names), names
// baselines and keeps saved verdicts, and the export of runs to
// the Go benchmark format that stock benchstat reads.
package results
