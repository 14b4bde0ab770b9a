package web

import (
	"context"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

// axeViolation is one failed axe-core rule with the elements it names.
type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

const runAxe = `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
  .then(r => ({passes: r.passes.length, violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))}))`

// TestStatusPageAccessibility runs the axe-core accessibility engine (WCAG
// 2.1 A and AA rules: contrast, labels, table headers, landmarks ...) on
// the status page in headless Chromium, at desktop and phone widths, with
// a filter error showing. DRAWWATCH_AXE_JS names axe.min.js (.ci/run
// installs axe-core from npm); without it the test skips.
func TestStatusPageAccessibility(t *testing.T) {
	bin := chromiumPath(t)
	axePath := os.Getenv("DRAWWATCH_AXE_JS")
	if axePath == "" {
		t.Skip("DRAWWATCH_AXE_JS is not set: point it at axe-core's axe.min.js (npm install axe-core) to run the accessibility audit")
	}
	axe, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("DRAWWATCH_AXE_JS: %v", err)
	}
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
	base := "http://" + ln.Addr().String()
	tests := []struct {
		name          string
		width, height int
		mobile        bool
		path          string
	}{
		{"desktop", 1280, 1600, false, "/"},
		{"phone", 390, 844, true, "/"},
		{"phone with a filter error", 390, 844, true, "/?stream=hpc"},
	}
	page := openPhone(t, bin, 390, 844)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := page.call("Emulation.setDeviceMetricsOverride", map[string]any{
				"width": tt.width, "height": tt.height, "deviceScaleFactor": 1, "mobile": tt.mobile,
			}, nil); err != nil {
				t.Fatal(err)
			}
			page.load(t, base+tt.path)
			// DevTools evaluation is not subject to the page's CSP, which
			// (rightly) forbids every script.
			var ignored any
			if err := page.eval(string(axe)+";true", &ignored); err != nil {
				t.Fatalf("inject axe-core: %v", err)
			}
			var res struct {
				Passes     int            `json:"passes"`
				Violations []axeViolation `json:"violations"`
			}
			if err := page.evaluate(runAxe, true, &res); err != nil {
				t.Fatalf("axe.run: %v", err)
			}
			if res.Passes == 0 {
				t.Fatal("axe-core checked nothing: page not loaded?")
			}
			t.Logf("%d axe rules passed, %d violated", res.Passes, len(res.Violations))
			for _, v := range res.Violations {
				t.Errorf("%s (%s): %s at %s", v.ID, v.Impact, v.Help, strings.Join(v.Targets, "; "))
			}
		})
	}
}
