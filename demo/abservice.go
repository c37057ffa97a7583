package demo

import (
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/template"
	"time"
)

//go:embed abservice/main.go.txt
var abServiceSource string

var abServiceTemplate = template.Must(template.New("service").Parse(abServiceSource))

// ABService is one version of the ab demo's small service: Work is the
// CPU time a request spins for, Comment a line of comment that changes
// nothing (two versions that differ only in it are one build for the
// server, two commits for git).
type ABService struct {
	Work    time.Duration
	Comment string
}

// Write writes the service's main.go and go.mod (a module without
// dependencies, so it builds offline) into dir. Its server.command is
// "{bin} -addr {addr}", its readiness path /healthz and its endpoint
// /api/item.
func (s ABService) Write(dir string) error {
	var b strings.Builder
	comment := ""
	if s.Comment != "" {
		comment = "// " + strings.ReplaceAll(s.Comment, "\n", " ")
	}
	if err := abServiceTemplate.Execute(&b, map[string]string{
		"Work":    fmt.Sprintf("%d // %s", s.Work.Nanoseconds(), s.Work),
		"Comment": comment,
	}); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(b.String()), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/service\n\ngo 1.22\n"), 0o644)
}
