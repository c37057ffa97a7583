package scenarios

import (
	"fmt"
	"strings"
)

// expandEnv replaces ${NAME} with the environment variable NAME and
// ${NAME:-default} with NAME, or default when NAME is unset or empty. $${ is
// a literal ${. Anything else, $NAME included, is left as written, so a
// body can contain shell or template text.
//
// It returns one message per problem: each unset variable (named, with what
// to do) and each malformed reference.
func expandEnv(s string, lookup func(string) (string, bool)) (string, []string) {
	if !strings.Contains(s, "${") {
		return s, nil
	}
	var (
		b        strings.Builder
		problems []string
		seen     = map[string]bool{}
	)
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			break
		}
		if i > 0 && s[i-1] == '$' {
			// $${ is the escape for a literal ${.
			b.WriteString(s[:i-1])
			b.WriteString("${")
			s = s[i+2:]
			continue
		}
		b.WriteString(s[:i])
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			problems = append(problems, "${ is not closed: write ${NAME}, or $${ for a literal ${")
			b.WriteString(s[i:])
			break
		}
		ref := s[i+2 : i+end]
		s = s[i+end+1:]
		name, def, hasDef := strings.Cut(ref, ":-")
		if !isEnvName(name) {
			problems = append(problems, fmt.Sprintf("${%s} does not name a variable: write ${NAME} with letters, digits and _", ref))
			continue
		}
		val, ok := lookup(name)
		switch {
		case hasDef && (!ok || val == ""):
			val = def
		case !ok:
			if !seen[name] {
				seen[name] = true
				problems = append(problems, fmt.Sprintf("set %s or remove ${%s}", name, name))
			}
		}
		b.WriteString(val)
	}
	return b.String(), problems
}

// isEnvName reports whether s is a portable environment variable name.
func isEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
