// Package report renders hotbench results for people: one run, or a month of
// runs from a results store, as a single self-contained HTML file that works
// offline and as Markdown with PNG charts for wikis and monthly documents.
// It owns the charts (drawn with gonum.org/v1/plot), the month's hotspot
// progress (objective, trend, status) and the layout of both reports.
package report
