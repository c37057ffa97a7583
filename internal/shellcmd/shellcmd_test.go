package shellcmd

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// hostile is a value that would run commands and create files if a shell
// read it as code: quotes of both kinds, ';', '$(…)', backticks, a
// newline, redirections, a glob, a variable and a backslash.
const hostile = "a'b\";touch INJ1;$(touch INJ2)`touch INJ3`\n>INJ4 <x |tee INJ5 * $HOME \\ ${IFS}z"

// run runs command filled with {v} through sh -c in a fresh folder and
// returns its output; it fails the test when any file appeared.
func run(t *testing.T, command, value string) string {
	t.Helper()
	dir := t.TempDir()
	script, env := Fill(command, map[string]string{"v": value})
	cmd := exec.Command("sh", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("%s: %v: %s", command, err, out)
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("%s created %v: the value was read as code", command, names)
	}
	return string(out)
}

func TestFillKeepsValuesLiteral(t *testing.T) {
	tests := []struct {
		name    string
		command string
		want    string // with V for the value
	}{
		{"a bare placeholder is one argument", `printf '[%s]' {v}`, "[V]"},
		{"one glued to other text too", `printf '[%s]' x{v}.data`, "[xV.data]"},
		{"one in double quotes stays in them", `printf '[%s]' "-o {v} ok"`, "[-o V ok]"},
		{"one in single quotes gets the value, not its name", `printf '[%s]' 'at {v}'`, "[at V]"},
		{"one in a command substitution", `printf '[%s]' "$(printf '%s.' {v})"`, "[V.]"},
		{"one in backticks", "printf '[%s]' \"`printf '%s.' {v}`\"", "[V.]"},
		{"one after && and in a pipe", `true && printf '%s' {v} | cat`, "V"},
		{"one in an arithmetic-free ${…} default", `printf '[%s]' "${unset_var:-{v}}"`, "[V]"},
		{"the shell's own ${v} is not a placeholder", `v=shell; printf '[%s]' ${v}`, "[shell]"},
		{"one in a comment is left alone", "printf '[%s]' ok # {v}\nprintf '[%s]' {v}", "[ok][V]"},
		{"an escaped brace is not a placeholder", `printf '[%s]' \{v}`, "[{v}]"},
		{"an unknown placeholder is left alone", `printf '[%s]' {w}`, "[{w}]"},
	}
	for _, value := range []string{"plain/path_1.out", hostile, "", "'", `"`, "\n", "-n"} {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got := run(t, tt.command, value)
				if want := strings.ReplaceAll(tt.want, "V", value); got != want {
					t.Errorf("%s with v=%q\n printed %q\n want    %q", tt.command, value, got, want)
				}
			})
		}
	}
}

// Contexts Fill does not follow (a here-document) still never run the
// value: it arrives as text, only with the quotes of its expansion.
func TestFillIsSafeWhereItCannotBeExact(t *testing.T) {
	for _, command := range []string{
		"cat <<EOF\n{v}\nEOF",
		"cat <<'EOF'\n{v}\nEOF",
		"case x in x) printf '%s' {v} ;; esac",
		`printf '%s' "$(case x in x) printf '%s' {v} ;; esac)"`,
		`printf '%s' '{v}`, // an unterminated quote: sh fails, nothing runs
	} {
		dir := t.TempDir()
		script, env := Fill(command, map[string]string{"v": hostile})
		cmd := exec.Command("sh", "-c", script)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		_ = cmd.Run()
		if entries, _ := os.ReadDir(dir); len(entries) > 0 {
			t.Errorf("%q created files: the value was read as code", command)
		}
	}
}

// bash's $'…' quotes, where the shell has them.
func TestFillInANSIQuotes(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	script, env := Fill(`printf '[%s]' $'a\t{v}'`, map[string]string{"v": hostile})
	cmd := exec.Command(bash, "-c", script)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if want := "[a\t" + hostile + "]"; err != nil || string(out) != want {
		t.Errorf("printed %q, %v; want %q", out, err, want)
	}
	if entries, _ := os.ReadDir(cmd.Dir); len(entries) > 0 {
		t.Errorf("files were created")
	}
}

func TestFillEnvironment(t *testing.T) {
	script, env := Fill("app -addr {addr} -out {out}.data", map[string]string{"addr": "h:1", "out": "/t/x", "bin": "unused"})
	if want := `app -addr "${_HOTBENCH_ADDR}" -out "${_HOTBENCH_OUT}".data`; script != want {
		t.Errorf("script %q, want %q", script, want)
	}
	if got := strings.Join(env, " "); got != "_HOTBENCH_ADDR=h:1 _HOTBENCH_OUT=/t/x" {
		t.Errorf("env %q, want the used placeholders only", got)
	}
	if script, env := Fill("no placeholders", map[string]string{"v": "x"}); script != "no placeholders" || env != nil {
		t.Errorf("Fill without placeholders = %q, %q", script, env)
	}
}

func TestQuote(t *testing.T) {
	values := []string{"", "plain/path_1.out", "a b", "it's", `$HOME;rm -rf x`, "\"q\"\\n", "new\nline", "x=y", "~", "*", hostile}
	var all []byte
	for c := 1; c < 256; c++ {
		values = append(values, string(rune(c)), string([]byte{byte(c)}))
		all = append(all, byte(c))
	}
	values = append(values, string(all))
	dir := t.TempDir()
	for _, v := range values {
		cmd := exec.Command("sh", "-c", "printf %s "+Quote(v))
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil || string(out) != v {
			t.Errorf("printf %%s %s = %q, %v; want %q", Quote(v), out, err, v)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("quoted values created files")
	}
	if got := Quote("x=y"); got != "'x=y'" {
		t.Errorf("Quote(x=y) = %s: unquoted, it would be an assignment in a command's place", got)
	}
}

func FuzzFill(f *testing.F) {
	for _, s := range []string{"{v}", `"{v}"`, "'{v}'", "$'{v}'", "`{v}`", "$({v})", "# {v}", "${v}", `\{v}`, "{v", "'", `"\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, command string) {
		script, env := Fill(command, map[string]string{"v": "VALUE"})
		if strings.Contains(script, "VALUE") && !strings.Contains(command, "VALUE") {
			t.Fatalf("the value is in the script %q", script)
		}
		if !strings.Contains(command, "{v}") && (script != command || env != nil) {
			t.Fatalf("Fill(%q) = %q, %q; want it unchanged", command, script, env)
		}
		if len(env) > 1 || len(env) == 1 && env[0] != "_HOTBENCH_V=VALUE" {
			t.Fatalf("env %q", env)
		}
		if strings.Count(script, "${_HOTBENCH_V}") > strings.Count(command, "{v}") {
			t.Fatalf("more references than placeholders in %q", script)
		}
	})
}
