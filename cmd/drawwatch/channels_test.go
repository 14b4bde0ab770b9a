package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/drawwatch/drawwatch/notify"
)

// channelHook records what each new target kind receives.
type channelHook struct {
	mu    sync.Mutex
	paths []string
	body  map[string]string
}

func (h *channelHook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	h.paths = append(h.paths, r.URL.Path)
	if h.body == nil {
		h.body = map[string]string{}
	}
	h.body[r.URL.Path] = string(b)
	h.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case strings.Contains(r.URL.Path, "/sendMessage"):
		io.WriteString(w, `{"ok":true,"result":{"message_id":77}}`)
	case strings.HasPrefix(r.URL.Path, "/discord"):
		io.WriteString(w, `{"id":"1200"}`)
	case strings.HasPrefix(r.URL.Path, "/teams"):
		w.WriteHeader(http.StatusAccepted)
	default:
		io.WriteString(w, `{}`)
	}
}

// TestNotifyTestReachesChannelTargets: `notify test` sends to every new
// target kind, and `config check` masks their secrets.
func TestNotifyTestReachesChannelTargets(t *testing.T) {
	hook := &channelHook{}
	srv := httptest.NewServer(hook)
	defer srv.Close()
	dir := t.TempDir()
	writeFile(t, dir, "crm.secret", "whsec-SECRET-0123456789abcdef")
	writeFile(t, dir, "tg.token", "123:SECRET-TG")
	cfg := writeFile(t, dir, "drawwatch.toml", fmt.Sprintf(`
[store]
path = "dw.db"
[[webhook]]
name = "crm"
url = "%[1]s/hooks/SECRET-CRM"
secret_file = "crm.secret"
[[teams]]
name = "office"
webhook_url = "%[1]s/teams/SECRET-TEAMS"
[[telegram]]
name = "tg"
token_file = "tg.token"
chat_id = "-1001234567890"
api_url = "%[1]s"
[[discord]]
name = "disc"
webhook_url = "%[1]s/discord/1/SECRET-DISCORD"
[[route]]
targets = ["crm", "office", "tg", "disc"]
`, srv.URL))
	code, out, errOut := runCLI(t, "notify", "test", "--config", cfg)
	if code != exitOK || !strings.Contains(out, "crm") {
		t.Fatalf("notify test: exit %d\n%s\n%s", code, out, errOut)
	}
	if got := hook.body["/hooks/SECRET-CRM"]; !strings.Contains(got, `"event":"test"`) {
		t.Errorf("webhook got %q", got)
	}
	if got := hook.body["/teams/SECRET-TEAMS"]; !strings.Contains(got, `"AdaptiveCard"`) || !strings.Contains(got, "test message") {
		t.Errorf("teams got %q", got)
	}
	if got := hook.body["/bot123:SECRET-TG/sendMessage"]; !strings.Contains(got, `"parse_mode":"HTML"`) || !strings.Contains(got, "test message") {
		t.Errorf("telegram got %q", got)
	}
	if got := hook.body["/discord/1/SECRET-DISCORD"]; !strings.Contains(got, `"allowed_mentions":{"parse":[]}`) || !strings.Contains(got, "test message") {
		t.Errorf("discord got %q", got)
	}
	for _, name := range []string{"crm", "office", "tg", "disc"} {
		if !strings.Contains(out, name+" ") {
			t.Errorf("notify test does not report %s:\n%s", name, out)
		}
	}
	code, out, _ = runCLI(t, "config", "check", "--config", cfg)
	if code != exitOK || strings.Contains(out, "SECRET") || !strings.Contains(out, "[[webhook]]") {
		t.Errorf("config check: exit %d\n%s", code, out)
	}
}

// TestConfigCheckWarnsOfRetiredTeamsConnector: an Office 365 connector URL
// still validates, and `config check` says it is being retired.
func TestConfigCheckWarnsOfRetiredTeamsConnector(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "drawwatch.toml", `
[[teams]]
name = "office"
webhook_url = "https://contoso.webhook.office.com/webhookb2/SECRET@x/IncomingWebhook/abc/def"
[[route]]
targets = ["office"]
`)
	code, out, errOut := runCLI(t, "config", "check", "--config", cfg)
	if code != exitOK || !strings.Contains(out, "# warning: teams[0].webhook_url (office)") || !strings.Contains(out, "Workflows") || strings.Contains(out, "SECRET") {
		t.Errorf("config check: exit %d\n%s\n%s", code, out, errOut)
	}
}

// signedHook is a webhook receiver that verifies every request's
// signature, fails the first one with 503, and keeps what it accepted.
type signedHook struct {
	secret   string
	mu       sync.Mutex
	attempts []string // Idempotency-Key per request, in order
	accepted []notify.WebhookPayload
	bad      int
}

func (h *signedHook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	ts := r.Header.Get(notify.HeaderTimestamp)
	if notify.SignWebhook([]byte(h.secret), ts, body) != r.Header.Get(notify.HeaderSignature) {
		h.bad++
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	h.attempts = append(h.attempts, r.Header.Get(notify.HeaderIdempotency))
	if len(h.attempts) == 1 {
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	var p notify.WebhookPayload
	if err := json.Unmarshal(body, &p); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.accepted = append(h.accepted, p)
	w.WriteHeader(http.StatusNoContent)
}

// TestScrapeOnceDeliversSignedWebhook: a new draw found by `scrape --once`
// reaches a [[webhook]] route through the outbox, signed; the 503 on the
// first attempt is retried with the same Idempotency-Key.
func TestScrapeOnceDeliversSignedWebhook(t *testing.T) {
	site := &testSite{}
	site.version.Store(1)
	srv := httptest.NewServer(site)
	defer srv.Close()
	slack := httptest.NewServer(&slackHook{})
	defer slack.Close()
	hook := &signedHook{secret: "whsec-0123456789abcdef"}
	hookSrv := httptest.NewServer(hook)
	defer hookSrv.Close()
	dir := t.TempDir()
	writeFile(t, dir, "crm.secret", hook.secret)
	cfg := siteConfig(t, dir, srv.URL, slack.URL+"/services/T/B/x", fmt.Sprintf(`
[[webhook]]
name = "crm"
url = "%s/hook"
secret_file = "crm.secret"

[[route]]
targets = ["crm"]
kinds = ["draw"]
`, hookSrv.URL))
	if code, out, errOut := runCLI(t, "scrape", "--once", "--config", cfg); code != exitOK {
		t.Fatalf("first scrape: exit %d\n%s\n%s", code, out, errOut)
	}
	site.version.Store(2)
	for range 3 {
		runCLI(t, "scrape", "--once", "--config", cfg)
		hook.mu.Lock()
		n := len(hook.accepted)
		hook.mu.Unlock()
		if n > 0 {
			break
		}
	}
	hook.mu.Lock()
	defer hook.mu.Unlock()
	if hook.bad != 0 || len(hook.accepted) == 0 || len(hook.attempts) < 2 {
		t.Fatalf("bad signatures %d, accepted %d, attempts %v", hook.bad, len(hook.accepted), hook.attempts)
	}
	if hook.attempts[0] != hook.attempts[1] || hook.accepted[0].ID != hook.attempts[0] {
		t.Errorf("the retry changed the idempotency key: %v, body id %s", hook.attempts, hook.accepted[0].ID)
	}
	p := hook.accepted[0]
	if p.Version != 1 || (p.Event != "new" && p.Event != "changed") || len(p.Draws) == 0 || p.Target != "crm" {
		t.Errorf("payload: version %d event %s draws %d target %s", p.Version, p.Event, len(p.Draws), p.Target)
	}
}
