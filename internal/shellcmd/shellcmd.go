package shellcmd

import (
	"sort"
	"strings"
)

// Fill returns the script to run with sh -c, and the NAME=value entries to
// add to its environment, for a command whose placeholders {name} take the
// values in values (a name is a key of values: "out" for {out}).
//
// Each placeholder becomes a parameter expansion of a variable named
// _HOTBENCH_<NAME> that holds its value: the shell substitutes a variable's
// value as text and never parses it, so a value with quotes, ';', '$(…)',
// backticks, newlines or '>' reaches the program as one literal argument.
// The expansion is written for the quotes the placeholder stands in, so a
// user who quoted it habitually still gets the value:
//
//	{out}       "${_HOTBENCH_OUT}"
//	"{out}"     "${_HOTBENCH_OUT}"        (the expansion inside the user's quotes)
//	'{out}'     ''"${_HOTBENCH_OUT}"''     (the single quotes closed and reopened)
//	$'{out}'    $''"${_HOTBENCH_OUT}"$''
//
// A placeholder in a comment, or right after a '$' (the shell's own
// ${out}), is left as it is. A value given to a nested shell inside the
// command (sh -c '… {out} …') is text to that shell: that is the command's
// author's to quote.
func Fill(command string, values map[string]string) (script string, env []string) {
	if len(values) == 0 || !strings.Contains(command, "{") {
		return command, nil
	}
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	sort.Strings(names)
	used := map[string]bool{}

	var b strings.Builder
	var stack []context // the quotes and substitutions we are inside
	top := func() context {
		if len(stack) == 0 {
			return plain
		}
		return stack[len(stack)-1]
	}
	pop := func() {
		if len(stack) > 0 {
			stack = stack[:len(stack)-1]
		}
	}
	wordStart := true // a '#' here begins a comment
	for i := 0; i < len(command); i++ {
		c := command[i]
		ctx := top()
		if c == '{' && (i == 0 || command[i-1] != '$') {
			if name, ok := placeholderAt(command[i:], names); ok {
				used[name] = true
				b.WriteString(reference(ctx, name))
				i += len(name) + 1
				wordStart = false
				continue
			}
		}
		b.WriteByte(c)
		if ctx != plain && ctx != backtick && ctx != paren {
			wordStart = false
		}
		switch ctx {
		case single:
			if c == '\'' {
				pop()
			}
			continue
		case ansi:
			switch c {
			case '\\':
				i = copyNext(&b, command, i)
			case '\'':
				pop()
			}
			continue
		case double:
			switch c {
			case '\\':
				// Between double quotes a backslash escapes only these.
				if strings.IndexByte("$`\"\\\n", next(command, i)) >= 0 {
					i = copyNext(&b, command, i)
				}
			case '"':
				pop()
			case '`':
				stack = append(stack, backtick)
			case '$':
				if next(command, i) == '(' {
					i = copyNext(&b, command, i)
					stack = append(stack, paren)
				}
			}
			continue
		}
		// Unquoted: the top level, or inside $( ) or ` `.
		switch {
		case c == '#' && wordStart:
			// A comment runs to the end of the line; copy it as it is.
			end := strings.IndexByte(command[i+1:], '\n')
			if end < 0 {
				end = len(command) - i - 1
			}
			b.WriteString(command[i+1 : i+1+end])
			i += end
			continue
		case c == '\\':
			i = copyNext(&b, command, i)
		case c == '\'':
			stack = append(stack, single)
		case c == '"':
			stack = append(stack, double)
		case c == '`':
			if ctx == backtick {
				pop()
			} else {
				stack = append(stack, backtick)
			}
		case c == '$' && next(command, i) == '\'':
			i = copyNext(&b, command, i)
			stack = append(stack, ansi)
		case c == '$' && next(command, i) == '(':
			i = copyNext(&b, command, i)
			stack = append(stack, paren)
		case c == '(' && ctx == paren:
			stack = append(stack, paren)
		case c == ')' && ctx == paren:
			pop()
		}
		wordStart = strings.IndexByte(" \t\n;&|()<>", c) >= 0
	}
	for _, name := range names {
		if used[name] {
			env = append(env, variable(name)+"="+values[name])
		}
	}
	return b.String(), env
}

// context is what a placeholder stands in.
type context int

const (
	plain    context = iota // unquoted, at the top level
	single                  // '…'
	ansi                    // $'…' (bash, zsh, recent dash)
	double                  // "…"
	backtick                // `…`, unquoted inside
	paren                   // $(…), unquoted inside
)

// reference is the expansion of name's variable that yields its value,
// unsplit and unglobbed, in ctx.
func reference(ctx context, name string) string {
	v := "${" + variable(name) + "}"
	switch ctx {
	case double:
		return v
	case single:
		return `'"` + v + `"'`
	case ansi:
		return `'"` + v + `"$'`
	}
	return `"` + v + `"`
}

// variable is the environment variable that carries name's value. It does
// not begin with HOTBENCH_, which hotbench reads as configuration, in case
// the command starts hotbench itself.
func variable(name string) string {
	return "_HOTBENCH_" + strings.ToUpper(name)
}

// placeholderAt returns the name when s begins with {name}.
func placeholderAt(s string, names []string) (string, bool) {
	for _, name := range names {
		if len(s) >= len(name)+2 && s[len(name)+1] == '}' && s[1:len(name)+1] == name {
			return name, true
		}
	}
	return "", false
}

func next(s string, i int) byte {
	if i+1 < len(s) {
		return s[i+1]
	}
	return 0
}

// copyNext copies the byte after i, which the one at i escapes or
// introduces, and returns its index.
func copyNext(b *strings.Builder, s string, i int) int {
	if i+1 < len(s) {
		b.WriteByte(s[i+1])
		return i + 1
	}
	return i
}

// Quote returns s as one word for sh: as it is when it holds only letters,
// digits and / . _ - + , : @ %, otherwise between single quotes, where
// every byte but NUL (which no argument can hold) is literal, with each
// single quote of s written as
//
//	'\''
//
// (close the quotes, an escaped quote, open them again).
func Quote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+,:@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
