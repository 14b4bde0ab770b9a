package config

import (
	"fmt"
	"net/url"
	"strings"
)

// Webhook is one generic webhook target: signed JSON posts to url.
type Webhook struct {
	Name    string `toml:"name"`
	URL     string `toml:"url"`
	URLFile string `toml:"url_file"`
	// Secret signs every request (HMAC-SHA256); from secret_file or ${VAR}.
	Secret     string `toml:"secret"`
	SecretFile string `toml:"secret_file"`
}

// Teams is one Microsoft Teams target: a Workflows webhook URL.
type Teams struct {
	Name           string `toml:"name"`
	WebhookURL     string `toml:"webhook_url"`
	WebhookURLFile string `toml:"webhook_url_file"`
}

// Telegram is one Telegram chat posted to by a bot.
type Telegram struct {
	Name      string `toml:"name"`
	Token     string `toml:"token"`
	TokenFile string `toml:"token_file"`
	ChatID    string `toml:"chat_id"`
	APIURL    string `toml:"api_url"` // default https://api.telegram.org
}

// Discord is one Discord channel webhook.
type Discord struct {
	Name           string `toml:"name"`
	WebhookURL     string `toml:"webhook_url"`
	WebhookURLFile string `toml:"webhook_url_file"`
}

// channelStringFields lists the new targets' string values for env
// expansion (see stringFields).
func (c *Config) channelStringFields() []stringField {
	var f []stringField
	add := func(key string, p *string) { f = append(f, stringField{key, p}) }
	for i := range c.Webhook {
		w, p := &c.Webhook[i], fmt.Sprintf("webhook[%d].", i)
		add(p+"name", &w.Name)
		add(p+"url", &w.URL)
		add(p+"url_file", &w.URLFile)
		add(p+"secret", &w.Secret)
		add(p+"secret_file", &w.SecretFile)
	}
	for i := range c.Teams {
		t, p := &c.Teams[i], fmt.Sprintf("teams[%d].", i)
		add(p+"name", &t.Name)
		add(p+"webhook_url", &t.WebhookURL)
		add(p+"webhook_url_file", &t.WebhookURLFile)
	}
	for i := range c.Telegram {
		t, p := &c.Telegram[i], fmt.Sprintf("telegram[%d].", i)
		add(p+"name", &t.Name)
		add(p+"token", &t.Token)
		add(p+"token_file", &t.TokenFile)
		add(p+"chat_id", &t.ChatID)
		add(p+"api_url", &t.APIURL)
	}
	for i := range c.Discord {
		d, p := &c.Discord[i], fmt.Sprintf("discord[%d].", i)
		add(p+"name", &d.Name)
		add(p+"webhook_url", &d.WebhookURL)
		add(p+"webhook_url_file", &d.WebhookURLFile)
	}
	return f
}

// channelFilePaths lists the new targets' *_file paths, for resolving them
// relative to the config file.
func (c *Config) channelFilePaths() []*string {
	var ps []*string
	for i := range c.Webhook {
		ps = append(ps, &c.Webhook[i].URLFile, &c.Webhook[i].SecretFile)
	}
	for i := range c.Teams {
		ps = append(ps, &c.Teams[i].WebhookURLFile)
	}
	for i := range c.Telegram {
		ps = append(ps, &c.Telegram[i].TokenFile)
	}
	for i := range c.Discord {
		ps = append(ps, &c.Discord[i].WebhookURLFile)
	}
	return ps
}

// readChannelSecrets reads the new targets' secret files with read (see
// readSecretFiles).
func (c *Config) readChannelSecrets(read func(key, path string, dst *string) error) error {
	type secretFile struct {
		key, path string
		dst       *string
	}
	var files []secretFile
	for i := range c.Webhook {
		w := &c.Webhook[i]
		files = append(files, secretFile{fmt.Sprintf("webhook[%d].url_file", i), w.URLFile, &w.URL},
			secretFile{fmt.Sprintf("webhook[%d].secret_file", i), w.SecretFile, &w.Secret})
	}
	for i := range c.Teams {
		files = append(files, secretFile{fmt.Sprintf("teams[%d].webhook_url_file", i), c.Teams[i].WebhookURLFile, &c.Teams[i].WebhookURL})
	}
	for i := range c.Telegram {
		files = append(files, secretFile{fmt.Sprintf("telegram[%d].token_file", i), c.Telegram[i].TokenFile, &c.Telegram[i].Token})
	}
	for i := range c.Discord {
		files = append(files, secretFile{fmt.Sprintf("discord[%d].webhook_url_file", i), c.Discord[i].WebhookURLFile, &c.Discord[i].WebhookURL})
	}
	for _, f := range files {
		if err := read(f.key, f.path, f.dst); err != nil {
			return err
		}
	}
	for i, w := range c.Webhook {
		if w.SecretFile != "" && len(w.Secret) < 16 {
			return fmt.Errorf("webhook[%d].secret_file: the secret must be at least 16 characters (e.g. `openssl rand -hex 32`)", i)
		}
	}
	return nil
}

// validateChannels checks the [[webhook]], [[teams]], [[telegram]] and
// [[discord]] sections; addTarget registers each name for routes. Values
// of secret keys are never quoted.
func (c *Config) validateChannels(addTarget func(key, name string), bad func(format string, a ...any)) {
	oneOf := func(key, what string, value, file string) bool {
		switch {
		case value != "" && file != "":
			bad("%s: set %s or %s_file, not both", key, what, what)
		case value == "" && file == "":
			bad("%s.%s: required (or %s_file)", key, what, what)
		default:
			return value != ""
		}
		return false
	}
	for i, w := range c.Webhook {
		key := fmt.Sprintf("webhook[%d]", i)
		addTarget(key, w.Name)
		if oneOf(key, "url", w.URL, w.URLFile) {
			checkSecretURL(bad, key+".url", w.URL)
		}
		if oneOf(key, "secret", w.Secret, w.SecretFile) && len(w.Secret) < 16 {
			bad("%s.secret: must be at least 16 characters (e.g. `openssl rand -hex 32`)", key)
		}
	}
	for i, t := range c.Teams {
		key := fmt.Sprintf("teams[%d]", i)
		addTarget(key, t.Name)
		if oneOf(key, "webhook_url", t.WebhookURL, t.WebhookURLFile) {
			checkSecretURL(bad, key+".webhook_url", t.WebhookURL)
		}
	}
	for i, t := range c.Telegram {
		key := fmt.Sprintf("telegram[%d]", i)
		addTarget(key, t.Name)
		oneOf(key, "token", t.Token, t.TokenFile)
		if t.ChatID == "" {
			bad("%s.chat_id: required (a numeric chat id, or @channelname)", key)
		}
		if t.APIURL != "" {
			if u, err := url.Parse(t.APIURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				bad("%s.api_url: %q is not an http(s) URL", key, t.APIURL)
			}
		}
	}
	for i, d := range c.Discord {
		key := fmt.Sprintf("discord[%d]", i)
		addTarget(key, d.Name)
		if oneOf(key, "webhook_url", d.WebhookURL, d.WebhookURLFile) {
			checkSecretURL(bad, key+".webhook_url", d.WebhookURL)
		}
	}
}

func checkSecretURL(bad func(format string, a ...any), key, raw string) {
	if u, err := url.Parse(raw); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		bad("%s: not an http(s) URL (value hidden)", key)
	}
}

// IsRetiredTeamsConnector reports whether a Teams URL is an Office 365
// connector incoming webhook (*.webhook.office.com/webhookb2/...), which
// Microsoft is retiring in favour of Workflows webhooks.
func IsRetiredTeamsConnector(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	return (host == "webhook.office.com" || strings.HasSuffix(host, ".webhook.office.com")) &&
		strings.HasPrefix(u.Path, "/webhookb2/")
}

// Warnings lists what works today but needs the user's attention, for
// `config check`. Secrets are never quoted.
func (c *Config) Warnings() []string {
	var ws []string
	for i, t := range c.Teams {
		if IsRetiredTeamsConnector(t.WebhookURL) {
			ws = append(ws, fmt.Sprintf("teams[%d].webhook_url (%s): this is an Office 365 connector webhook, which Microsoft is retiring; "+
				"create a Workflows webhook (\"Post to a channel when a webhook request is received\") and use its URL instead", i, t.Name))
		}
	}
	return ws
}

// channelTargets lists the new targets' names.
func (c *Config) channelTargets() []string {
	var names []string
	for _, w := range c.Webhook {
		names = append(names, w.Name)
	}
	for _, t := range c.Teams {
		names = append(names, t.Name)
	}
	for _, t := range c.Telegram {
		names = append(names, t.Name)
	}
	for _, d := range c.Discord {
		names = append(names, d.Name)
	}
	return names
}

// maskChannels hides the new targets' secrets in cp (a copy), for Masked.
func (cp *Config) maskChannels(c *Config) {
	cp.Webhook = append([]Webhook(nil), c.Webhook...)
	cp.Teams = append([]Teams(nil), c.Teams...)
	cp.Telegram = append([]Telegram(nil), c.Telegram...)
	cp.Discord = append([]Discord(nil), c.Discord...)
	for i := range cp.Webhook {
		maskValue(&cp.Webhook[i].URL)
		maskValue(&cp.Webhook[i].Secret)
	}
	for i := range cp.Teams {
		maskValue(&cp.Teams[i].WebhookURL)
	}
	for i := range cp.Telegram {
		maskValue(&cp.Telegram[i].Token)
	}
	for i := range cp.Discord {
		maskValue(&cp.Discord[i].WebhookURL)
	}
}
