package profiles

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hotbench/hotbench/internal/shellcmd"
)

// shellQuote quotes s as one word for sh, for the commands tests build.
func shellQuote(s string) string { return shellcmd.Quote(s) }

// hostileName would run commands and create files if a shell read it as
// code: quotes, ';', '$(…)', backticks, a newline and redirections.
const hostileName = "a'b\";touch INJ1;$(touch INJ2)`touch INJ3`\n>INJ4 |tee INJ5 *"

// {out} lives under TMPDIR, which is the user's to set: a folder named to
// inject a command is still one literal argument, and nothing runs. The
// command changes to a folder of its own first, so anything the shell
// wrongly ran would land there.
func TestCommandPlaceholdersAreNeverCode(t *testing.T) {
	work, stores := t.TempDir(), t.TempDir()
	tmp := filepath.Join(t.TempDir(), hostileName)
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Skipf("this file system refuses the folder name: %v", err)
	}
	t.Setenv("TMPDIR", tmp)
	commands := map[string]string{
		"bare":             `printf 'main;%s 1\n' {kind} > {out}`,
		"double-quoted":    `printf 'main;%s 1\n' "{kind}" > "{out}"`,
		"single-quoted":    `printf 'main;%s 1\n' '{kind}' > '{out}'`,
		"with side files":  `printf 'main;%s 1\n' {kind} > {out}.data && cat {out}.data | cat > {out}`,
		"in a subshell":    `printf 'main;%s 1\n' "$(printf %s {kind})" > "$(printf %s {out})"`,
		"seconds and pid":  `test {seconds} -ge 1 && test {pid} = 4242 && printf 'main;cpu 1\n' > {out}`,
		"placed in a file": `printf '%s' {out} > seen && test "$(cat seen)" = {out} && rm seen && printf 'main;cpu 1\n' > {out}`,
	}
	for name, command := range commands {
		t.Run(name, func(t *testing.T) {
			cfg := Config{Command: "cd " + shellQuote(work) + " && " + command, PID: 4242, Kinds: []string{"cpu"}}
			got, warns := Capture(context.Background(), cfg, 100*time.Millisecond, filepath.Join(stores, name), "rep")
			if len(warns) != 0 || len(got) != 1 {
				t.Fatalf("got %d profiles, warnings %v; want the profile the command wrote to {out}", len(got), warns)
			}
			if folded := foldedOf(got[0].Profile); folded != "main;cpu 1\n" {
				t.Errorf("stacks %q, want main;cpu 1", folded)
			}
			if entries, _ := os.ReadDir(work); len(entries) > 0 {
				t.Errorf("the command's folder holds %d files (%s…): a placeholder's value ran as code", len(entries), entries[0].Name())
			}
			if entries, _ := os.ReadDir(tmp); len(entries) > 0 {
				t.Errorf("TMPDIR holds %s after the capture: want the temporary folder removed", entries[0].Name())
			}
		})
	}
}

// {kind} comes from the scenario: one that is not a plain word is refused
// before any command runs.
func TestCommandRefusesAHostileKind(t *testing.T) {
	work := t.TempDir()
	cfg := Config{Command: "cd " + shellQuote(work) + " && printf 'a 1\n' > {out}", Kinds: []string{"cpu;touch INJ"}}
	got, warns := Capture(context.Background(), cfg, 100*time.Millisecond, t.TempDir(), "rep")
	if len(got) != 0 || len(warns) != 1 || !strings.Contains(warns[0].Reason, "must be lower-case") {
		t.Errorf("got %v, warnings %v; want the kind refused", got, warns)
	}
	if entries, _ := os.ReadDir(work); len(entries) > 0 {
		t.Errorf("a command ran for a refused kind")
	}
}
