package scenarios

import (
	"flag"
	"go/doc/comment"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"

	goldenfile "github.com/hotbench/hotbench/internal/golden"
)

// referenceFrom renders the package documentation in doc.go as plain text
// and keeps its reference: the sections from the first heading on.
func referenceFrom(t *testing.T, docFile string) string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), docFile, nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	if f.Doc == nil {
		t.Fatalf("%s has no package documentation", docFile)
	}
	var p comment.Parser
	doc := p.Parse(f.Doc.Text())
	for i, b := range doc.Content {
		if _, ok := b.(*comment.Heading); ok {
			doc.Content = doc.Content[i:]
			// Code blocks are indented by four spaces, not a tab, so the
			// text keeps to 80 columns in any terminal.
			pr := comment.Printer{TextCodePrefix: "    "}
			return string(pr.Text(doc))
		}
	}
	t.Fatalf("%s has no heading: where does the reference start?", docFile)
	return ""
}

// TestReference keeps reference.txt, which the binary embeds for `hotbench
// help scenario`, the same text as the package documentation in doc.go: a
// change to one without the other fails here. go generate ./scenarios
// (go test -run TestReference -update) rewrites reference.txt from doc.go.
func TestReference(t *testing.T) {
	want := referenceFrom(t, "doc.go")
	if got, err := os.ReadFile("reference.txt"); err == nil && string(got) != want {
		t.Error("doc.go and reference.txt differ: run go generate ./scenarios and commit reference.txt with doc.go")
	}
	goldenfile.Check(t, "reference.txt", []byte(want))
	if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
		return // Reference was embedded before the update
	}
	if Reference != want {
		t.Errorf("the embedded Reference is not reference.txt's text: rebuild")
	}
	if !strings.HasPrefix(Reference, "# Files\n") {
		t.Errorf("the embedded Reference starts %q, want the # Files section", Reference[:min(len(Reference), 40)])
	}
}
