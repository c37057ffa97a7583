package redact

import (
	"net/url"
	"strings"
	"testing"
)

func TestIsSecretName(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		// The names the issue lists, in any case.
		{"token", true}, {"TOKEN", true}, {"access_token", true}, {"api_key", true}, {"apikey", true},
		{"key", true}, {"secret", true}, {"password", true}, {"passwd", true}, {"pwd", true},
		{"signature", true}, {"sig", true}, {"auth", true}, {"authorization", true},
		{"session", true}, {"credential", true},
		// As the last word of a longer name, whatever separates the words.
		{"x_api_key", true}, {"X-Amz-Signature", true}, {"X-Amz-Credential", true},
		{"X-Amz-Security-Token", true}, {"client_secret", true}, {"refresh-token", true},
		{"user.password", true}, {"private_key", true}, {"oauth_token", true},
		// Or written in camel case, or run together when the word is long.
		{"accessToken", true}, {"apiKey", true}, {"APIKey", true}, {"clientSecret", true},
		{"accesstoken", true}, {"clientsecret", true}, {"sessionid", true}, {"session_id", true},
		{"JSESSIONID", true}, {"PHPSESSID", true}, {"secretkey", true},
		// Percent-encoding is the caller's to undo (URL and Text do).
		// Ordinary names stay, even those that end in a short secret word.
		{"q", false}, {"page", false}, {"monkey", false}, {"hotkey", false}, {"keyword", false},
		{"author", false}, {"signed", false}, {"design", false}, {"tokens_used", false},
		{"keys", false}, {"passage", false}, {"", false}, {"_-_", false},
	}
	for _, tt := range tests {
		if got := IsSecretName(tt.name); got != tt.want {
			t.Errorf("IsSecretName(%q) = %v, want %v (words %q)", tt.name, got, tt.want, words(tt.name))
		}
	}
}

func TestIsSecretHeader(t *testing.T) {
	for name, want := range map[string]bool{
		"Authorization": true, "Proxy-Authorization": true, "Cookie": true, "Set-Cookie": true,
		"X-Api-Key": true, "X-Auth-Token": true, "X-Session": true, "X-Amz-Signature": true, "X-Auth": true,
		"Accept": false, "Content-Type": false, "X-Request-Id": false, "User-Agent": false,
	} {
		if got := IsSecretHeader(name); got != want {
			t.Errorf("IsSecretHeader(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestURL(t *testing.T) {
	tests := []struct{ in, want string }{
		// A secret query value is replaced, its name kept; the others stay.
		{"http://h:8080/api/search?q=kitchen&token=abc", "http://h:8080/api/search?q=kitchen&token=REDACTED"},
		{"/api/search?q=kitchen&api_key=abc&page=2", "/api/search?q=kitchen&api_key=REDACTED&page=2"},
		{"/p?X-Amz-Signature=0f1e&X-Amz-Date=20261127", "/p?X-Amz-Signature=REDACTED&X-Amz-Date=20261127"},
		{"/p?Token=a;session=b", "/p?Token=REDACTED;session=REDACTED"},
		// A value runs to the next pair: '?' and '=' belong to it.
		{"/p?sig=ab?c==&x=1", "/p?sig=REDACTED&x=1"},
		// A percent-encoded name is decoded before it is judged.
		{"/p?api%5Fkey=abc", "/p?api%5Fkey=REDACTED"},
		// An empty value or a name without one has nothing to hide.
		{"/p?token=&token", "/p?token=&token"},
		// The fragment is read too (OAuth's implicit flow puts tokens there).
		{"https://app/cb#access_token=abc&state=x", "https://app/cb#access_token=REDACTED&state=x"},
		// A password, or a lone user name (a token, as in https://TOKEN@host).
		{"http://user:pw@host:6060/debug/pprof", "http://user:REDACTED@host:6060/debug/pprof"},
		{"https://ghp_abc@github.com/x", "https://REDACTED@github.com/x"},
		{"http://user:p@ss@host/", "http://user:REDACTED@host/"},
		// An '@' after the host is not user information.
		{"http://host/users/@me?x=1", "http://host/users/@me?x=1"},
		// Nothing secret: returned as it is.
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"/api/search?q=kitchen", "/api/search?q=kitchen"},
		{"", ""}, {"not a url", "not a url"},
		// Already redacted: unchanged, so the hash of the stored form is
		// the same whichever token was sent.
		{"http://user:REDACTED@h/p?token=REDACTED", "http://user:REDACTED@h/p?token=REDACTED"},
	}
	for _, tt := range tests {
		if got := URL(tt.in); got != tt.want {
			t.Errorf("URL(%q)\n = %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestText(t *testing.T) {
	tests := []struct{ in, want string }{
		// vegeta's error strings quote the whole URL.
		{`Get "http://h/p?q=1&token=abc": dial tcp 127.0.0.1:1: connect: connection refused`,
			`Get "http://h/p?q=1&token=REDACTED": dial tcp 127.0.0.1:1: connect: connection refused`},
		{`Get "http://admin:hunter2@h/p": EOF`, `Get "http://admin:REDACTED@h/p": EOF`},
		// Profile warnings name the pprof URL without quotes.
		{"profile endpoint http://h:6060/debug/pprof/?token=abc is unreachable (connection refused): fix it",
			"profile endpoint http://h:6060/debug/pprof/?token=REDACTED is unreachable (connection refused): fix it"},
		// Pairs standing alone in a line a server or a command printed. A
		// value runs to white space, a quote or the next pair: a comma or a
		// parenthesis may belong to a token, so it goes with it.
		{"starting with password=hunter2 and --api-key=abc, user=bob", "starting with password=REDACTED and --api-key=REDACTED user=bob"},
		{"(token=a,b) sent", "(token=REDACTED sent"},
		{"api_key=abc", "api_key=REDACTED"},
		// Several URLs in one text.
		{"a http://u:p@h1/?sig=1 b http://h2/?key=2 c", "a http://u:REDACTED@h1/?sig=REDACTED b http://h2/?key=REDACTED c"},
		// Nothing to hide.
		{"500 Internal Server Error", "500 Internal Server Error"},
		{"mail me at bob@example.com; q=1", "mail me at bob@example.com; q=1"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Text(tt.in); got != tt.want {
			t.Errorf("Text(%q)\n = %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

// A URL built by net/url with any user, password and token comes out with
// exactly those three hidden, from URL and from Text around it.
func checkBuilt(t *testing.T, user, password, token string) {
	t.Helper()
	u := &url.URL{Scheme: "http", User: url.UserPassword(user, password), Host: "h:1", Path: "/p",
		RawQuery: url.Values{"q": {"x"}, "token": {token}}.Encode()}
	in := u.String()
	if token == "" {
		return // an empty token has nothing to hide, and stays as it is
	}
	want := "http://" + url.User(user).String() + ":" + Mask + "@h:1/p?q=x&token=" + Mask
	if got := URL(in); got != want {
		t.Errorf("URL(%q)\n = %q\nwant %q", in, got, want)
	}
	msg := `Get "` + in + `": dial tcp: connection refused`
	if got, want := Text(msg), `Get "`+want+`": dial tcp: connection refused`; got != want {
		t.Errorf("Text(%q)\n = %q\nwant %q", msg, got, want)
	}
}

func TestBuiltURLs(t *testing.T) {
	checkBuilt(t, "bob", "p@ss:w/o?rd#", "a b&c=d;e#f")
	checkBuilt(t, "", "pw", "tok")
	checkBuilt(t, "ü", "'\"<>`", "\n")
}

func FuzzBuiltURLs(f *testing.F) {
	f.Add("bob", "hunter2", "abc")
	f.Add("a:b", "@@", "x&token=y")
	f.Fuzz(func(t *testing.T, user, password, token string) {
		checkBuilt(t, user, password, token)
	})
}

// Redacting never panics, is idempotent (so hashing the redacted form is
// stable), and touches only what follows an '=' or precedes an '@'.
func FuzzRedact(f *testing.F) {
	for _, s := range []string{
		"http://u:p@h/p?token=a&q=1#sig=2", "/p?api_key=1;x=2", `Get "http://h/?key=1": EOF`,
		"password=x --token=y", "http://@h", "a://b@c@d/?=&=", "?&;#", "x=y=z",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for name, fn := range map[string]func(string) string{"URL": URL, "Text": Text} {
			once := fn(s)
			if twice := fn(once); twice != once {
				t.Fatalf("%s is not idempotent on %q:\n once %q\ntwice %q", name, s, once, twice)
			}
			if !strings.ContainsAny(s, "=@") && once != s {
				t.Fatalf("%s changed %q, which has no '=' or '@', into %q", name, s, once)
			}
		}
	})
}
