// Package report renders hotbench results for people: one run, or a month of
// runs from a results store, as a single self-contained HTML file that works
// offline and as Markdown with PNG charts for wikis and monthly documents.
// It owns the charts (drawn with gonum.org/v1/plot), the month's hotspot
// progress (objective, trend, Status) and the layout of both reports, and
// the plain text the command prints: a run's summary, the list of stored
// runs, two runs side by side and their profile evidence.
package report
