package demo

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseQuery(t *testing.T) {
	tests := []struct {
		name string
		q    string
		ok   bool
	}{
		{"a plain word is a query", "battery", true},
		{"capitals and digits are allowed", "T5", true},
		{"one letter is enough", "x", true},
		{"forty characters are allowed", strings.Repeat("a", 40), true},
		{"an empty query is refused", "", false},
		{"forty-one characters are too many", strings.Repeat("a", 41), false},
		{"two words are refused", "battery cable", false},
		{"punctuation is refused", "wi-fi", false},
		{"regexp syntax is refused", "bat.*", false},
		{"an underscore is refused", "a_b", false},
		{"non-ASCII letters are refused", "caf\u00e9", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseQuery(tt.q)
			if tt.ok && (err != nil || got != tt.q) {
				t.Fatalf("parseQuery(%q) = %q, %v; want it accepted unchanged", tt.q, got, err)
			}
			if !tt.ok && (err == nil || !strings.Contains(err.Error(), "/api/search?q=battery")) {
				t.Fatalf("parseQuery(%q) error = %v; want a refusal showing a valid query", tt.q, err)
			}
		})
	}
}

// tinyCatalog holds the word-boundary cases both searches must agree on.
func tinyCatalog() []*manual {
	return []*manual{
		{ID: 1, Title: "Screw Guide", Steps: []step{
			{Text: "Remove the screws."}, {Text: "SCREWES are fine"}, {Text: "screw_driver is one word"},
			{Text: "a screwdriver is not a screw"}, {Text: "screwss and xscrew are other words"}}},
		{ID: 2, Title: "Battery", Steps: []step{{Text: "no match here"}, {Text: "wi-fi (screw)"}}},
		{ID: 3, Title: "Nothing to see", Steps: []step{{Text: "none"}}},
		{ID: 4, Title: "Screws everywhere", Steps: []step{{Text: "screw"}, {Text: "screw screws"}, {Text: "a word"}, {Text: "more words"}}},
	}
}

func TestSearchMatchesWholeWordsAndPluralsInAnyCase(t *testing.T) {
	ms := tinyCatalog()
	ix := buildIndex(ms)
	tests := []struct {
		name string
		q    string
		want []searchHit
	}{
		{"title matches rank first, then more matching steps", "screw", []searchHit{
			{ID: 1, Title: "Screw Guide", MatchingSteps: 3, titleMatch: true},
			{ID: 4, Title: "Screws everywhere", MatchingSteps: 2, titleMatch: true},
			{ID: 2, Title: "Battery", MatchingSteps: 1},
		}},
		{"the query's case does not matter", "SCREW", []searchHit{
			{ID: 1, Title: "Screw Guide", MatchingSteps: 3, titleMatch: true},
			{ID: 4, Title: "Screws everywhere", MatchingSteps: 2, titleMatch: true},
			{ID: 2, Title: "Battery", MatchingSteps: 1},
		}},
		{"equal manuals rank by id", "word", []searchHit{
			{ID: 1, Title: "Screw Guide", MatchingSteps: 2},
			{ID: 4, Title: "Screws everywhere", MatchingSteps: 2},
		}},
		{"a prefix of a word is not a match", "scre", []searchHit{}},
		{"a word joined by an underscore is one word", "driver", []searchHit{}},
		{"a hyphen separates words", "fi", []searchHit{{ID: 2, Title: "Battery", MatchingSteps: 1}}},
		{"no match is an empty list", "zebra", []searchHit{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.want
			for i := range want {
				want[i].Steps = len(ms[want[i].ID-1].Steps)
			}
			if got := searchRegexp(ms, tt.q); !reflect.DeepEqual(got, want) {
				t.Errorf("searchRegexp(%q) = %+v, want %+v", tt.q, got, want)
			}
			if got := ix.search(tt.q); !reflect.DeepEqual(got, want) {
				t.Errorf("index search(%q) = %+v, want %+v", tt.q, got, want)
			}
		})
	}
}

func TestSearchReturnsAtMost20Results(t *testing.T) {
	var ms []*manual
	for id := 1; id <= 25; id++ {
		ms = append(ms, &manual{ID: id, Title: "Manual", Steps: []step{{Text: strings.Repeat("screw ", id%4)}}})
	}
	for name, got := range map[string][]searchHit{
		"regexp": searchRegexp(ms, "manual"),
		"index":  buildIndex(ms).search("manual"),
	} {
		if len(got) != maxResults {
			t.Fatalf("%s search: %d results, want %d", name, len(got), maxResults)
		}
		if got[0].ID != 1 || got[19].ID != 20 {
			t.Fatalf("%s search: results run from id %d to %d, want 1 to 20", name, got[0].ID, got[19].ID)
		}
	}
}

func TestSearchIndexAgreesWithRegexpOnTheSeedCatalog(t *testing.T) {
	// A sample: title words, step words, plurals, and words that are absent.
	for _, q := range []string{"battery", "Screw", "screws", "cable", "the", "T5", "iphone", "hinge", "edge", "q", "zzz"} {
		want := searchRegexp(seedCatalog(), q)
		if got := seedIndex().search(q); !reflect.DeepEqual(got, want) {
			t.Errorf("search %q: index says %+v, regexp says %+v", q, got, want)
		}
	}
}

// FuzzSearch checks that the word index, the fix, answers exactly what the
// regexp search answers, for any query and any ASCII text.
func FuzzSearch(f *testing.F) {
	f.Add("screw", "Remove the Screws_ screws, screwes.")
	f.Add("a", "a A a-a _a_")
	f.Add("ks", "KS kses kss")
	f.Fuzz(func(t *testing.T, q, text string) {
		if _, err := parseQuery(q); err != nil {
			return
		}
		for i := 0; i < len(text); i++ {
			if text[i] >= 0x80 {
				return // the seed data is ASCII; see TestSeedCatalog
			}
		}
		ms := []*manual{{ID: 1, Title: text, Steps: []step{{Text: text}, {Text: "x " + text}}}}
		want := searchRegexp(ms, q)
		if got := buildIndex(ms).search(q); !reflect.DeepEqual(got, want) {
			t.Fatalf("search %q in %q: index says %+v, regexp says %+v", q, text, got, want)
		}
	})
}
