package demo

import (
	"strconv"
	"strings"
	"sync"
)

// manual is one repair manual, as the API serves it.
type manual struct {
	ID          int      `json:"id"`
	Title       string   `json:"title"`
	Device      string   `json:"device"`
	Category    string   `json:"category"`
	Difficulty  string   `json:"difficulty"`
	TimeMinutes int      `json:"time_minutes"`
	Tools       []string `json:"tools"`
	Parts       []string `json:"parts"`
	Steps       []step   `json:"steps"`
}

// step is one step of a manual. Text is what search looks at; Note is an
// optional caution or tip.
type step struct {
	Number int    `json:"number"`
	Title  string `json:"title"`
	Text   string `json:"text"`
	Note   string `json:"note,omitempty"`
	Image  string `json:"image"`
}

// stepCounts gives each manual its number of steps, from 20 to 90: mostly
// short, as real manuals are, with a few long ones. Manual 1 has 60, the size
// the demo scenario uses. The total (about 400 steps) sets the unfixed
// search's cost, about 5µs per step (a regexp compile and a match): a few
// milliseconds of CPU per request, slow but far from saturating a core at
// the demo load.
var stepCounts = [...]int{60, 22, 21, 28, 90, 20, 23, 30, 20, 24, 20, 22, 20, 20}

const numManuals = len(stepCounts)

// seedCatalog is the seed data, generated once and shared read-only by every
// Service.
var seedCatalog = sync.OnceValue(func() []*manual {
	ms := make([]*manual, numManuals)
	for i := range ms {
		ms[i] = generateManual(i + 1)
	}
	return ms
})

// devices lists what the manuals repair, one manual each, with the procedure
// (an index into procedures) it covers.
var devices = [numManuals]struct {
	name, category string
	proc           int
}{
	{"iPhone 12", "Phone", 0},
	{"Dell XPS 13 9350", "Laptop", 3},
	{"Nintendo Switch", "Game Console", 7},
	{`MacBook Pro 13" Two Thunderbolt Ports 2019`, "Laptop", 4},
	{"Google Pixel 7", "Phone", 2},
	{"Steam Deck", "Game Console", 5},
	{"iPad Air 4", "Tablet", 1},
	{"Lenovo ThinkPad X1 Carbon Gen 9", "Laptop", 4},
	{"Samsung Galaxy S21", "Phone", 6},
	{"PlayStation 5", "Game Console", 7},
	{"Kindle Paperwhite 4", "Tablet", 0},
	{"Framework Laptop 13", "Laptop", 8},
	{"Apple Watch Series 6", "Wearable", 9},
	{"GoPro HERO9 Black", "Camera", 1},
}

var procedures = []struct{ title, target string }{
	{"Battery Replacement", "battery"},
	{"Screen Replacement", "display assembly"},
	{"Charging Port Replacement", "charging port"},
	{"Fan Cleaning", "fan"},
	{"Hinge & Display Cable Replacement", "hinge"},
	{"Loudspeaker Replacement", "loudspeaker"},
	{"Rear Camera Replacement", "rear camera"},
	{"Thermal Paste Replacement", "heat sink"},
	{"Logic Board Replacement", "logic board"},
	{"Power Button Replacement", "power button"},
}

// Words the step templates draw from. ASCII only: search's word index and its
// case-insensitive regexp agree exactly on ASCII text.
var vocabulary = map[string][]string{
	"cover":   {"back cover", "rear case", "bottom case", "front panel", "screen"},
	"cable":   {"display", "digitizer", "antenna", "front camera", "speaker", "Taptic Engine", "Wi-Fi", "Touch ID"},
	"board":   {"logic board", "daughterboard", "I/O board", "motherboard"},
	"bracket": {"battery connector bracket", "display cable bracket", "camera bracket", "port cover plate"},
	"shield":  {"EMI shield", "heat spreader", "foam spacer", "graphite sheet"},
	"tape":    {"Kapton tape", "conductive tape", "foam pad", "black tape"},
	"screw":   {"Phillips #000", "T5 Torx", "P2 pentalobe", "Y000 tri-point", "T3 Torx", "JIS #00"},
	"len":     {"1.2", "1.5", "2.3", "3.4", "4.1", "6.2"},
	"count":   {"two", "three", "four", "five", "six"},
	"edge":    {"top", "bottom", "left", "right"},
	"min":     {"1", "2", "3"},
	"num":     {"1", "2", "3", "4", "5", "6", "7", "8", "9"},
}

type stepTemplate struct{ title, text string }

// The phases of a repair, in order; each phase draws its steps from its list.
var (
	openingSteps = []stepTemplate{
		{"Heat the {edge} edge", "Apply a heated iOpener to the {edge} edge of the {device} for {min} minutes to soften the adhesive."},
		{"Remove the {screw} screws", "Remove the {count} {len} mm {screw} screws securing the {cover}."},
		{"Insert an opening pick", "Slide an opening pick under the {edge} edge of the {cover} and slice through the adhesive."},
		{"Lift the {cover}", "Use a suction handle to lift the {cover} just enough to insert a spudger."},
		{"Release the clips", "Run a spudger along the {edge} edge of the {cover} to release the clips holding it in place."},
		{"Remove the {cover}", "Swing the {cover} open like a book and rest it against a clean support."},
	}
	disconnectSteps = []stepTemplate{
		{"Peel back the {tape}", "Peel back the {tape} covering the battery connector."},
		{"Disconnect the battery", "Use the point of a spudger to pry the battery connector straight up from its socket on the {board}."},
	}
	accessSteps = []stepTemplate{
		{"Remove the {bracket}", "Remove the {count} {len} mm {screw} screws securing the {bracket}, then lift it off."},
		{"Disconnect the {cable} cable", "Pry the {cable} cable connector up from its socket on the {board}."},
		{"Unroute the {cable} cable", "Gently unroute the {cable} cable from the clips along the {edge} edge of the frame."},
		{"Remove the {shield}", "Use tweezers to lift the {shield} & set it aside."},
		{"Free the {board}", "Lift the {board} from its {edge} edge & pull it out of the frame."},
		{"Remove the {cable} screws", "Remove the {count} {len} mm {screw} screws holding the {cable} cable guide."},
		{"Open the {cable} connector cover", "Remove the {count} {len} mm {screw} screws from the {cable} connector cover and lift it away."},
		{"Peel off the {shield}", "Peel the {shield} off the {board}, starting at the {edge} edge."},
	}
	removeSteps = []stepTemplate{
		{"Loosen the {target}", "Apply a few drops of 90% isopropyl alcohol under the {target} to weaken the adhesive."},
		{"Remove the {target} screws", "Remove the {count} {len} mm {screw} screws securing the {target}."},
		{"Remove the {target}", "Lift the {target} out of the {device} and set it aside."},
	}
	reassemblySteps = []stepTemplate{
		{"Clean the {cable} contacts", "Wipe the {cable} cable contacts with 90% isopropyl alcohol and let them dry."},
		{"Apply new adhesive", "Apply fresh adhesive strips to the {edge} edge of the frame before you install the {cover}."},
		{"Reconnect the {cable} cable", "Press the {cable} cable connector into its socket until it clicks."},
		{"Reinstall the {bracket}", "Lay the {bracket} back over the connectors and reinstall its {count} {screw} screws."},
		{"Reroute the {cable} cable", "Route the {cable} cable back through the clips along the {edge} edge of the frame."},
		{"Replace the {shield}", "Press the {shield} back into place over the {board}."},
		{"Close the {cover}", "Lower the {cover} into place and press along the {edge} edge until the clips engage."},
	}
	installStep = stepTemplate{"Install the new {target}", "Press the new {target} into its recess and make sure it sits flush with the frame."}
	finalStep   = stepTemplate{"Test the {target}", "Power on the {device} and test the new {target} before you close the case."}
	notes       = []string{
		"Caution: Never pry against the battery - a punctured cell can catch fire.",
		"Tip: Keep the screws sorted; the top & bottom screws differ in length.",
		"Caution: Tighten to < 0.2 Nm or the standoffs will strip.",
		"Tip: If the {target} doesn't budge, apply more heat and try again.",
		`Note: The connector marked "J{num}" faces the {edge} edge.`,
		"Tip: Take a photo of the cable routing before you remove anything.",
		"Caution: Keep the iOpener below 100 C; > 100 C can warp the {cover}.",
	}
	difficulties = []string{"Easy", "Moderate", "Difficult", "Very difficult"}
	tools        = []string{"iOpener", "Spudger", "Tweezers", "Suction Handle", "iFixit Opening Picks (Set of 6)",
		"Phillips #000 Screwdriver", "T5 Torx Screwdriver", "P2 Pentalobe Screwdriver", "Heat Gun", "Isopropyl Alcohol (90%)"}
)

// generateManual builds manual id from a generator seeded by id, so the catalog
// is the same on every run and every machine.
func generateManual(id int) *manual {
	r := &rng{state: uint64(id) * 0x2545f4914f6cdd1d}
	dev := devices[id-1]
	proc := procedures[dev.proc]
	n := stepCounts[id-1]
	m := &manual{
		ID:          id,
		Title:       dev.name + " " + proc.title,
		Device:      dev.name,
		Category:    dev.category,
		Difficulty:  difficulties[r.intn(len(difficulties))],
		TimeMinutes: 15 + 5*(n/10),
		Parts:       []string{dev.name + " " + titleCase(proc.target), "Adhesive Strips"},
	}
	for _, t := range r.perm(len(tools))[:3+r.intn(3)] {
		m.Tools = append(m.Tools, tools[t])
	}

	opening := n / 5
	access := n * 45 / 100
	plan := make([]stepTemplate, 0, n)
	// add draws k steps from a phase, going through its templates in a
	// shuffled order before repeating any, as a real manual would vary.
	add := func(k int, from []stepTemplate) {
		for len(from) > 0 && k > 0 {
			for _, i := range r.perm(len(from))[:min(k, len(from))] {
				plan = append(plan, from[i])
			}
			k -= min(k, len(from))
		}
	}
	add(opening, openingSteps)
	plan = append(plan, disconnectSteps...)
	add(access, accessSteps)
	plan = append(plan, removeSteps...)
	plan = append(plan, installStep)
	add(n-len(plan)-1, reassemblySteps)
	plan = append(plan, finalStep)

	for i, t := range plan {
		fill := r.filler(dev.name, proc.target)
		st := step{
			Number: i + 1,
			Title:  fill.Replace(t.title),
			Text:   fill.Replace(t.text),
			Image:  "/img/manuals/" + strconv.Itoa(id) + "/step-" + strconv.Itoa(i+1) + ".jpg",
		}
		if r.intn(5) == 0 {
			st.Note = fill.Replace(notes[r.intn(len(notes))])
		}
		st.Title = capitalize(st.Title)
		m.Steps = append(m.Steps, st)
	}
	return m
}

// filler picks one value per placeholder, so a step's title, text and note
// name the same cable, screw and edge.
func (r *rng) filler(device, target string) *strings.Replacer {
	pairs := []string{"{device}", device, "{target}", target}
	for _, k := range []string{"cover", "cable", "board", "bracket", "shield", "tape", "screw", "len", "count", "edge", "min", "num"} {
		vs := vocabulary[k]
		pairs = append(pairs, "{"+k+"}", vs[r.intn(len(vs))])
	}
	return strings.NewReplacer(pairs...)
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

func titleCase(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		words[i] = capitalize(w)
	}
	return strings.Join(words, " ")
}

// rng is splitmix64: tiny, and unlike math/rand its sequence can never change
// under us, which would silently change the seed data and the golden files.
type rng struct{ state uint64 }

func (r *rng) next() uint64 {
	r.state += 0x9e3779b97f4a7c15
	z := r.state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

func (r *rng) perm(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	for i := n - 1; i > 0; i-- {
		j := r.intn(i + 1)
		p[i], p[j] = p[j], p[i]
	}
	return p
}
