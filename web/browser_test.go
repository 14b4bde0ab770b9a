package web

import (
	"bytes"
	"context"
	"image/png"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// chromiumPath finds a Chromium to drive headless, or skips the test.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium is not on PATH: install it to run the browser test (Debian/Ubuntu: apt-get install -y chromium)")
	return ""
}

// runChromium runs one headless Chromium command against url and returns
// its stdout. Flags keep it off the network except for the loopback page.
func runChromium(t *testing.T, bin, url string, extra ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	profile := t.TempDir()
	args := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--hide-scrollbars",
		"--user-data-dir=" + profile,
	}
	args = append(append(args, extra...), url)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+profile)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\nstderr:\n%s", extra, err, stderr.String())
	}
	return stdout.Bytes()
}

// TestStatusPageInBrowser renders the status page in headless Chromium
// from a real server on loopback: the DOM must hold the draws table and
// the SVG charts, and a screenshot must show a drawn page.
func TestStatusPageInBrowser(t *testing.T) {
	bin := chromiumPath(t)
	s := newTestServer(t, newTestStore(t), testNow.Add(-10*time.Minute), true)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	url := "http://" + ln.Addr().String() + "/"

	t.Run("dump-dom", func(t *testing.T) {
		dom := runChromium(t, bin, url, "--dump-dom")
		doc, rows, _ := drawTable(t, bytes.NewReader(dom))
		want := 0
		for _, n := range fixtureDraws {
			want += n
		}
		if len(rows) != want {
			t.Errorf("rendered table has %d rows, want %d", len(rows), want)
		}
		if n := doc.Find("figure.chart svg").Length(); n != len(fixtureDraws) {
			t.Errorf("%d SVG charts rendered, want one per stream (%d)", n, len(fixtureDraws))
		}
		if doc.Find("svg polyline").Length() == 0 || doc.Find("svg polygon").Length() == 0 {
			t.Errorf("charts lack lines or bands")
		}
	})

	t.Run("screenshot", func(t *testing.T) {
		shot := filepath.Join(t.TempDir(), "status.png")
		runChromium(t, bin, url, "--screenshot="+shot, "--window-size=1280,1600")
		f, err := os.Open(shot)
		if err != nil {
			t.Fatalf("no screenshot written: %v", err)
		}
		defer f.Close()
		img, err := png.Decode(f)
		if err != nil {
			t.Fatalf("screenshot is not a PNG: %v", err)
		}
		b := img.Bounds()
		if b.Dx() != 1280 || b.Dy() != 1600 {
			t.Errorf("screenshot is %dx%d, want 1280x1600", b.Dx(), b.Dy())
		}
		// A blank or error page has a handful of colours; the rendered
		// page has text, badges, tables and chart strokes.
		colours := map[uint32]bool{}
		for y := b.Min.Y; y < b.Max.Y; y += 3 {
			for x := b.Min.X; x < b.Max.X; x += 3 {
				r, g, bb, _ := img.At(x, y).RGBA()
				colours[(r>>8)<<16|(g>>8)<<8|bb>>8] = true
			}
		}
		if len(colours) < 64 {
			t.Errorf("screenshot has only %d colours: blank page?", len(colours))
		}
		if keep := os.Getenv("DRAWWATCH_KEEP_SCREENSHOT"); keep != "" {
			data, err := os.ReadFile(shot)
			if err == nil {
				err = os.WriteFile(keep, data, 0o644)
			}
			if err != nil {
				t.Errorf("keep screenshot at %s: %v", keep, err)
			}
		}
	})
}
