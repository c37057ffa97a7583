package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// Check compares got with the golden file at path, or rewrites the file
// under -update.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	actual := path + ".actual"
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		os.Remove(actual)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if bytes.Equal(got, want) {
		os.Remove(actual)
		return
	}
	if err := os.WriteFile(actual, got, 0o644); err != nil {
		t.Logf("could not keep the actual output: %v", err)
	}
	t.Errorf("%s differs from the output (kept in %s; go test -update accepts it): %s", path, actual, firstDifference(got, want))
}

// firstDifference describes the first line where got and want differ.
func firstDifference(got, want []byte) string {
	gl := strings.Split(string(got), "\n")
	wl := strings.Split(string(want), "\n")
	for i := 0; i < len(gl) && i < len(wl); i++ {
		if gl[i] != wl[i] {
			return "line " + strconv.Itoa(i+1) + ":\n  got:  " + gl[i] + "\n  want: " + wl[i]
		}
	}
	return "got " + strconv.Itoa(len(gl)) + " lines, want " + strconv.Itoa(len(wl))
}
