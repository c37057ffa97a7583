package demo

import (
	"html"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	goldenfile "github.com/hotbench/hotbench/internal/golden"

	nethtml "golang.org/x/net/html"
)

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name), got)
}

func TestRenderersWriteTheSamePage(t *testing.T) {
	for _, m := range seedCatalog() {
		if a, b := renderConcat(m), renderBuilder(m); a != b {
			t.Fatalf("manual %d: renderConcat and renderBuilder differ (%d and %d bytes)", m.ID, len(a), len(b))
		}
	}
}

func TestRenderGolden(t *testing.T) {
	// Manual 4 has a quote and an ampersand in its title.
	for _, id := range []int{1, 4} {
		m := seedCatalog()[id-1]
		checkGolden(t, "render-"+strconv.Itoa(id)+".html", []byte(renderBuilder(m)))
	}
}

// TestRenderEscapesText parses every rendered page as a browser would and
// checks that each piece of text reads back exactly as stored.
func TestRenderEscapesText(t *testing.T) {
	for _, m := range seedCatalog() {
		page := renderBuilder(m)
		doc, err := nethtml.Parse(strings.NewReader(page))
		if err != nil {
			t.Fatalf("manual %d: page does not parse: %v", m.ID, err)
		}
		var h1, bullets, notes, alts []string
		for n := range doc.Descendants() {
			if n.Type != nethtml.ElementNode {
				continue
			}
			switch {
			case n.Data == "h1":
				h1 = append(h1, textOf(n))
			case n.Data == "p" && attr(n.Parent, "class") == "step":
				bullets = append(bullets, textOf(n))
			case n.Data == "aside":
				notes = append(notes, textOf(n))
			case n.Data == "img":
				alts = append(alts, attr(n, "alt"))
			}
		}
		var wantBullets, wantNotes, wantAlts []string
		for _, st := range m.Steps {
			wantBullets = append(wantBullets, st.Text)
			wantAlts = append(wantAlts, st.Title)
			if st.Note != "" {
				wantNotes = append(wantNotes, st.Note)
			}
		}
		for _, c := range []struct {
			what      string
			got, want []string
		}{
			{"title", h1, []string{m.Title}},
			{"step texts", bullets, wantBullets},
			{"notes", notes, wantNotes},
			{"image alt texts", alts, wantAlts},
		} {
			if strings.Join(c.got, "\n") != strings.Join(c.want, "\n") {
				t.Fatalf("manual %d: the %s read back from the page differ from the stored ones:\n got %q\nwant %q", m.ID, c.what, c.got, c.want)
			}
		}
		for _, raw := range []string{"< 0.2 Nm", "> 100 C", "top & bottom"} {
			if strings.Contains(page, raw) {
				t.Fatalf("manual %d: page contains %q unescaped", m.ID, raw)
			}
		}
	}
}

func textOf(n *nethtml.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == nethtml.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

func attr(n *nethtml.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// FuzzWriteEscaped checks that the fix's escaper writes exactly what
// html.EscapeString returns, so fixed and unfixed pages stay identical.
func FuzzWriteEscaped(f *testing.F) {
	for _, s := range []string{"", "plain", `<a href="x">'&'</a>`, "\xff<\x00>", "&&&&"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var b strings.Builder
		writeEscaped(&b, s)
		if want := html.EscapeString(s); b.String() != want {
			t.Fatalf("writeEscaped(%q) = %q, want %q", s, b.String(), want)
		}
	})
}
