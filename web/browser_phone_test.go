package web

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// cdpPage is one Chromium tab driven over the DevTools protocol: enough
// of it to set a phone viewport, load a page and measure it.
type cdpPage struct {
	conn *websocket.Conn
	next int
}

// call sends one DevTools command and waits for its answer, skipping the
// events Chromium interleaves.
func (p *cdpPage) call(method string, params any, result any) error {
	p.next++
	id := p.next
	if err := p.conn.WriteJSON(map[string]any{"id": id, "method": method, "params": params}); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	for {
		var msg struct {
			ID     int             `json:"id"`
			Result json.RawMessage `json:"result"`
			Error  *struct {
				Message string `json:"message"`
			} `json:"error"`
		}
		if err := p.conn.ReadJSON(&msg); err != nil {
			return fmt.Errorf("%s: %w", method, err)
		}
		if msg.ID != id {
			continue
		}
		if msg.Error != nil {
			return fmt.Errorf("%s: %s", method, msg.Error.Message)
		}
		if result == nil {
			return nil
		}
		return json.Unmarshal(msg.Result, result)
	}
}

// eval runs a JavaScript expression in the page and decodes its JSON value.
func (p *cdpPage) eval(expr string, out any) error { return p.evaluate(expr, false, out) }

// evaluate is eval that can wait for the expression's promise to settle.
func (p *cdpPage) evaluate(expr string, await bool, out any) error {
	var res struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	if err := p.call("Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": await}, &res); err != nil {
		return err
	}
	if res.ExceptionDetails != nil {
		return fmt.Errorf("evaluate: %s", res.ExceptionDetails.Text)
	}
	return json.Unmarshal(res.Result.Value, out)
}

var devtoolsRE = regexp.MustCompile(`DevTools listening on (ws://[^\s]+)`)

// openPhone starts headless Chromium with DevTools on a loopback port and
// returns its first tab, emulating a width×height phone screen.
func openPhone(t *testing.T, bin string, width, height int) *cdpPage {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	profile := t.TempDir()
	cmd := exec.CommandContext(ctx, bin,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--hide-scrollbars",
		fmt.Sprintf("--window-size=%d,%d", width, height),
		"--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
		"--user-data-dir="+profile, "about:blank")
	cmd.Env = append(os.Environ(), "HOME="+profile)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
	})
	wsURL := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := devtoolsRE.FindStringSubmatch(sc.Text()); m != nil {
				wsURL <- m[1]
				break
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
	}()
	var browser string
	select {
	case browser = <-wsURL:
	case <-time.After(60 * time.Second):
		t.Fatal("chromium did not print its DevTools address")
	}
	host := strings.SplitN(strings.TrimPrefix(browser, "ws://"), "/", 2)[0]
	resp, err := http.Get("http://" + host + "/json/list")
	if err != nil {
		t.Fatalf("list DevTools targets: %v", err)
	}
	defer resp.Body.Close()
	var targets []struct {
		Type, WebSocketDebuggerURL string
	}
	if err := json.NewDecoder(resp.Body).Decode(&targets); err != nil {
		t.Fatalf("decode DevTools targets: %v", err)
	}
	for _, tg := range targets {
		if tg.Type != "page" {
			continue
		}
		conn, _, err := websocket.DefaultDialer.DialContext(ctx, tg.WebSocketDebuggerURL, nil)
		if err != nil {
			t.Fatalf("connect to the tab: %v", err)
		}
		t.Cleanup(func() { conn.Close() })
		p := &cdpPage{conn: conn}
		if err := p.call("Emulation.setDeviceMetricsOverride", map[string]any{
			"width": width, "height": height, "deviceScaleFactor": 3, "mobile": true,
		}, nil); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Fatal("chromium has no page target")
	return nil
}

// load navigates to url and waits until the page has loaded.
func (p *cdpPage) load(t *testing.T, url string) {
	t.Helper()
	if err := p.call("Page.navigate", map[string]any{"url": url}, nil); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		var state, href string
		if p.eval("document.readyState", &state) == nil && state == "complete" &&
			p.eval("location.href", &href) == nil && href == url {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not finish loading", url)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// phoneLayout is what the test measures of the status page in the browser.
type phoneLayout struct {
	InnerWidth   float64  `json:"inner_width"`
	ScrollWidth  float64  `json:"scroll_width"`
	Overflowing  []string `json:"overflowing"`
	Rows         int      `json:"rows"`
	CellsOutside int      `json:"cells_outside"`
	MinFontPx    float64  `json:"min_font_px"`
	Label        string   `json:"label"`
	TheadHidden  bool     `json:"thead_hidden"`
	Charts       int      `json:"charts"`
	ChartsWidest float64  `json:"charts_widest"`
}

const measurePhone = `(() => {
  const vw = window.innerWidth;
  const overflowing = [...document.querySelectorAll('body *')]
    .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > vw + 0.5; })
    .slice(0, 8).map(e => e.tagName.toLowerCase() + (e.className && e.className.baseVal === undefined ? '.' + e.className : '') + ' right=' + Math.round(e.getBoundingClientRect().right));
  const cells = [...document.querySelectorAll('#draws-table tbody td')];
  const thead = document.querySelector('#draws-table thead').getBoundingClientRect();
  const charts = [...document.querySelectorAll('figure.chart')];
  return {
    inner_width: vw,
    scroll_width: document.documentElement.scrollWidth,
    overflowing,
    rows: document.querySelectorAll('#draws-table tbody tr').length,
    cells_outside: cells.filter(c => { const r = c.getBoundingClientRect(); return r.left < 0 || r.right > vw + 0.5; }).length,
    min_font_px: Math.min(...cells.map(c => parseFloat(getComputedStyle(c).fontSize))),
    label: cells.length ? getComputedStyle(cells[0], '::before').content : '',
    thead_hidden: thead.width <= 1 && thead.height <= 1,
    charts: charts.length,
    charts_widest: Math.max(0, ...charts.map(f => f.getBoundingClientRect().width)),
  };
})()`

// TestStatusPageOnPhone loads the status page in headless Chromium at
// 390×844 (an iPhone 12-15 screen) and checks nothing is wider than the
// screen (the chart grid's minmax(520px, 1fr) made the page 563px wide)
// and that the draws table reads as labelled cards inside the screen.
func TestStatusPageOnPhone(t *testing.T) {
	bin := chromiumPath(t)
	st := withEERounds(t, newTestStore(t)) // EE section too
	addDeadAlert(t, st)                    // and the dead-alerts table
	addHeldAlerts(t, st)                   // and the held-alerts table
	s := newTestServer(t, st, testNow.Add(-10*time.Minute), true)
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

	page := openPhone(t, bin, 390, 844)
	page.load(t, "http://"+ln.Addr().String()+"/")
	var got phoneLayout
	if err := page.eval(measurePhone, &got); err != nil {
		t.Fatal(err)
	}
	t.Logf("at 390 px: %+v", got)
	if got.InnerWidth != 390 {
		t.Fatalf("viewport is %v px wide, want 390 (emulation failed)", got.InnerWidth)
	}
	if got.ScrollWidth > got.InnerWidth {
		t.Errorf("page is %v px wide on a %v px screen: horizontal overflow", got.ScrollWidth, got.InnerWidth)
	}
	if len(got.Overflowing) > 0 {
		t.Errorf("elements reach past the right edge: %v", got.Overflowing)
	}
	want := 0
	for _, n := range fixtureDraws {
		want += n
	}
	if got.Rows != want {
		t.Errorf("draws table has %d rows, want %d", got.Rows, want)
	}
	if got.CellsOutside != 0 {
		t.Errorf("%d draw cells lie outside the screen", got.CellsOutside)
	}
	if got.MinFontPx < 12 {
		t.Errorf("smallest draw cell font %v px, want at least 12", got.MinFontPx)
	}
	if got.Label != `"Date"` || !got.TheadHidden {
		t.Errorf("cells are not labelled cards (first label %s, header row hidden %v)", got.Label, got.TheadHidden)
	}
	// One chart per fixture stream, and the EE transport rounds' cut-off chart.
	if want := len(fixtureDraws) + 1; got.Charts != want || got.ChartsWidest > got.InnerWidth {
		t.Errorf("%d charts, widest %v px: want %d charts within the screen", got.Charts, got.ChartsWidest, want)
	}
}
