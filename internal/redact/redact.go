package redact

import (
	"net/url"
	"regexp"
	"strings"
	"unicode"
)

// Mask replaces a secret value in a URL or in text.
const Mask = "REDACTED"

// HeaderMask replaces a secret header value. It is not Mask because
// run.json has stored redacted headers so since its first version, and a
// scenario's hash must not change with the hotbench that stores it.
const HeaderMask = "[redacted]"

// URL returns s, a URL or the path and query of one ("/search?q=a&token=x"),
// with the value of every secret-looking query or fragment parameter
// replaced by Mask, and the URL's user information hidden: a password as
// user:REDACTED@host, a lone user name (which may be a token, as in
// https://TOKEN@host) as REDACTED@host. Everything else is kept byte for
// byte; a string that is not a URL is returned as it is, less any secret
// parameter it holds after a '?'.
func URL(s string) string {
	rest := s
	var b strings.Builder
	if i := strings.Index(s, "://"); i > 0 && isScheme(s[:i]) {
		authStart := i + 3
		authEnd := len(s)
		if j := strings.IndexAny(s[authStart:], "/?#"); j >= 0 {
			authEnd = authStart + j
		}
		b.WriteString(s[:authStart])
		b.WriteString(authority(s[authStart:authEnd]))
		rest = s[authEnd:]
	}
	q := strings.IndexAny(rest, "?#")
	if q < 0 {
		if b.Len() == 0 {
			return s
		}
		b.WriteString(rest)
		return b.String()
	}
	b.WriteString(rest[:q])
	b.WriteString(params(rest[q:]))
	return b.String()
}

// authority hides the user information of host[:port] preceded by
// user[:password]@.
func authority(a string) string {
	at := strings.LastIndex(a, "@")
	if at <= 0 {
		return a
	}
	return userinfo(a[:at]) + a[at:]
}

// userinfo hides a password, or a lone user name.
func userinfo(ui string) string {
	if user, _, hasPassword := strings.Cut(ui, ":"); hasPassword {
		return user + ":" + Mask
	}
	return Mask
}

// params redacts a query and fragment: s starts with '?' or '#'. The query
// runs to the first '#'; in both, pairs are separated by '&' or ';' (some
// servers accept both).
func params(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for len(s) > 0 {
		// s[0] is '?', '#', '&' or ';'; the pair runs to the next separator.
		b.WriteByte(s[0])
		s = s[1:]
		end := strings.IndexAny(s, "&;#")
		if end < 0 {
			end = len(s)
		}
		b.WriteString(pair(s[:end]))
		s = s[end:]
	}
	return b.String()
}

// pair redacts name=value when name looks secret and value is not empty.
func pair(p string) string {
	name, value, ok := strings.Cut(p, "=")
	if !ok || value == "" || !IsSecretName(unescape(name)) {
		return p
	}
	return name + "=" + Mask
}

func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

func isScheme(s string) bool {
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.'):
		default:
			return false
		}
	}
	return s != ""
}

// In free text a URL or a pair ends at white space, a quote or an angle
// bracket: Go quotes URLs in its errors (Get "http://…": …).
const stop = "\\s\"'<>`"

var (
	// userinfoInText is scheme://userinfo@ in free text; the user
	// information runs to the last '@' before the host.
	userinfoInText = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.\-]*://([^/?#` + stop + `]+)@`)
	// pairInText is name=value after the start of the text, white space, a
	// separator of query pairs, a comma, a parenthesis or a dash (--token=…).
	pairInText = regexp.MustCompile(`(?:^|[?&;#,(\-` + stop + `])([^=&;#?` + stop + `]+)=([^&;#` + stop + `]*)`)
)

// Text returns s with every secret in it redacted as URL does: the user
// information of each scheme://user:pw@ it holds, and the value of each
// name=value whose name looks secret, whether it is a URL's parameter
// (Get "http://h/p?token=abc": …) or stands alone in the text (password=x,
// --api-key=x).
func Text(s string) string {
	if !strings.ContainsAny(s, "=@") {
		return s // the usual error message: nothing to look at
	}
	s = replaceGroup(s, userinfoInText, 1, userinfo)
	var b strings.Builder
	last := 0
	for _, m := range pairInText.FindAllStringSubmatchIndex(s, -1) {
		name, value := s[m[2]:m[3]], s[m[4]:m[5]]
		if value == "" || !IsSecretName(unescape(name)) {
			continue
		}
		b.WriteString(s[last:m[4]])
		b.WriteString(Mask)
		last = m[5]
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// replaceGroup replaces submatch group of every match of re in s with
// what f makes of it.
func replaceGroup(s string, re *regexp.Regexp, group int, f func(string) string) string {
	var b strings.Builder
	last := 0
	for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
		b.WriteString(s[last:m[2*group]])
		b.WriteString(f(s[m[2*group]:m[2*group+1]]))
		last = m[2*group+1]
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// IsSecretName reports whether a parameter named name probably carries a
// credential. The name is split into words at punctuation and at changes of
// case (x_api_key, X-Amz-Signature, accessToken, APIKey); it is secret when
// its last word is one of key, sig, pwd, pass, auth, sid, jwt, token,
// secret, password, passwd, passphrase, signature, credential(s),
// authorization, session, cookie or apikey, or when its words run together
// end in a long one of them (accesstoken, clientsecret, sessionid). Case is
// ignored.
func IsSecretName(name string) bool {
	ws := words(name)
	if len(ws) == 0 {
		return false
	}
	if secretWords[ws[len(ws)-1]] {
		return true
	}
	compact := strings.Join(ws, "")
	for _, suffix := range secretSuffixes {
		if strings.HasSuffix(compact, suffix) {
			return true
		}
	}
	return false
}

var secretWords = map[string]bool{
	"key": true, "sig": true, "pwd": true, "pass": true, "auth": true, "sid": true, "jwt": true,
	"token": true, "secret": true, "password": true, "passwd": true, "passphrase": true,
	"signature": true, "credential": true, "credentials": true, "authorization": true,
	"session": true, "cookie": true, "apikey": true,
}

// secretSuffixes are long enough not to end ordinary words by chance
// (unlike key, which ends monkey and hotkey).
var secretSuffixes = []string{
	"token", "secret", "password", "passwd", "passphrase", "signature", "credential", "credentials",
	"authorization", "apikey", "accesskey", "secretkey", "privatekey", "signingkey",
	"session", "sessionid", "sessid",
}

// words splits name into lower-case words at every character that is not a
// letter or digit, and at changes of case: "X-Amz-Signature" → x amz
// signature, "accessToken" → access token, "APIKey" → api key.
func words(name string) []string {
	var out []string
	rs := []rune(name)
	start := -1
	flush := func(end int) {
		if start >= 0 && end > start {
			out = append(out, strings.ToLower(string(rs[start:end])))
		}
		start = -1
	}
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush(i)
			continue
		}
		if start >= 0 && unicode.IsUpper(r) {
			prev := rs[i-1]
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || unicode.IsUpper(prev) && nextLower {
				flush(i)
			}
		}
		if start < 0 {
			start = i
		}
	}
	flush(len(rs))
	return out
}

// IsSecretHeader reports whether a header named name carries a credential:
// its name contains authorization, cookie, token, secret, password, apikey,
// api-key or session, or is a secret name to IsSecretName (X-Signature,
// X-Auth).
func IsSecretHeader(name string) bool {
	return secretHeader.MatchString(name) || IsSecretName(name)
}

var secretHeader = regexp.MustCompile(`(?i)authorization|cookie|token|secret|password|api-?key|session`)
