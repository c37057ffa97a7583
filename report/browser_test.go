package report

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The browser tests look at the reports as a person would: headless
// Chromium opens each HTML file from disk, with every host name mapped to
// "not found" so nothing can leave the machine, takes a screenshot, and
// in a second pass reports from inside the page which images decoded and
// which resources were loaded.

const (
	shotWidth, shotHeight = 1400, 4000
	// REPORT_SCREENSHOT_DIR keeps the screenshots, to look at them.
	screenshotDirEnv = "REPORT_SCREENSHOT_DIR"
)

func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed, and CI must run the browser tests: apt-get install -y chromium")
	}
	t.Skip("chromium is not installed: apt-get update && apt-get install -y chromium")
	return ""
}

// runChromium runs headless Chromium on a file and returns its standard
// output and its log (standard error).
func runChromium(t *testing.T, bin, page string, args ...string) (stdout, log string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(),
		"--host-resolver-rules=MAP * ~NOTFOUND",
		"--enable-logging=stderr", "--v=0", "--hide-scrollbars",
	}
	cmd := exec.CommandContext(ctx, bin, append(append(base, args...), "file://"+page)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, tail(errb.String(), 2000))
	}
	return out.String(), errb.String()
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

var consoleLine = regexp.MustCompile(`(?m)^.*:CONSOLE[:(].*$`)

// failedLoads are what Chromium logs when a page tried to load something
// and could not.
var failedLoads = regexp.MustCompile(`net::ERR_|ERR_NAME_NOT_RESOLVED|Failed to load resource|Not allowed to load local resource`)

// probe is added to a copy of the page for the second pass: after the load
// event it writes to the console how many images decoded and every resource
// the page fetched (data: URIs are not fetches and are not listed).
const probe = `<script>
window.addEventListener("load", function () {
  var imgs = Array.prototype.slice.call(document.images);
  var ok = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;
  document.body.setAttribute("data-decoded", ok + "/" + imgs.length);
  console.log("hotbench-probe decoded=" + ok + "/" + imgs.length);
  var res = performance.getEntriesByType("resource").map(function (e) { return e.name; });
  console.log("hotbench-probe resources=" + JSON.stringify(res));
});
</script>
</body>`

func checkInBrowser(t *testing.T, name string, page []byte) {
	bin := chromium(t)
	images := checkSelfContained(t, page)
	dir := t.TempDir()
	file := filepath.Join(dir, name+".html")
	if err := os.WriteFile(file, page, 0o644); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(page, []byte("</body>")) {
		t.Fatal("the page has no </body>")
	}
	probed := filepath.Join(dir, name+"-probed.html")
	if err := os.WriteFile(probed, bytes.Replace(page, []byte("</body>"), []byte(probe), 1), 0o644); err != nil {
		t.Fatal(err)
	}

	t.Run("the screenshot shows a full, coloured page", func(t *testing.T) {
		shot := filepath.Join(dir, name+".png")
		_, log := runChromium(t, bin, file, "--screenshot="+shot, fmt.Sprintf("--window-size=%d,%d", shotWidth, shotHeight))
		if lines := consoleLine.FindAllString(log, -1); len(lines) > 0 {
			t.Errorf("the page wrote to the console (errors?):\n%s", strings.Join(lines, "\n"))
		}
		if m := failedLoads.FindString(log); m != "" {
			t.Errorf("the page tried to load something: %s", m)
		}
		f, err := os.Open(shot)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		img, err := png.Decode(f)
		if err != nil {
			t.Fatalf("the screenshot does not decode: %v", err)
		}
		if b := img.Bounds(); b.Dx() != shotWidth || b.Dy() != shotHeight {
			t.Errorf("the screenshot is %dx%d, want %dx%d", b.Dx(), b.Dy(), shotWidth, shotHeight)
		}
		// A blank or unstyled page has a handful of colours; charts with
		// anti-aliased lines and text have thousands.
		colours := map[uint32]bool{}
		b := img.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y += 2 {
			for x := b.Min.X; x < b.Max.X; x += 2 {
				r, g, bl, _ := img.At(x, y).RGBA()
				colours[r>>8<<16|g>>8<<8|bl>>8] = true
			}
		}
		if len(colours) < 500 {
			t.Errorf("the screenshot has %d colours: it looks blank", len(colours))
		}
		if keep := os.Getenv(screenshotDirEnv); keep != "" {
			data, _ := os.ReadFile(shot)
			os.WriteFile(filepath.Join(keep, name+".png"), data, 0o644)
		}
	})

	t.Run("every chart decodes and nothing is fetched", func(t *testing.T) {
		dom, log := runChromium(t, bin, probed, "--dump-dom", "--virtual-time-budget=5000")
		want := fmt.Sprintf("hotbench-probe decoded=%d/%d", images, images)
		if !strings.Contains(log, want) {
			t.Errorf("Chromium did not decode every image: want %q in the console log; console:\n%s",
				want, strings.Join(consoleLine.FindAllString(log, -1), "\n"))
		}
		if !strings.Contains(log, "hotbench-probe resources=[]") {
			t.Errorf("the page fetched resources; console:\n%s", strings.Join(consoleLine.FindAllString(log, -1), "\n"))
		}
		for _, l := range consoleLine.FindAllString(log, -1) {
			if !strings.Contains(l, "hotbench-probe") {
				t.Errorf("unexpected console output: %s", l)
			}
		}
		if m := failedLoads.FindString(log); m != "" {
			t.Errorf("the page tried to load something: %s", m)
		}
		if !strings.Contains(dom, fmt.Sprintf(`data-decoded="%d/%d"`, images, images)) {
			t.Errorf("the DOM does not record every image as decoded")
		}
		if !strings.Contains(dom, "<h1>") {
			t.Error("the dumped DOM has no heading: the page did not parse")
		}
	})
}

func TestRunReportInBrowser(t *testing.T) {
	t.Parallel()
	checkInBrowser(t, "run-report", fullRunPage(t))
}

func TestMonthReportInBrowser(t *testing.T) {
	t.Parallel()
	checkInBrowser(t, "month-report", fullMonthPage(t))
}
