// Package results owns what a hotbench run leaves on disk: the versioned
// run.json (Run, with HDR latency histograms that merge exactly), the
// results store that creates, saves atomically, loads, lists, resolves
// and removes runs (Store.LoadRuns: the runs a list of references names),
// names baselines and keeps saved verdicts (compare, gate and ab, with the
// fix log's ticket, PR and note), the working group's annotations
// (annotations.jsonl, append-only: releases, deploys, incidents, fixes,
// notes; git tags synced as releases; Grafana's JSON), and the export of
// runs to the Go benchmark format that stock benchstat reads.
package results
