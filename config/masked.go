package config

import (
	"bytes"
	"fmt"

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
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(cp); err != nil {
		return "", fmt.Errorf("render config: %w", err)
	}
	return buf.String(), nil
}

func maskValue(s *string) {
	if *s != "" {
		*s = mask
	}
}
