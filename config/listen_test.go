package config

import (
	"strings"
	"testing"
)

func TestListenAddressIsCheckedAtConfigTime(t *testing.T) {
	for _, tt := range []struct {
		listen string
		want   string // "" = valid
	}{
		{"", ""},
		{":9180", ""},
		{"127.0.0.1:9180", ""},
		{"0.0.0.0:9180", ""},
		{"[::1]:9180", ""},
		{"localhost:9180", ""},
		{"9180", `"9180" is not HOST:PORT`},
		{"localhost", "is not HOST:PORT"},
		{"127.0.0.1:http-alt", "port"},
		{":70000", "port"},
		{"my host:9180", "host"},
	} {
		t.Run(tt.listen, func(t *testing.T) {
			_, err := Parse([]byte("[http]\nlisten = \""+tt.listen+"\"\n"), func(string) string { return "" })
			if tt.want == "" {
				if err != nil {
					t.Errorf("listen %q rejected: %v", tt.listen, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "http.listen") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("listen %q: err %v, want one naming http.listen and %q", tt.listen, err, tt.want)
			}
		})
	}
}
