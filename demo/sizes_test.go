package demo

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The demo scenario's data file lists every manual with its size class,
// as the catalog has them, and every class has manuals.
func TestManualsCSVMatchesTheCatalog(t *testing.T) {
	got, err := os.ReadFile(filepath.Join("..", "scenarios", "examples", "manuals.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != ManualsCSV() {
		t.Errorf("scenarios/examples/manuals.csv:\n%s\nwant, from the catalog:\n%s", got, ManualsCSV())
	}
	for _, size := range []string{SizeSmall, SizeMedium, SizeLarge} {
		if !strings.Contains(ManualsCSV(), ","+size+"\n") {
			t.Errorf("no %s manual", size)
		}
	}
	if SizeOf(stepCounts[0]) != SizeLarge {
		t.Errorf("manual 1 (%d steps) is %s, want large", stepCounts[0], SizeOf(stepCounts[0]))
	}
}
