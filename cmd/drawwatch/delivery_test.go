package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
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
