package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/slack-go/slack"
)

// mailbox is an in-process SMTP server's inbox.
type mailbox struct {
	mu   sync.Mutex
	msgs []string
	last time.Time
}

func (m *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailSession{box: m}, nil }

func (m *mailbox) messages() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.msgs...)
}

type mailSession struct{ box *mailbox }

func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *mailSession) Reset()                               {}
func (s *mailSession) Logout() error                        { return nil }
func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.box.mu.Lock()
	s.box.msgs = append(s.box.msgs, string(b))
	s.box.last = time.Now()
	s.box.mu.Unlock()
	return nil
}

func startMailbox(t *testing.T) (*mailbox, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	box := &mailbox{}
	srv := smtp.NewServer(box)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 5*time.Second, 5*time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return box, ln.Addr().String()
}

// checkedHook is a Slack incoming webhook that decodes what slack-go posts
// as Slack's webhook payload and refuses anything else; with status set it
// answers that status instead of accepting.
type checkedHook struct {
	t      *testing.T
	status atomic.Int32
	mu     sync.Mutex
	texts  []string
	posts  int
	last   time.Time
}

func (h *checkedHook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.posts++
	h.mu.Unlock()
	var msg slack.WebhookMessage
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
		h.t.Errorf("webhook got %s %s", r.Method, r.Header.Get("Content-Type"))
	}
	if err := json.NewDecoder(r.Body).Decode(&msg); err != nil || msg.Text == "" || msg.Blocks == nil || len(msg.Blocks.BlockSet) == 0 {
		h.t.Errorf("webhook payload is not a Slack message with text and blocks: %v", err)
		http.Error(w, "invalid_payload", http.StatusBadRequest)
		return
	}
	if code := h.status.Load(); code != 0 {
		http.Error(w, "internal_error", int(code))
		return
	}
	h.mu.Lock()
	h.texts = append(h.texts, msg.Text)
	h.last = time.Now()
	h.mu.Unlock()
	io.WriteString(w, "ok")
}

func (h *checkedHook) delivered() ([]string, int, time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.texts...), h.posts, h.last
}

// TestFailingTargetNeverDelaysOthers: two Slack targets and one email
// target; one Slack target answers 500. Within the same `scrape --once`
// the other two receive every alert, and the summary counts are right.
func TestFailingTargetNeverDelaysOthers(t *testing.T) {
	site := &testSite{}
	site.version.Store(2)
	srv := httptest.NewServer(site)
	defer srv.Close()
	good, bad := &checkedHook{t: t}, &checkedHook{t: t}
	bad.status.Store(http.StatusInternalServerError)
	goodSrv, badSrv := httptest.NewServer(good), httptest.NewServer(bad)
	defer goodSrv.Close()
	defer badSrv.Close()
	box, smtpAddr := startMailbox(t)

	dir := t.TempDir()
	cfg := siteConfig(t, dir, srv.URL, goodSrv.URL+"/services/T/B/good", fmt.Sprintf(`
[[slack]]
name = "broken"
webhook_url = "%s/services/T/B/bad"

[[email]]
name = "mail"
smtp = %q
from = "drawwatch@example.com"
to = ["team@example.com"]
tls = "none"

[[route]]
targets = ["broken", "mail"]
kinds = ["draw", "news", "ops"]
`, badSrv.URL, smtpAddr))
	// Every draw on the demo pages is recent enough to alert.
	path := writeFile(t, dir, "drawwatch.toml", strings.Replace(readFile(t, cfg), "backlog_days = 0", "backlog_days = 36500", 1))

	start := time.Now()
	code, out, errOut := runCLI(t, "scrape", "--once", "--config", path)
	elapsed := time.Since(start)
	if code != exitFailed || !strings.Contains(errOut, "1 alerts could not be delivered") {
		t.Errorf("scrape with one broken target: exit %d, stderr %q; want %d naming 1 failed alert", code, errOut, exitFailed)
	}
	goodTexts, _, goodLast := good.delivered()
	_, badPosts, _ := bad.delivered()
	mails := box.messages()
	n := len(goodTexts)
	if n < 5 || len(mails) != n {
		t.Fatalf("good Slack got %d alerts, email %d: want the same full set (at least 5)\n%s", n, len(mails), out)
	}
	// 1 alert tried (with its in-process retries), the rest of the broken
	// target's queue paused, untried.
	if badPosts != 4 {
		t.Errorf("broken target got %d posts, want 4 (one alert, 3 in-process retries)", badPosts)
	}
	total := regexp.MustCompile(fmt.Sprintf(`alerts: %d sent, 1 failed, %d still queued`, 2*n, n))
	if !total.MatchString(out) {
		t.Errorf("summary wrong, want %q in:\n%s", total, out)
	}
	for _, want := range []string{
		fmt.Sprintf("team: %d sent, 0 failed, 0 still queued", n),
		fmt.Sprintf("mail: %d sent, 0 failed, 0 still queued", n),
		fmt.Sprintf("broken: 0 sent, 1 failed, %d still queued; paused until", n),
		"500 Internal Server Error",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	box.mu.Lock()
	mailLast := box.last
	box.mu.Unlock()
	t.Logf("isolation: %d alerts per target; good Slack %d/%d and email %d/%d delivered, last at +%s and +%s; broken target %d posts; scrape --once took %s",
		n, len(goodTexts), n, len(mails), n, goodLast.Sub(start).Round(time.Millisecond), mailLast.Sub(start).Round(time.Millisecond),
		badPosts, elapsed.Round(time.Millisecond))
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestDeadAlertsAreSeen: a target answering 404 kills its alerts. One ops
// alert goes to the other ops target; `scrape --once` exits non-zero while
// any alert is dead; the daemon's status page lists each with its error and
// re-queue command and /metrics has drawwatch_alerts_dead; `outbox retry`
// brings them back.
func TestDeadAlertsAreSeen(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the daemon as a subprocess")
	}
	site := &testSite{}
	site.version.Store(2)
	srv := httptest.NewServer(site)
	defer srv.Close()
	team, broken := &checkedHook{t: t}, &checkedHook{t: t}
	broken.status.Store(http.StatusNotFound) // a deleted webhook: permanent
	teamSrv, brokenSrv := httptest.NewServer(team), httptest.NewServer(broken)
	defer teamSrv.Close()
	defer brokenSrv.Close()
	dir := t.TempDir()
	listen := freeAddr(t)
	cfg := siteConfig(t, dir, srv.URL, teamSrv.URL+"/services/T/B/team", fmt.Sprintf(`
[[slack]]
name = "broken"
webhook_url = "%s/services/T/B/broken"

[[route]]
targets = ["broken"]
kinds = ["draw", "news", "ops"]

[schedule]
cron = "@every 1h"
run_at_start = false
grace = "2s"

[http]
listen = %q
`, brokenSrv.URL, listen))
	writeFile(t, dir, "drawwatch.toml", strings.Replace(readFile(t, cfg), "backlog_days = 0", "backlog_days = 36500", 1))

	code, out, errOut := runCLI(t, "scrape", "--once", "--config", cfg)
	teamTexts, _, _ := team.delivered()
	_, brokenPosts, _ := broken.delivered()
	n := brokenPosts // each alert tried once: 404 is not retried
	if code != exitFailed || n < 5 || !strings.Contains(errOut, fmt.Sprintf("%d alerts are dead", n)) || !strings.Contains(errOut, "drawwatch outbox retry") {
		t.Fatalf("scrape with a dead target: exit %d, %d posts to it\n%s\n%s", code, n, out, errOut)
	}
	var ops []string
	for _, txt := range teamTexts {
		if strings.Contains(txt, "alerts to broken were given up on") {
			ops = append(ops, txt)
		}
	}
	if len(teamTexts) != n+1 || len(ops) != 1 {
		t.Fatalf("team got %d messages, %d of them dead-alert ops alerts; want %d alerts and exactly 1 ops alert:\n%s",
			len(teamTexts), len(ops), n, strings.Join(teamTexts, "\n"))
	}
	if strings.Contains(errOut, "will retry") || strings.Contains(errOut, "retryable") {
		t.Errorf("dead alert errors say they will be retried:\n%s", errOut)
	}

	if code, out, _ := runCLI(t, "outbox", "--config", cfg); code != exitOK || !strings.Contains(out, fmt.Sprintf("%d dead alerts given up on", n)) ||
		!strings.Contains(out, "drawwatch outbox retry ID") {
		t.Errorf("outbox listing does not say how to re-queue the dead alerts: exit %d\n%s", code, out)
	}

	// Nothing new, but alerts are still dead: still non-zero, no second ops alert.
	code, _, errOut = runCLI(t, "scrape", "--once", "--config", cfg)
	if texts, _, _ := team.delivered(); code != exitFailed || len(texts) != n+1 {
		t.Errorf("second scrape: exit %d, team has %d messages; want %d and still %d\n%s", code, len(texts), exitFailed, n+1, errOut)
	}

	// The daemon shows them: gauge and status page.
	daemon := exec.Command(os.Args[0], "run", "--config", cfg)
	daemon.Env = append(os.Environ(), "DRAWWATCH_TEST_MAIN=1")
	var daemonLog bytes.Buffer
	daemon.Stdout, daemon.Stderr = io.Discard, &daemonLog
	if err := daemon.Start(); err != nil {
		t.Fatal(err)
	}
	defer daemon.Process.Kill()
	var metrics string
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get("http://" + listen + "/metrics"); err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			metrics = string(b)
			break
		}
		if time.Now().After(deadline) {
			daemon.Process.Kill()
			daemon.Wait() // the log is read once the process has stopped writing it
			t.Fatalf("daemon never served /metrics:\n%s", daemonLog.String())
		}
	}
	if want := fmt.Sprintf("drawwatch_alerts_dead %d", n); !strings.Contains(metrics, want) {
		t.Errorf("/metrics lacks %q", want)
	}
	page := httpGet(t, "http://"+listen+"/")
	firstID := regexp.MustCompile(`drawwatch outbox retry (\d+)`).FindStringSubmatch(page)
	if !strings.Contains(page, `id="dead-alerts"`) || firstID == nil || strings.Count(page, "drawwatch outbox retry ") < n ||
		!strings.Contains(page, "404 Not Found") {
		t.Errorf("status page does not list the %d dead alerts with their error and re-queue command", n)
	}
	daemon.Process.Signal(syscall.SIGTERM)
	daemon.Wait()

	// Fixed: one re-queued alert goes out, the rest stay dead (still non-zero);
	// --all brings back the rest and the run succeeds.
	broken.status.Store(0)
	if code, out, _ := runCLI(t, "outbox", "retry", firstID[1], "--config", cfg); code != exitOK || !strings.Contains(out, "re-queued") {
		t.Fatalf("outbox retry %s: exit %d %s", firstID[1], code, out)
	}
	code, _, _ = runCLI(t, "scrape", "--once", "--config", cfg)
	if texts, _, _ := broken.delivered(); code != exitFailed || len(texts) != 1 {
		t.Errorf("after retrying one: exit %d, %d delivered; want %d and 1", code, len(texts), exitFailed)
	}
	if code, out, _ := runCLI(t, "outbox", "retry", "--all", "--config", cfg); code != exitOK || !strings.Contains(out, fmt.Sprintf("%d alerts re-queued", n-1)) {
		t.Errorf("outbox retry --all: exit %d %s", code, out)
	}
	code, out, errOut = runCLI(t, "scrape", "--once", "--config", cfg)
	if texts, _, _ := broken.delivered(); code != exitOK || len(texts) != n {
		t.Errorf("after retry --all: exit %d, %d of %d delivered\n%s\n%s", code, len(texts), n, out, errOut)
	}
	t.Logf("dead alerts: %d alerts to a 404 target died in one scrape --once; 1 ops alert to the other ops target; exit %d while dead; gauge %d; all %d delivered after outbox retry",
		n, exitFailed, n, n)
}
