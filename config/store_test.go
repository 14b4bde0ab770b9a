package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The PostgreSQL URL takes its password from the environment or a file;
// neither appears in errors or in `config check` output.
func TestStoreURLPasswordNeverShown(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "pgpass")
	if err := os.WriteFile(pw, []byte("file-SECRET\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, doc, wantPassword string
	}{
		{"password from the environment", "[store]\nurl = \"postgres://dw:${PGPW}@db.example:5432/drawwatch?sslmode=verify-full\"\n", ""},
		{"password from a file", "[store]\nurl = \"postgres://dw@db.example:5432/drawwatch\"\npassword_file = \"" + pw + "\"\n", "file-SECRET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("PGPW", "env-SECRET")
			file := filepath.Join(dir, "drawwatch.toml")
			if err := os.WriteFile(file, []byte(tt.doc), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg, err := Load(file)
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantPassword != "" && cfg.Store.Password != tt.wantPassword {
				t.Errorf("password = %q, want it read from password_file", cfg.Store.Password)
			}
			if tt.wantPassword == "" && !strings.Contains(cfg.Store.URL, "env-SECRET") {
				t.Errorf("url = %q, want ${PGPW} expanded", cfg.Store.URL)
			}
			out, err := cfg.Masked()
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(out, "SECRET") || !strings.Contains(out, "db.example") {
				t.Errorf("masked config shows the password or lost the host:\n%s", out)
			}
		})
	}
	for _, doc := range []string{"[store]\nurl = \"mysql://x\"\n", "[store]\npassword_file = \"" + pw + "\"\n"} {
		if _, err := Parse([]byte(doc), env(nil)); err == nil || !strings.Contains(err.Error(), "store.") || strings.Contains(err.Error(), "SECRET") {
			t.Errorf("%q: error %v, want one naming the store key", doc, err)
		}
	}
}
