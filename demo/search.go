package demo

import (
	"fmt"
	"math/bits"
	"regexp"
	"slices"
	"sync"
)

const (
	maxResults  = 20
	maxQueryLen = 40
)

// searchHit is one search result. Manuals whose title matches come first, then
// those with more matching steps, then lower ids.
type searchHit struct {
	ID            int    `json:"id"`
	Title         string `json:"title"`
	Steps         int    `json:"steps"`
	MatchingSteps int    `json:"matching_steps"`
	titleMatch    bool
}

// parseQuery checks a search word: 1 to 40 ASCII letters or digits. Keeping
// queries to one plain word is what lets the regexp search and the word index
// give identical answers.
func parseQuery(q string) (string, error) {
	if q == "" || len(q) > maxQueryLen {
		return "", fmt.Errorf("q must be one word of 1 to %d letters or digits, e.g. /api/search?q=battery", maxQueryLen)
	}
	for i := 0; i < len(q); i++ {
		if !isAlnum(q[i]) {
			return "", fmt.Errorf("q must be one word of letters or digits, without %q: e.g. /api/search?q=battery", q[i])
		}
	}
	return q, nil
}

// searchRegexp is the search-regexp hotspot. It matches the word, or its
// plural, case-insensitively as a whole word in each title and step, and
// containsWord compiles the pattern again for every text it looks at: the
// compile costs more than the match.
func searchRegexp(ms []*manual, q string) []searchHit {
	var hits []searchHit
	for _, m := range ms {
		h := searchHit{ID: m.ID, Title: m.Title, Steps: len(m.Steps)}
		h.titleMatch = containsWord(m.Title, q)
		for _, st := range m.Steps {
			if containsWord(st.Text, q) {
				h.MatchingSteps++
			}
		}
		if h.titleMatch || h.MatchingSteps > 0 {
			hits = append(hits, h)
		}
	}
	return rank(hits)
}

// containsWord reports whether text contains q, q+"s" or q+"es" as a whole
// word, ignoring case.
func containsWord(text, q string) bool {
	re := regexp.MustCompile(`(?i)\b` + regexp.QuoteMeta(q) + `(?:s|es)?\b`)
	return re.MatchString(text)
}

// wordIndex is the search-regexp fix: every title and step is split into
// lower-cased words once, at start, so a search is a few map lookups per
// manual. A word is a run of [0-9A-Za-z_], exactly what \b delimits.
type wordIndex struct{ entries []indexEntry }

type indexEntry struct {
	id         int
	title      string
	steps      int
	titleWords map[string]bool
	stepWords  map[string][]uint64 // word → bitset of the steps (by position) that contain it
}

var seedIndex = sync.OnceValue(func() *wordIndex { return buildIndex(seedCatalog()) })

func buildIndex(ms []*manual) *wordIndex {
	ix := &wordIndex{entries: make([]indexEntry, 0, len(ms))}
	for _, m := range ms {
		e := indexEntry{id: m.ID, title: m.Title, steps: len(m.Steps),
			titleWords: map[string]bool{}, stepWords: map[string][]uint64{}}
		for _, w := range words(m.Title) {
			e.titleWords[w] = true
		}
		for i, st := range m.Steps {
			for _, w := range words(st.Text) {
				set := e.stepWords[w]
				if set == nil {
					set = make([]uint64, (len(m.Steps)+63)/64)
					e.stepWords[w] = set
				}
				set[i/64] |= 1 << (i % 64)
			}
		}
		ix.entries = append(ix.entries, e)
	}
	return ix
}

// search answers exactly what searchRegexp answers, for any q parseQuery accepts.
func (ix *wordIndex) search(q string) []searchHit {
	q = lowerASCII(q)
	forms := [...]string{q, q + "s", q + "es"}
	var hits []searchHit
	var union []uint64
	for _, e := range ix.entries {
		h := searchHit{ID: e.id, Title: e.title, Steps: e.steps}
		union = union[:0]
		for _, f := range forms {
			h.titleMatch = h.titleMatch || e.titleWords[f]
			set := e.stepWords[f]
			if set == nil {
				continue
			}
			if len(union) == 0 {
				union = append(union, set...)
				continue
			}
			for i := range set {
				union[i] |= set[i]
			}
		}
		for _, word := range union {
			h.MatchingSteps += bits.OnesCount64(word)
		}
		if h.titleMatch || h.MatchingSteps > 0 {
			hits = append(hits, h)
		}
	}
	return rank(hits)
}

// rank orders hits best first and keeps the first maxResults; never nil, so
// no results encode as [].
func rank(hits []searchHit) []searchHit {
	slices.SortFunc(hits, func(a, b searchHit) int {
		if a.titleMatch != b.titleMatch {
			if a.titleMatch {
				return -1
			}
			return 1
		}
		if a.MatchingSteps != b.MatchingSteps {
			return b.MatchingSteps - a.MatchingSteps
		}
		return a.ID - b.ID
	})
	if hits == nil {
		return []searchHit{}
	}
	return hits[:min(len(hits), maxResults)]
}

// words splits text into lower-cased runs of [0-9A-Za-z_].
func words(text string) []string {
	var out []string
	start := -1
	for i := 0; i <= len(text); i++ {
		if i < len(text) && isWordByte(text[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, lowerASCII(text[start:i]))
			start = -1
		}
	}
	return out
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func isWordByte(c byte) bool { return isAlnum(c) || c == '_' }

func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
