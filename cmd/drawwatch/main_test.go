package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/demo"
	"github.com/drawwatch/drawwatch/internal/realpages"
	"github.com/drawwatch/drawwatch/store/pgtest"
)

// TestMain lets tests run the real binary's main (signals and exit codes
// included) by re-executing the test binary.
func TestMain(m *testing.M) {
	if os.Getenv("DRAWWATCH_TEST_MAIN") == "1" {
		main()
		return
	}
	for _, k := range os.Environ() { // colly reads COLLY_* after our options
		if strings.HasPrefix(k, "COLLY_") {
			os.Unsetenv(strings.SplitN(k, "=", 2)[0])
		}
	}
	os.Exit(pgtest.Main(m)) // stops the PostgreSQL server the failover tests started, if any
}

// realPage is the path of a real ontario.ca page, read in place: the test
// is skipped without ../shared, and fails under CI.
func realPage(t *testing.T, rel string) string {
	t.Helper()
	return realpages.Path(t, "ontario.ca/"+rel)
}

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestConfigCheck(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name     string
		doc      string
		env      map[string]string
		wantCode int
		want     []string
		notWant  []string
	}{
		{
			name:     "unknown key names key and line",
			doc:      "[store]\npath = \"x.db\"\n\n[schedule]\ncron = \"@every 1m\"\nrun_at_startup = true\n",
			wantCode: exitFailed,
			want:     []string{"schedule.run_at_startup", "line 6"},
		},
		{
			name:     "bad cron",
			doc:      "[schedule]\ncron = \"CRON_TZ=America/Toronto\"\n",
			wantCode: exitFailed,
			want:     []string{"schedule.cron"},
		},
		{
			name:     "valid config prints masked secrets",
			doc:      "[[slack]]\nname = \"t\"\nwebhook_url = \"${HOOK}\"\n[[route]]\ntargets = [\"t\"]\n",
			env:      map[string]string{"HOOK": "https://hooks.slack.com/services/SECRETVALUE"},
			wantCode: exitOK,
			want:     []string{"is valid", "********"},
			notWant:  []string{"SECRETVALUE"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			path := writeFile(t, dir, "c.toml", tt.doc)
			code, out, errOut := runCLI(t, "config", "check", "--config", path)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, out, errOut)
			}
			all := out + errOut
			for _, w := range tt.want {
				if !strings.Contains(all, w) {
					t.Errorf("output does not mention %q:\n%s", w, all)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(all, w) {
					t.Errorf("output leaks %q:\n%s", w, all)
				}
			}
		})
	}
}

func TestParseCommand(t *testing.T) {
	code, out, errOut := runCLI(t, "parse", realPage(t, "captured/2024-updates.2025-12.html"), "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var page drawwatch.Page
	if err := json.Unmarshal([]byte(out), &page); err != nil {
		t.Fatalf("output is not a page JSON: %v", err)
	}
	var found bool
	for _, a := range page.Announcements {
		for _, d := range a.Draws {
			if d.Date == "2024-02-06" && d.Stream == drawwatch.StreamHCP {
				found = true
				if !strings.HasPrefix(d.SourceURL, "https://www.ontario.ca/page/2024-ontario-immigrant-nominee-program-updates#") {
					t.Errorf("source_url %q does not point at the live page's anchor", d.SourceURL)
				}
			}
		}
	}
	if !found {
		t.Error("the 6 Feb 2024 HCP draw is missing from parse --json")
	}
	for _, field := range []string{`"program"`, `"stream_name"`, `"score_kind"`, `"profiles_from"`, `"nocs"`, `"source_url"`} {
		if !strings.Contains(out, field) {
			t.Errorf("JSON lacks %s", field)
		}
	}

	code, _, errOut = runCLI(t, "parse", realPage(t, "rendered/bot-block-captcha.html"))
	if code != exitBlocked || !strings.Contains(errOut, "captcha") {
		t.Errorf("captcha page: exit %d, stderr %q; want exit %d naming the captcha", code, errOut, exitBlocked)
	}
	code, out, _ = runCLI(t, "parse", "--kind", "noi", realPage(t, "rendered/oinp-express-entry-notifications-interest.html"))
	if code != exitOK || !strings.Contains(out, "noi page") {
		t.Errorf("noi table page: exit %d\n%s", code, out)
	}
}

// testSite serves the demo pages with ETags; version 2 adds a draw.
type testSite struct {
	version atomic.Int32
	hits    atomic.Int64
}

func (s *testSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/robots.txt" {
		io.WriteString(w, "User-agent: *\nAllow: /\n")
		return
	}
	s.hits.Add(1)
	name := map[string]string{
		"/updates": fmt.Sprintf("pages/updates-v%d.html", s.version.Load()),
		"/noi":     "pages/noi.html",
		"/ita":     "pages/ita.html",
	}[r.URL.Path]
	body, err := demo.Pages.ReadFile(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	etag := fmt.Sprintf(`"%x"`, sha256.Sum256(body))
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Write(body)
}

// slackHook counts webhook posts and keeps their bodies.
type slackHook struct {
	mu     sync.Mutex
	bodies []string
}

func (h *slackHook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	h.bodies = append(h.bodies, string(b))
	h.mu.Unlock()
	io.WriteString(w, "ok")
}

func (h *slackHook) posts() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.bodies...)
}

func siteConfig(t *testing.T, dir, siteURL, hookURL, extra string) string {
	t.Helper()
	return writeFile(t, dir, "drawwatch.toml", fmt.Sprintf(`
[store]
path = "drawwatch.db"
backlog_days = 0

[fetch]
delay = "1ms"
retry_base = "1ms"

[log]
level = "warn"

[delivery]
wait = "10s"

[[source]]
name = "updates"
kind = "oinp-updates"
url = "%[1]s/updates"

[[source]]
name = "noi"
kind = "oinp-noi"
url = "%[1]s/noi"

[[source]]
name = "ita"
kind = "oinp-ita"
url = "%[1]s/ita"

[[slack]]
name = "team"
webhook_url = "%[2]s"

[[route]]
targets = ["team"]
kinds = ["draw", "news", "ops"]
%[3]s`, siteURL, hookURL, extra))
}

func TestScrapeOnceEndToEnd(t *testing.T) {
	site := &testSite{}
	site.version.Store(1)
	srv := httptest.NewServer(site)
	defer srv.Close()
	hook := &slackHook{}
	hookSrv := httptest.NewServer(hook)
	defer hookSrv.Close()
	dir := t.TempDir()
	cfg := siteConfig(t, dir, srv.URL, hookSrv.URL+"/services/T/B/x", "")

	code, out, errOut := runCLI(t, "scrape", "--once", "--config", cfg)
	if code != exitOK {
		t.Fatalf("first scrape: exit %d\n%s\n%s", code, out, errOut)
	}
	if n := len(hook.posts()); n != 0 {
		t.Errorf("first scrape of a new store with backlog_days=0 alerted %d times", n)
	}

	site.version.Store(2)
	code, out, errOut = runCLI(t, "scrape", "--once", "--config", cfg, "--dry-run")
	if code != exitOK || !strings.Contains(out, "would alert: team") {
		t.Errorf("dry run: exit %d\n%s\n%s", code, out, errOut)
	}
	if n := len(hook.posts()); n != 0 {
		t.Errorf("dry run sent %d alerts", n)
	}

	code, out, errOut = runCLI(t, "scrape", "--once", "--config", cfg)
	if code != exitOK {
		t.Fatalf("second scrape: exit %d\n%s\n%s", code, out, errOut)
	}
	posts := hook.posts()
	if len(posts) != 2 { // the new tech draw, the corrected NOC list
		t.Fatalf("want 2 Slack posts (new draw, correction), got %d:\n%s", len(posts), strings.Join(posts, "\n"))
	}
	joined := strings.Join(posts, "\n")
	for _, want := range []string{"21231", "32102"} {
		if !strings.Contains(joined, want) {
			t.Errorf("alerts do not mention %s", want)
		}
	}

	code, out, _ = runCLI(t, "scrape", "--once", "--config", cfg)
	if code != exitOK || !strings.Contains(out, "not-modified") || len(hook.posts()) != 2 {
		t.Errorf("third scrape: exit %d, posts %d\n%s", code, len(hook.posts()), out)
	}

	code, out, _ = runCLI(t, "draws", "--config", cfg, "--noc", "2123*", "--csv")
	if code != exitOK || !strings.Contains(out, "2026-03-19") || strings.Contains(out, "2026-03-12") {
		t.Errorf("draws --noc 2123*: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "history", "--config", cfg, "march12-0")
	if code != exitOK || !strings.Contains(out, "version 2") || !strings.Contains(out, "32102") {
		t.Errorf("history: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "outbox", "--config", cfg, "--sent")
	if code != exitOK || !strings.Contains(out, "2 alerts") {
		t.Errorf("outbox: exit %d\n%s", code, out)
	}

	code, out, _ = runCLI(t, "notify", "test", "--config", cfg)
	if code != exitOK || !strings.Contains(out, "team") || len(hook.posts()) != 3 || !strings.Contains(hook.posts()[2], "test message") {
		t.Errorf("notify test: exit %d, %d posts\n%s", code, len(hook.posts()), out)
	}
	code, _, errOut = runCLI(t, "notify", "test", "--config", cfg, "--target", "nobody")
	if code != exitUsage || !strings.Contains(errOut, "nobody") {
		t.Errorf("notify test --target nobody: exit %d %s", code, errOut)
	}
}

func TestConcurrentScrapesNeverCorruptTheStore(t *testing.T) {
	site := &testSite{}
	site.version.Store(2)
	srv := httptest.NewServer(site)
	defer srv.Close()
	hookSrv := httptest.NewServer(&slackHook{})
	defer hookSrv.Close()
	dir := t.TempDir()
	cfg := siteConfig(t, dir, srv.URL, hookSrv.URL+"/hook", "")

	type result struct {
		code      int
		out, errs string
	}
	results := make([]result, 4)
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out, errb bytes.Buffer
			c := Run(context.Background(), []string{"scrape", "--once", "--config", cfg}, &out, &errb)
			results[i] = result{c, out.String(), errb.String()}
		}()
	}
	wg.Wait()
	ok := 0
	for _, r := range results {
		switch r.code {
		case exitOK:
			ok++
		case exitBusy:
			if !strings.Contains(r.errs, "another drawwatch run") {
				t.Errorf("busy exit without a clear message: %q", r.errs)
			}
		default:
			t.Errorf("exit %d\n%s\n%s", r.code, r.out, r.errs)
		}
	}
	if ok == 0 {
		t.Error("no scrape succeeded")
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "drawwatch.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check = %q, %v", check, err)
	}
	code, out, _ := runCLI(t, "draws", "--config", cfg, "--json")
	var draws []json.RawMessage
	if code != exitOK || json.Unmarshal([]byte(out), &draws) != nil || len(draws) < 5 {
		t.Errorf("draws after concurrent scrapes: exit %d, %d draws", code, len(draws))
	}
}

func TestDaemonDetectsChangeAlertsOnceAndStopsOnSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the daemon as a subprocess")
	}
	site := &testSite{}
	site.version.Store(1)
	srv := httptest.NewServer(site)
	defer srv.Close()
	hook := &slackHook{}
	hookSrv := httptest.NewServer(hook)
	defer hookSrv.Close()
	dir := t.TempDir()
	cfg := siteConfig(t, dir, srv.URL, hookSrv.URL+"/hook", `
[schedule]
cron = "@every 1s"
jitter = "1ms"
grace = "5s"
run_at_start = true

[http]
listen = "`+freeAddr(t)+`"
`)
	cmd := exec.Command(os.Args[0], "run", "--config", cfg)
	cmd.Env = append(os.Environ(), "DRAWWATCH_TEST_MAIN=1")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s\ndaemon log:\n%s", what, stderr.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitFor("first runs", func() bool { return site.hits.Load() >= 6 }) // two runs over three pages
	if n := len(hook.posts()); n != 0 {
		t.Fatalf("history alerted %d times", n)
	}
	site.version.Store(2)
	waitFor("the change to be alerted", func() bool { return len(hook.posts()) >= 2 })
	before := site.hits.Load()
	waitFor("two more runs", func() bool { return site.hits.Load() >= before+6 })
	if n := len(hook.posts()); n != 2 {
		t.Errorf("want exactly 2 alerts (new draw + correction), got %d", n)
	}

	listen := regexpFind(t, `listen = "([^"]+)"`, cfg)
	metrics := httpGet(t, "http://"+listen+"/metrics")
	for _, want := range []string{`drawwatch_alerts_sent_total{target="team"} 2`, `drawwatch_runs_total{result="ok"}`, "drawwatch_source_last_success_timestamp_seconds",
		// failure counters exist at zero, so a rate() alert rule sees the first failure
		`drawwatch_alerts_failed_total{target="team"} 0`, `drawwatch_runs_total{result="error"} 0`, "drawwatch_build_info{", "go_goroutines", "process_start_time_seconds"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s:\n%s", want, metrics)
		}
	}
	if page := httpGet(t, "http://"+listen+"/?stream=ejo-foreign-worker"); !strings.Contains(page, "2026-03-19") {
		t.Errorf("status page does not list the new draw")
	}

	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if err != nil {
		t.Errorf("daemon exit after SIGTERM: %v\n%s", err, stderr.String())
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("daemon took %v to stop, grace is 5s", d)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "drawwatch.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check after SIGTERM = %q, %v", check, err)
	}
	// The lock was released: a one-off scrape runs at once.
	if code, _, errOut := runCLI(t, "scrape", "--once", "--config", cfg); code != exitOK {
		t.Errorf("scrape after the daemon stopped: exit %d %s", code, errOut)
	}
}

func TestDemo(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCLI(t, "demo", "--store", filepath.Join(dir, "demo.db"))
	if code != exitOK {
		t.Fatalf("demo: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"pass 1", "pass 2", "alert 1", "not-modified", "2026-03-19", "rows"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func regexpFind(t *testing.T, pattern, file string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(pattern).FindSubmatch(b)
	if m == nil {
		t.Fatalf("%s not in %s", pattern, file)
	}
	return string(m[1])
}

func httpGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET %s: %s", url, resp.Status)
	}
	return string(b)
}

// A webhook answering 404 kills the alert (permanent, not retried); once
// the webhook works again, `outbox retry --all` and the next run deliver it.
func TestDeadAlertRequeuedAndDelivered(t *testing.T) {
	site := &testSite{}
	site.version.Store(1)
	srv := httptest.NewServer(site)
	defer srv.Close()
	var broken atomic.Bool
	broken.Store(true)
	hook := &slackHook{}
	hookSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if broken.Load() {
			http.Error(w, "no_service", http.StatusNotFound)
			return
		}
		hook.ServeHTTP(w, r)
	}))
	defer hookSrv.Close()
	cfg := siteConfig(t, t.TempDir(), srv.URL, hookSrv.URL+"/services/T/B/SECRETPATH", "")

	if code, _, errOut := runCLI(t, "scrape", "--once", "--config", cfg); code != exitOK {
		t.Fatalf("first scrape: %d %s", code, errOut)
	}
	site.version.Store(2)
	code, out, errOut := runCLI(t, "scrape", "--once", "--config", cfg)
	if code != exitFailed || !strings.Contains(errOut, "could not be delivered") {
		t.Errorf("scrape with a broken webhook: exit %d\n%s\n%s", code, out, errOut)
	}
	if strings.Contains(out+errOut, "SECRETPATH") {
		t.Errorf("webhook URL leaked into output:\n%s\n%s", out, errOut)
	}
	_, out, _ = runCLI(t, "outbox", "--config", cfg)
	if !strings.Contains(out, "dead") || !strings.Contains(out, "2 alerts") || strings.Contains(out, "SECRETPATH") {
		t.Errorf("outbox after permanent failures:\n%s", out)
	}

	broken.Store(false)
	if code, out, _ := runCLI(t, "outbox", "retry", "--all", "--config", cfg); code != exitOK || !strings.Contains(out, "2 alerts re-queued") {
		t.Errorf("outbox retry --all: exit %d %s", code, out)
	}
	if code, _, errOut := runCLI(t, "scrape", "--once", "--config", cfg); code != exitOK {
		t.Errorf("scrape after requeue: exit %d %s", code, errOut)
	}
	if n := len(hook.posts()); n != 2 {
		t.Errorf("delivered %d alerts after requeue, want 2", n)
	}
	if code, _, _ := runCLI(t, "outbox", "retry", "99999", "--config", cfg); code != exitFailed {
		t.Errorf("retry of an unknown alert: exit %d, want %d", code, exitFailed)
	}
}

func TestDaemonExitsNonZeroWhenItCannotListen(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	dir := t.TempDir()
	cfg := writeFile(t, dir, "drawwatch.toml", fmt.Sprintf(`
[store]
path = "drawwatch.db"
[schedule]
run_at_start = false
grace = "2s"
[http]
listen = %q
[[source]]
kind = "oinp-noi"
url = "http://127.0.0.1:1/noi"
`, taken.Addr().String()))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out, errb bytes.Buffer
	code := Run(ctx, []string{"run", "--config", cfg}, &out, &errb)
	if code == exitOK || !strings.Contains(errb.String(), "http.listen") {
		t.Errorf("daemon with a taken listen address: exit %d, stderr %q", code, errb.String())
	}
	if ctx.Err() != nil {
		t.Error("daemon did not stop on its own when its HTTP endpoint failed")
	}
}

func TestEmailCAFileErrors(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "not-a-ca.pem", "hello")
	for _, tt := range []struct{ file, want string }{
		{"missing.pem", "no such file"},
		{"not-a-ca.pem", "no PEM certificate"},
	} {
		cfg := writeFile(t, dir, "drawwatch.toml", fmt.Sprintf(`
[[email]]
name = "m"
smtp = "127.0.0.1:1"
from = "a@example.com"
to = ["b@example.com"]
ca_file = %q
[[route]]
targets = ["m"]
`, tt.file))
		code, _, errOut := runCLI(t, "notify", "test", "--config", cfg)
		if code != exitUsage || !strings.Contains(errOut, "ca_file") || !strings.Contains(errOut, tt.want) {
			t.Errorf("%s: exit %d, stderr %q", tt.file, code, errOut)
		}
	}
}
