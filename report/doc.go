// Package report renders hotbench results for people: one run, one
// comparison of a base with a candidate (BuildBeforeAfter), or a month of
// runs from a results store (BuildMonth), as a single self-contained HTML
// file that works offline and as Markdown with PNG charts for wikis and
// monthly documents. It owns the charts (drawn with gonum.org/v1/plot), the
// month's hotspot progress (objective, trend, Status), its comparison with
// the month before, its annotations and fix log, and the layout of every
// report, and the plain text the command prints: a run's summary with its
// hotspots, the list of stored runs, two runs side by side and their
// profile evidence. The statistics are compare's: the reports lay them out.
package report
