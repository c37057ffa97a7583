package scenarios

import (
	"sort"
	"strconv"
	"strings"
)

// Error is one problem in a scenario, positioned as precisely as the format
// allows. It prints as "file:line: field: msg", leaving out what is unknown
// (Line is 0 for TOML and JSON files, for values from the environment or
// from overrides, and for scenarios built in code); a YAML syntax error
// has a column too, "file:line:col: msg".
type Error struct {
	File  string
	Line  int
	Col   int    // 1-based, in characters; 0 when unknown
	Field string // path of the key, like "endpoints[1].weight"
	Msg   string // what is wrong and what to do
}

// oneLine escapes line breaks, so an error stays one line whatever text
// of the file (a key, a path) it quotes.
var oneLine = strings.NewReplacer("\r\n", `\r\n`, "\n", `\n`, "\r", `\r`)

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteString(":")
			b.WriteString(strconv.Itoa(e.Line))
			if e.Col > 0 {
				b.WriteString(":")
				b.WriteString(strconv.Itoa(e.Col))
			}
		}
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return oneLine.Replace(b.String())
}

// ErrorList is every problem found in a scenario, one per line, sorted by
// line. Load reports them all at once so one edit can fix them all.
type ErrorList []*Error

func (l ErrorList) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As find each *Error.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// sortErrors orders errors by line, keeping the order they were found in
// within a line (the order of the keys in the file, mostly).
func sortErrors(errs []*Error) {
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Line < errs[j].Line })
}

// Suggest returns the candidate closest to word, or "" when none is close
// enough to be the word the user meant: for "did you mean …?" in errors
// about names (keys, metrics, endpoints) anywhere in hotbench.
func Suggest(word string, candidates []string) string {
	w := strings.ToLower(word)
	best, bestD := "", -1
	for _, c := range candidates {
		d := editDistance(w, strings.ToLower(c))
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	if bestD < 0 || bestD > 2 || bestD > len([]rune(w))/2 {
		return ""
	}
	return best
}

// editDistance is the optimal string alignment distance: insertions,
// deletions, substitutions and transpositions of neighbours each cost 1, so
// "wieght" is one edit from "weight".
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// Three rows are enough for transpositions.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
