package demo

import (
	"reflect"
	"strings"
	"testing"
)

func TestSeedCatalog(t *testing.T) {
	ms := seedCatalog()
	if len(ms) != numManuals {
		t.Fatalf("%d manuals, want %d", len(ms), numManuals)
	}
	images := map[string]bool{}
	var escapes strings.Builder
	for i, m := range ms {
		if m.ID != i+1 {
			t.Fatalf("manual %d has id %d: ids must run 1..%d", i+1, m.ID, numManuals)
		}
		if n := len(m.Steps); n < 20 || n > 120 {
			t.Errorf("manual %d has %d steps, want 20 to 120", m.ID, n)
		}
		texts := []string{m.Title, m.Device, m.Category, m.Difficulty}
		texts = append(texts, m.Tools...)
		texts = append(texts, m.Parts...)
		for j, st := range m.Steps {
			if st.Number != j+1 {
				t.Fatalf("manual %d step %d is numbered %d", m.ID, j+1, st.Number)
			}
			if images[st.Image] {
				t.Errorf("manual %d step %d reuses image %s", m.ID, st.Number, st.Image)
			}
			images[st.Image] = true
			texts = append(texts, st.Title, st.Text, st.Note)
		}
		for _, s := range texts {
			if strings.Contains(s, "{") {
				t.Errorf("manual %d has an unfilled template: %q", m.ID, s)
			}
			// The search index matches the regexp search only on ASCII: (?i)
			// folds "k" to the Kelvin sign, "s" to the long s.
			for k := 0; k < len(s); k++ {
				if s[k] >= 0x80 {
					t.Fatalf("manual %d has non-ASCII text %q", m.ID, s)
				}
			}
			if strings.ContainsAny(s, `<>&'"`) {
				escapes.WriteString(s)
			}
		}
	}
	if got := len(ms[0].Steps); got != 60 {
		t.Errorf("manual 1 has %d steps; the demo scenario relies on 60", got)
	}
	for _, c := range `<>&'"` {
		if !strings.ContainsRune(escapes.String(), c) {
			t.Errorf("no seed text contains %q, so rendering never has to escape it", c)
		}
	}
}

func TestSeedCatalogIsTheSameEveryTime(t *testing.T) {
	for id := 1; id <= numManuals; id++ {
		if a, b := generateManual(id), generateManual(id); !reflect.DeepEqual(a, b) {
			t.Fatalf("generating manual %d twice gave two different manuals", id)
		}
	}
}
