package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const channelsDoc = `
[[webhook]]
name = "crm"
url = "${CRM_HOOK}"
secret_file = "crm.secret"

[[teams]]
name = "office"
webhook_url = "https://contoso.webhook.office.com/webhookb2/SECRET-TEAMS@x/IncomingWebhook/abc/def"

[[telegram]]
name = "tg"
token_file = "tg.token"
chat_id = "-1001234567890"

[[discord]]
name = "disc"
webhook_url_file = "discord.url"

[[route]]
targets = ["crm", "office", "tg", "disc"]
`

// TestChannelTargetsLoad: the four new target kinds load with their secret
// files (relative to the config), route by name, are masked in config
// check, and an Office 365 connector URL gets a retirement warning.
func TestChannelTargetsLoad(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"crm.secret":  "whsec-SECRET-0123456789abcdef\n",
		"tg.token":    "123456:SECRET-TG-TOKEN\n",
		"discord.url": "https://discord.com/api/webhooks/1/SECRET-DISCORD\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "drawwatch.toml")
	if err := os.WriteFile(path, []byte(channelsDoc), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CRM_HOOK", "https://crm.example/hooks/SECRET-CRM")
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(cfg.Targets(), ","); got != "crm,office,tg,disc" {
		t.Errorf("targets %s", got)
	}
	if cfg.Webhook[0].Secret != "whsec-SECRET-0123456789abcdef" || cfg.Telegram[0].Token != "123456:SECRET-TG-TOKEN" ||
		cfg.Discord[0].WebhookURL != "https://discord.com/api/webhooks/1/SECRET-DISCORD" || cfg.Webhook[0].URL != "https://crm.example/hooks/SECRET-CRM" {
		t.Errorf("secrets not read: %+v %+v %+v", cfg.Webhook, cfg.Telegram, cfg.Discord)
	}
	masked, err := cfg.Masked()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(masked, "SECRET") {
		t.Errorf("config check shows a secret:\n%s", masked)
	}
	ws := cfg.Warnings()
	if len(ws) != 1 || !strings.Contains(ws[0], "teams[0].webhook_url") || !strings.Contains(ws[0], "retiring") || strings.Contains(ws[0], "SECRET") {
		t.Errorf("warnings %q", ws)
	}
}

func TestChannelConfigErrors(t *testing.T) {
	tests := []struct {
		name, doc string
		want      []string
	}{
		{"webhook without secret", "[[webhook]]\nname = \"a\"\nurl = \"https://h/x\"\n", []string{"webhook[0].secret: required"}},
		{"webhook short secret", "[[webhook]]\nname = \"a\"\nurl = \"https://h/x\"\nsecret = \"abc\"\n", []string{"webhook[0].secret: must be at least 16"}},
		{"webhook bad url hidden", "[[webhook]]\nname = \"a\"\nurl = \"ftp://SECRET/x\"\nsecret = \"0123456789abcdef\"\n", []string{"webhook[0].url: not an http(s) URL"}},
		{"webhook url and url_file", "[[webhook]]\nname = \"a\"\nurl = \"https://h/x\"\nurl_file = \"f\"\nsecret = \"0123456789abcdef\"\n", []string{"webhook[0]: set url or url_file, not both"}},
		{"teams without url", "[[teams]]\nname = \"t\"\n", []string{"teams[0].webhook_url: required"}},
		{"telegram without chat", "[[telegram]]\nname = \"t\"\ntoken = \"1:SECRET\"\n", []string{"telegram[0].chat_id: required"}},
		{"telegram bad api_url", "[[telegram]]\nname = \"t\"\ntoken = \"1:SECRET\"\nchat_id = \"1\"\napi_url = \"nope\"\n", []string{"telegram[0].api_url"}},
		{"discord without url", "[[discord]]\nname = \"d\"\n", []string{"discord[0].webhook_url: required"}},
		{"duplicate name across kinds", "[[discord]]\nname = \"x\"\nwebhook_url = \"https://h/x\"\n[[teams]]\nname = \"x\"\nwebhook_url = \"https://h/y\"\n", []string{`discord[0].name: "x" is also the name of teams[0]`}},
		{"unknown key", "[[telegram]]\nname = \"t\"\ntoken = \"1:SECRET\"\nchat = \"1\"\n", []string{`"telegram.chat"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.doc+"[[route]]\ntargets = [\"a\"]\n"), env(nil))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "SECRET") {
				t.Errorf("error quotes a secret: %v", err)
			}
		})
	}
}

func TestRetiredTeamsConnector(t *testing.T) {
	for url, want := range map[string]bool{
		"https://contoso.webhook.office.com/webhookb2/abc@def/IncomingWebhook/x/y":                        true,
		"https://outlook.webhook.office.com/webhookb2/abc":                                                true,
		"https://prod-12.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?sig=x":     false,
		"https://default123.environment.api.powerplatform.com/powerautomate/automations/direct/workflows": false,
		"https://evil.example/webhook.office.com/webhookb2/":                                              false,
	} {
		if got := IsRetiredTeamsConnector(url); got != want {
			t.Errorf("%s: %v, want %v", url, got, want)
		}
	}
}
