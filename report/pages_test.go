package report

import (
	"bytes"
	"context"
	"sync"
	"testing"
)

// The full-resolution pages are rendered once and shared by the tests that
// read them (content, size, browser): rendering charts is most of the
// package's test time, many times more under the race detector.
var (
	runPageOnce, monthPageOnce sync.Once
	runPage, monthPage         []byte
)

// fullRunPage is the run report of storedRun at the default resolution.
func fullRunPage(t *testing.T) []byte {
	t.Helper()
	runPageOnce.Do(func() {
		var buf bytes.Buffer
		if err := RunReport(&buf, storedRun(t, 20), Options{Now: fixedNow}); err != nil {
			t.Fatal(err)
		}
		runPage = buf.Bytes()
	})
	if runPage == nil {
		t.Fatal("the run report failed to render in another test")
	}
	return runPage
}

// fullMonthPage is the month report of monthFixture at the default
// resolution.
func fullMonthPage(t *testing.T) []byte {
	t.Helper()
	monthPageOnce.Do(func() {
		m, err := BuildMonth(context.Background(), monthFixture(t), day(1, 0), Options{Now: fixedNow})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := m.WriteHTML(&buf); err != nil {
			t.Fatal(err)
		}
		monthPage = buf.Bytes()
	})
	if monthPage == nil {
		t.Fatal("the month report failed to render in another test")
	}
	return monthPage
}
