package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
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
