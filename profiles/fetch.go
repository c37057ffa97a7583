package profiles

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// fetch downloads one profile from the net/http/pprof endpoint and returns
// its plain bytes, not parsed: see capture. With seconds > 0 it asks for
// the window (CPU) or a delta over the window (allocs, mutex, block); with
// 0 it takes a snapshot. The answer is read only once the window is over
// (a server may answer early) and inflated as it is read, bounded by
// inflateBounded.
func (c *capturer) fetch(ctx context.Context, kind string, seconds int64, windowEnd time.Time) (data []byte, url string, err error) {
	u, err := profileURL(c.cfg.PprofURL, kind, seconds)
	if err != nil {
		return nil, "", err
	}
	budget := c.grace + time.Duration(seconds)*time.Second
	fctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	req, err := http.NewRequestWithContext(fctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, u, fmt.Errorf("GET %s: %w", u, err)
	}
	resp, err := c.client(budget).Do(req)
	if err != nil {
		if why := c.abandoned(ctx, err, budget); why != "" {
			return nil, u, fmt.Errorf("%s: GET %s", why, u)
		}
		return nil, u, fmt.Errorf("%v: is the pprof URL right and the server up?", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, u, fmt.Errorf("GET %s: %s%s", u, resp.Status, firstLine(resp.Body))
	}
	sleepCtx(ctx, time.Until(windowEnd))
	data, err = inflateBounded(resp.Body, c.maxBytes)
	if err != nil {
		var tl *TooLargeError
		if errors.As(err, &tl) {
			return nil, u, tooLarge(u, tl)
		}
		if why := c.abandoned(ctx, err, budget); why != "" {
			return nil, u, fmt.Errorf("%s while reading GET %s", why, u)
		}
		return nil, u, fmt.Errorf("GET %s: reading the answer: %w: is the URL a net/http/pprof base like http://host:port/debug/pprof?", u, err)
	}
	return data, u, nil
}

// tooLarge is the warning of a profile refused for its size.
func tooLarge(from string, err *TooLargeError) error {
	return fmt.Errorf("the answer of GET %s %v: skipped", from, err)
}

func (c *capturer) client(budget time.Duration) *http.Client {
	if c.cfg.Client == nil {
		return &http.Client{} // the request context carries the deadline
	}
	cl := *c.cfg.Client
	if cl.Timeout != 0 && cl.Timeout < budget {
		cl.Timeout = budget
	}
	return &cl
}

// profileURL builds {base}/{name}[?seconds=N]. A base without a path means
// the usual /debug/pprof.
func profileURL(base, kind string, seconds int64) (string, error) {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("pprof URL %q must be an http URL like http://127.0.0.1:6060/debug/pprof", base)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path, u.RawPath = "/debug/pprof", ""
	}
	name := kind
	if kind == "cpu" {
		name = "profile"
	}
	u = u.JoinPath(name)
	if seconds > 0 {
		q := u.Query()
		q.Set("seconds", strconv.FormatInt(seconds, 10))
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}

// firstLine returns ": " and the first non-empty line of an error answer
// ("Could not enable CPU profiling: cpu profiling already in use"), or "".
func firstLine(r io.Reader) string {
	b, _ := io.ReadAll(io.LimitReader(r, 4096))
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			return ": " + line
		}
	}
	return ""
}
