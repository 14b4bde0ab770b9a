package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch/internal/realpages"
)

// realCapture2024 serves the real 2024 updates page, or skips (fails in CI)
// without ../shared.
func realCapture2024(t *testing.T) *httptest.Server {
	t.Helper()
	page := realpages.Read(t, "ontario.ca/captured/2024-updates.2025-12.html")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/updates" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	}))
	t.Cleanup(srv.Close)
	return srv
}

const rosterCSV = `id,label,program,streams,nocs,crs,eoi,profile_created,owner
T-1,Marco,OINP,skilled-trades,72010,420,,,
T-2,Lena,,,72010,400,,,
T-3,Ana,,,72010;31301,,,,
H-1,Priya,OINP,hcp,31301,412,,,
`

// rosterStore scrapes the real 2024 page into a new store and writes a
// config with the roster beside it.
func rosterStore(t *testing.T, roster string) (cfg string) {
	t.Helper()
	srv := realCapture2024(t)
	dir := t.TempDir()
	writeFile(t, dir, "clients.csv", roster)
	cfg = writeFile(t, dir, "drawwatch.toml", fmt.Sprintf(`
[store]
path = "drawwatch.db"
backlog_days = 0
[fetch]
delay = "1ms"
retry_base = "1ms"
[log]
level = "warn"
[clients]
roster = "clients.csv"
[[source]]
name = "updates"
kind = "oinp-updates"
url = "%s/updates"
`, srv.URL))
	if code, out, errOut := runCLI(t, "scrape", "--once", "--config", cfg); code != exitOK {
		t.Fatalf("scrape: exit %d\n%s\n%s", code, out, errOut)
	}
	return cfg
}

func TestMatchDrawOnRealPage(t *testing.T) {
	cfg := rosterStore(t, rosterCSV)
	code, out, errOut := runCLI(t, "match", "october17-0", "--config", cfg)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"2024-10-17  skilled-trades", "CRS 405–435", "1 client matches", "T-1", "CRS 420", "possible", "T-3", "no CRS score on file"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "T-2") || strings.Contains(out, "H-1") {
		t.Errorf("T-2 (CRS 400) or H-1 (hcp) listed:\n%s", out)
	}

	code, out, _ = runCLI(t, "match", "october17-0", "--json", "--config", cfg)
	var got []struct {
		AnnouncementID string `json:"announcement_id"`
		Draw           struct {
			Date     string `json:"date"`
			ScoreMin int    `json:"score_min"`
		} `json:"draw"`
		Matches []struct {
			ClientID  string `json:"client_id"`
			NOC       string `json:"noc"`
			ScoreKind string `json:"score_kind"`
			Score     int    `json:"score"`
		} `json:"matches"`
		Possible []struct {
			ClientID string `json:"client_id"`
			Reason   string `json:"reason"`
		} `json:"possible"`
	}
	if err := json.Unmarshal([]byte(out), &got); code != exitOK || err != nil {
		t.Fatalf("exit %d, %v\n%s", code, err, out)
	}
	if len(got) != 1 || got[0].Draw.ScoreMin != 405 || len(got[0].Matches) != 1 || got[0].Matches[0].ClientID != "T-1" ||
		got[0].Matches[0].Score != 420 || got[0].Matches[0].NOC != "72010" || len(got[0].Possible) != 1 || got[0].Possible[0].ClientID != "T-3" {
		t.Errorf("json = %+v", got)
	}
	assertSnakeKeys(t, out)

	code, _, errOut = runCLI(t, "match", "no-such-draw", "--config", cfg)
	if code != exitFailed || !strings.Contains(errOut, "drawwatch draws") {
		t.Errorf("unknown draw: exit %d %s", code, errOut)
	}
}

func TestMatchClientHistory(t *testing.T) {
	cfg := rosterStore(t, rosterCSV)
	code, out, errOut := runCLI(t, "match", "--client", "T-1", "--json", "--config", cfg)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	var h struct {
		ClientID string `json:"client_id"`
		Draws    []struct {
			Draw struct {
				Date   string `json:"date"`
				Stream string `json:"stream"`
			} `json:"draw"`
			Match struct {
				Possible bool `json:"possible"`
			} `json:"match"`
		} `json:"draws"`
	}
	if err := json.Unmarshal([]byte(out), &h); err != nil {
		t.Fatal(err)
	}
	if h.ClientID != "T-1" || len(h.Draws) == 0 {
		t.Fatalf("history = %+v", h)
	}
	found := false
	for i, d := range h.Draws {
		if d.Draw.Stream != "skilled-trades" {
			t.Errorf("T-1 (skilled-trades only) matched a %s draw", d.Draw.Stream)
		}
		if i > 0 && d.Draw.Date > h.Draws[i-1].Draw.Date {
			t.Errorf("not newest first: %s after %s", d.Draw.Date, h.Draws[i-1].Draw.Date)
		}
		found = found || d.Draw.Date == "2024-10-17"
	}
	if !found {
		t.Errorf("the 17 Oct 2024 draw is not in T-1's history: %+v", h.Draws)
	}
	assertSnakeKeys(t, out)

	code, out, _ = runCLI(t, "match", "--client", "T-1", "--config", cfg)
	if code != exitOK || !strings.Contains(out, "T-1 Marco:") || !strings.Contains(out, "2024-10-17") {
		t.Errorf("text history: exit %d\n%s", code, out)
	}
	if code, _, errOut := runCLI(t, "match", "--client", "X-9", "--config", cfg); code != exitFailed || !strings.Contains(errOut, "X-9") {
		t.Errorf("unknown client: exit %d %s", code, errOut)
	}
	if code, _, _ := runCLI(t, "match", "october17-0", "--client", "T-1", "--config", cfg); code != exitUsage {
		t.Errorf("draw and --client together: exit %d", code)
	}
}

func TestClientsCheck(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "good.csv", rosterCSV)
	writeFile(t, dir, "bad.csv", "id,nocs,crs,ssn\nT-1,72010,42O,123-45-6789\n")
	cfgFor := func(roster string) string {
		return writeFile(t, dir, "c.toml", "[log]\nlevel = \"warn\"\n[clients]\nroster = \""+roster+"\"\n")
	}
	code, out, errOut := runCLI(t, "clients", "check", "--config", cfgFor("good.csv"))
	if code != exitOK || !strings.Contains(out, "ok, 4 clients") || strings.Contains(out, "Marco") {
		t.Errorf("good roster: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = runCLI(t, "clients", "check", "--json", "--config", cfgFor("good.csv"))
	if code != exitOK || !strings.Contains(out, `"clients": 4`) {
		t.Errorf("json: exit %d\n%s", code, out)
	}
	code, out, errOut = runCLI(t, "clients", "check", "--config", cfgFor("bad.csv"))
	if code != exitFailed || !strings.Contains(errOut, filepath.Join(dir, "bad.csv")) ||
		!strings.Contains(errOut, "row 1, column 4 (ssn): unknown column") || strings.Contains(out+errOut, "123-45-6789") {
		t.Errorf("bad roster: exit %d\n%s%s", code, out, errOut)
	}
	code, _, errOut = runCLI(t, "clients", "check", "--config", writeFile(t, dir, "none.toml", "[log]\nlevel = \"warn\"\n"))
	if code != exitFailed || !strings.Contains(errOut, "[clients] roster") {
		t.Errorf("no roster: exit %d %s", code, errOut)
	}
}

// assertSnakeKeys walks a JSON document and fails on any key that is not
// snake_case.
func assertSnakeKeys(t *testing.T, doc string) {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatal(err)
	}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if k != strings.ToLower(k) || strings.ContainsAny(k, "- ") {
					t.Errorf("JSON key %q is not snake_case", k)
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
}

func TestDaemonRefusesMalformedRoster(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "clients.csv", "id,nocs,crs\nT-1,72010,420\nT-2,7201O,400\n")
	cfg := writeFile(t, dir, "drawwatch.toml", "[log]\nlevel = \"warn\"\n[store]\npath = \"d.db\"\n[clients]\nroster = \"clients.csv\"\n")
	code, out, errOut := runCLI(t, "run", "--config", cfg)
	if code != exitFailed || !strings.Contains(errOut, "row 3, column 2 (nocs)") || strings.Contains(out+errOut, "7201O") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
}

// A new draw's alert lists the matching clients to the team, to a
// client's owner only that owner's clients, and to a route with
// clients = false none at all.
func TestAlertsListClientsByRouteAndOwner(t *testing.T) {
	site := &testSite{}
	site.version.Store(1)
	srv := httptest.NewServer(site)
	defer srv.Close()
	hooks := map[string]*slackHook{"team": {}, "partners": {}, "ana": {}, "ben": {}}
	urls := map[string]string{}
	for name, h := range hooks {
		s := httptest.NewServer(h)
		defer s.Close()
		urls[name] = s.URL + "/services/T/B/" + name
	}
	dir := t.TempDir()
	writeFile(t, dir, "clients.csv", `id,label,nocs,eoi,owner
W-1,Wei,21231,60,ana
W-2,Sam,21211,70,
W-3,Omar,21232,,
W-4,Lou,21231,50,ben
`)
	cfg := siteConfig(t, dir, srv.URL, urls["team"], fmt.Sprintf(`
[[slack]]
name = "partners"
webhook_url = "%s"
[[slack]]
name = "ana"
webhook_url = "%s"
[[slack]]
name = "ben"
webhook_url = "%s"
[[route]]
targets = ["partners"]
kinds = ["draw"]
clients = false
[clients]
roster = "clients.csv"
`, urls["partners"], urls["ana"], urls["ben"]))
	if code, out, errOut := runCLI(t, "scrape", "--once", "--config", cfg); code != exitOK {
		t.Fatalf("first scrape: exit %d\n%s\n%s", code, out, errOut)
	}
	site.version.Store(2)
	if code, out, errOut := runCLI(t, "scrape", "--once", "--config", cfg); code != exitOK {
		t.Fatalf("second scrape: exit %d\n%s\n%s", code, out, errOut)
	}
	newDraw := func(name string) string {
		t.Helper()
		for _, p := range hooks[name].posts() {
			if strings.Contains(p, "21231") {
				return p
			}
		}
		return ""
	}
	team := newDraw("team")
	for _, want := range []string{"2 of your clients match", "W-1 Wei (21231, EOI 60)", "W-2 Sam (21211, EOI 70)", "1 possible", "W-3 Omar (21232, no EOI score on file)"} {
		if !strings.Contains(team, want) {
			t.Errorf("team alert lacks %q:\n%s", want, team)
		}
	}
	if strings.Contains(team, "W-4") {
		t.Errorf("W-4 (EOI 50, under 55) listed:\n%s", team)
	}
	if p := newDraw("partners"); p == "" || strings.Contains(p, "W-1") || strings.Contains(p, "clients match") {
		t.Errorf("partners (clients = false) alert: %q", p)
	}
	ana := newDraw("ana")
	if !strings.Contains(ana, "1 of your clients matches") || !strings.Contains(ana, "W-1 Wei") || strings.Contains(ana, "W-2") || strings.Contains(ana, "W-3") {
		t.Errorf("owner ana's alert must hold her client alone:\n%s", ana)
	}
	if n := len(hooks["ben"].posts()); n != 0 {
		t.Errorf("ben owns no matching client, and got %d alerts", n)
	}
}

// The daemon serves the API and feeds behind the token, the roster to a
// client's calendar, and binds a bare port to loopback.
func TestDaemonServesFeedsBehindToken(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the daemon as a subprocess")
	}
	site := &testSite{}
	site.version.Store(2)
	srv := httptest.NewServer(site)
	defer srv.Close()
	dir := t.TempDir()
	writeFile(t, dir, "clients.csv", "id,label,nocs,eoi\nW-1,Wei,21231,60\n")
	writeFile(t, dir, "token", "feed-token-0123456789\n")
	addr := freeAddr(t)
	port := addr[strings.LastIndex(addr, ":"):]
	cfg := siteConfig(t, dir, srv.URL, "http://127.0.0.1:1/hook", `
[schedule]
cron = "@every 1h"
run_at_start = true
[http]
listen = "`+port+`"
token_file = "token"
[clients]
roster = "clients.csv"
`)
	cmd := exec.Command(os.Args[0], "run", "--config", cfg)
	cmd.Env = append(os.Environ(), "DRAWWATCH_TEST_MAIN=1")
	var stderrBuf bytes.Buffer
	stderr := syncWriter{w: &stderrBuf} // read while the daemon may still write
	cmd.Stdout, cmd.Stderr = io.Discard, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()

	base := "http://127.0.0.1" + port
	get := func(path, token string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		code, body := get("/api/v1/draws?stream=ejo-foreign-worker", "feed-token-0123456789")
		if code == http.StatusOK && strings.Contains(body, "2026-03-19") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the API never listed the draw: %d %s\ndaemon log:\n%s", code, body, stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code, body := get("/api/v1/draws", ""); code != http.StatusUnauthorized || !strings.Contains(body, `"message"`) {
		t.Errorf("API without token: %d %s", code, body)
	}
	if code, _ := get("/feed.atom", "wrong-token-0123456789"); code != http.StatusUnauthorized {
		t.Errorf("feed with a wrong token: %d", code)
	}
	if code, body := get("/calendar.ics?client=W-1&token=feed-token-0123456789", ""); code != http.StatusOK || !strings.Contains(body, "BEGIN:VCALENDAR") {
		t.Errorf("client calendar: %d %s", code, body)
	}
	if code, _ := get("/calendar.ics?client=X-9&token=feed-token-0123456789", ""); code != http.StatusNotFound {
		t.Errorf("unknown client: %d", code)
	}
	if code, _ := get("/healthz", ""); code != http.StatusOK {
		t.Errorf("/healthz: %d", code)
	}
	// Stop the daemon first: its log is written by exec's copying
	// goroutine until the process is waited for (a data race otherwise).
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
	if strings.Contains(stderr.String(), "Wei") || strings.Contains(stderr.String(), "feed-token") {
		t.Errorf("the daemon logged roster data or the token:\n%s", stderr.String())
	}
}
