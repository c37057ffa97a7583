package report

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"regexp"
	"strconv"
	"testing"
)

// What a self-contained page must not hold: anything that makes a browser
// fetch (a remote or protocol-relative src or href, a stylesheet link, an
// external script, a CSS url() or @import).
var fetchers = []*regexp.Regexp{
	regexp.MustCompile(`(?i)\b(src|href|action|poster|srcset)\s*=\s*["']?\s*(https?:)?//`),
	regexp.MustCompile(`(?i)<link\b`),
	regexp.MustCompile(`(?i)<script\b[^>]*\bsrc\s*=`),
	regexp.MustCompile(`(?i)url\s*\(`),
	regexp.MustCompile(`(?i)@import`),
	regexp.MustCompile(`(?i)<(iframe|object|embed)\b`),
}

var embeddedPNG = regexp.MustCompile(`data:image/png;base64,[A-Za-z0-9+/=]+`)

// imgTags finds the <img …> tags of a page; attrValue reads one attribute.
// Plain byte searches: the tags hold megabytes of base64, where regular
// expressions are slow (very slow under the race detector).
func imgTags(page []byte) [][]byte {
	var tags [][]byte
	for {
		i := bytes.Index(page, []byte("<img "))
		if i < 0 {
			return tags
		}
		end := bytes.IndexByte(page[i:], '>')
		if end < 0 {
			return append(tags, page[i:])
		}
		tags = append(tags, page[i:i+end+1])
		page = page[i+end+1:]
	}
}

func attrValue(tag []byte, name string) []byte {
	i := bytes.Index(tag, []byte(" "+name+`="`))
	if i < 0 {
		return nil
	}
	v := tag[i+len(name)+3:]
	if j := bytes.IndexByte(v, '"'); j >= 0 {
		return v[:j]
	}
	return nil
}

// checkSelfContained fails the test for anything in page that would load
// from elsewhere, and checks that every image is a data: URI PNG that
// decodes to the size its tag declares. It returns the number of images.
func checkSelfContained(t *testing.T, page []byte) int {
	t.Helper()
	// The embedded PNGs are most of the page and cannot fetch anything:
	// leave them out of the search, which is then fast.
	text := embeddedPNG.ReplaceAll(page, []byte("data:image/png;base64,"))
	for _, re := range fetchers {
		if m := re.Find(text); m != nil {
			t.Errorf("the page would fetch something: %q", m)
		}
	}
	imgs := imgTags(page)
	for i, tag := range imgs {
		src, w, h := attrValue(tag, "src"), attrValue(tag, "width"), attrValue(tag, "height")
		if src == nil || w == nil || h == nil {
			t.Errorf("image %d lacks src, width or height: %.120s", i, tag)
			continue
		}
		const prefix = "data:image/png;base64,"
		if !bytes.HasPrefix(src, []byte(prefix)) {
			t.Errorf("image %d is not an embedded PNG: %.60s", i, src)
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(string(src[len(prefix):]))
		if err != nil {
			t.Errorf("image %d: %v", i, err)
			continue
		}
		img, err := png.Decode(bytes.NewReader(raw))
		if err != nil {
			t.Errorf("image %d does not decode: %v", i, err)
			continue
		}
		ww, _ := strconv.Atoi(string(w))
		hh, _ := strconv.Atoi(string(h))
		if b := img.Bounds(); b.Dx() != ww || b.Dy() != hh {
			t.Errorf("image %d is %dx%d, its tag says %dx%d", i, b.Dx(), b.Dy(), ww, hh)
		}
		if alt := attrValue(tag, "alt"); len(alt) == 0 {
			t.Errorf("image %d has no alt text", i)
		}
	}
	return len(imgs)
}

func TestCheckSelfContainedCatchesFetches(t *testing.T) {
	// The checker itself must fail on what it is meant to catch.
	for _, page := range []string{
		`<img src="https://cdn.example/x.png">`,
		`<script src="app.js"></script>`,
		`<link rel="stylesheet" href="a.css">`,
		`<style>body{background:url(x.png)}</style>`,
		`<a href="//example.com/">`,
	} {
		found := false
		for _, re := range fetchers {
			found = found || re.MatchString(page)
		}
		if !found {
			t.Errorf("%s passes the self-contained check", page)
		}
	}
}
