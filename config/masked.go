package config

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"

	"github.com/BurntSushi/toml"
)

const mask = "********"

// Masked renders the effective configuration as TOML with every secret
// replaced by a mask, for `drawwatch config check`.
func (c *Config) Masked() (string, error) {
	cp := *c
	cp.Slack = append([]Slack(nil), c.Slack...)
	cp.Email = append([]Email(nil), c.Email...)
	for i := range cp.Slack {
		maskValue(&cp.Slack[i].WebhookURL)
		maskValue(&cp.Slack[i].Token)
	}
	for i := range cp.Email {
		maskValue(&cp.Email[i].Password)
	}
	cp.maskChannels(c)
	cp.Store.URL = maskURLPassword(cp.Store.URL)
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(cp); err != nil {
		return "", fmt.Errorf("render config: %w", err)
	}
	return buf.String(), nil
}

// maskURLPassword hides the password of a user:password@host URL.
func maskURLPassword(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if raw != "" {
			return mask // unparsable: it may hold anything
		}
		return raw
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), mask)
		return strings.Replace(u.String(), url.QueryEscape(mask), mask, 1)
	}
	return raw
}

func maskValue(s *string) {
	if *s != "" {
		*s = mask
	}
}
