package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

var exampleEnv = env(map[string]string{
	"SLACK_WEBHOOK_HEALTH": "https://hooks.slack.com/services/T000/B000/SECRETHOOK",
	"SLACK_BOT_TOKEN":      "xoxb-SECRET-TOKEN",
	"SMTP_USER":            "drawwatch",
	"SMTP_PASSWORD":        "hunter2-SECRET",
})

func TestExampleConfigParses(t *testing.T) {
	data, err := os.ReadFile("../config.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Parse(data, exampleEnv)
	if err != nil {
		t.Fatalf("config.example.toml: %v", err)
	}
	if got := len(cfg.Sources); got != 4 {
		t.Errorf("sources = %d, want 4", got)
	}
	if cfg.Slack[0].WebhookURL != "https://hooks.slack.com/services/T000/B000/SECRETHOOK" {
		t.Errorf("webhook_url not expanded from the environment: %q", cfg.Slack[0].WebhookURL)
	}
	if cfg.Fetch.Delay.Duration != 2*time.Second || cfg.Schedule.Grace.Duration != 20*time.Second {
		t.Errorf("durations: delay %v grace %v", cfg.Fetch.Delay, cfg.Schedule.Grace)
	}
	if got := cfg.Targets(); strings.Join(got, ",") != "health-team,tech-team,partners" {
		t.Errorf("targets = %v", got)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		file string
		want []string // substrings of the error
	}{
		{name: "unknown key names key and line", file: "unknown-key.toml", want: []string{`"fetch.retrys"`, "line 6"}},
		{name: "unknown key in array table", file: "unknown-table-key.toml", want: []string{`"route.stream"`, "line 7"}},
		{name: "syntax error has line", doc: "[store]\npath = \n", want: []string{"line 2"}},
		{name: "bad duration", doc: "[fetch]\ndelay = \"soon\"\n", want: []string{"soon", "duration"}},
		{name: "bad cron", doc: "[schedule]\ncron = \"61 * * * *\"\n", want: []string{"schedule.cron"}},
		{name: "cron with zone only does not panic", doc: "[schedule]\ncron = \"CRON_TZ=America/Toronto\"\n", want: []string{"schedule.cron"}},
		{name: "bad source kind", doc: "[[source]]\nkind = \"rss\"\nurl = \"https://x/\"\n", want: []string{"source[0].kind", "rss"}},
		{name: "bad source url", doc: "[[source]]\nkind = \"oinp-noi\"\nurl = \"ftp://x/\"\n", want: []string{"source[0].url"}},
		{name: "route to unknown target", doc: "[[slack]]\nname = \"a\"\nwebhook_url = \"https://h/x\"\n[[route]]\ntargets = [\"b\"]\n", want: []string{"route[0].targets", `"b"`}},
		{name: "unknown stream", doc: "[[slack]]\nname = \"a\"\nwebhook_url = \"https://h/x\"\n[[route]]\ntargets = [\"a\"]\nstreams = [\"express\"]\n", want: []string{"route[0].streams", "express"}},
		{name: "bad noc", doc: "[[slack]]\nname = \"a\"\nwebhook_url = \"https://h/x\"\n[[route]]\ntargets = [\"a\"]\nnocs = [\"nurse\"]\n", want: []string{"route[0].nocs"}},
		{name: "slack needs channel with token", doc: "[[slack]]\nname = \"a\"\ntoken = \"xoxb\"\n[[route]]\ntargets = [\"a\"]\n", want: []string{"slack[0].channel"}},
		{name: "email address", doc: "[[email]]\nname = \"m\"\nsmtp = \"localhost:25\"\nfrom = \"not an address\"\nto = [\"a@b.c\"]\n[[route]]\ntargets = [\"m\"]\n", want: []string{"email[0].from"}},
		{name: "missing env var names key and var", doc: "[[slack]]\nname = \"a\"\nwebhook_url = \"${NOPE_HOOK}\"\n[[route]]\ntargets = [\"a\"]\n", want: []string{"slack[0].webhook_url", "NOPE_HOOK"}},
		{name: "targets without routes", doc: "[[slack]]\nname = \"a\"\nwebhook_url = \"https://h/x\"\n", want: []string{"no [[route]]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.doc)
			if tt.file != "" {
				var err error
				if data, err = os.ReadFile(filepath.Join("testdata", tt.file)); err != nil {
					t.Fatal(err)
				}
			}
			_, err := Parse(data, env(nil))
			if err == nil {
				t.Fatal("want an error, got none")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestSecretsNeverInErrorsOrMaskedOutput(t *testing.T) {
	doc := "[[slack]]\nname = \"a\"\nwebhook_url = \"${HOOK}\"\n[[route]]\ntargets = [\"a\"]\nkinds = [\"bogus\"]\n"
	_, err := Parse([]byte(doc), env(map[string]string{"HOOK": "https://hooks.slack.com/SECRET"}))
	if err == nil || strings.Contains(err.Error(), "SECRET") {
		t.Fatalf("want an error without the secret, got %v", err)
	}

	data, _ := os.ReadFile("../config.example.toml")
	cfg, err := Parse(data, exampleEnv)
	if err != nil {
		t.Fatal(err)
	}
	out, err := cfg.Masked()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "SECRET") || strings.Contains(out, "hunter2") {
		t.Errorf("masked config leaks a secret:\n%s", out)
	}
	if !strings.Contains(out, mask) || !strings.Contains(out, "partners@example.com") {
		t.Errorf("masked config lost its content:\n%s", out)
	}
}

func TestLoadReadsSecretFilesAndResolvesPaths(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "pw"), []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	doc := `[store]
path = "state/dw.db"
[[email]]
name = "m"
smtp = "localhost:2525"
from = "a@b.c"
to = ["x@y.z"]
username = "u"
password_file = "pw"
[[route]]
targets = ["m"]
`
	path := filepath.Join(dir, "drawwatch.toml")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Email[0].Password != "s3cret" {
		t.Errorf("password_file not read: %q", cfg.Email[0].Password)
	}
	if cfg.Store.Path != filepath.Join(dir, "state", "dw.db") {
		t.Errorf("store.path = %q, want it relative to the config file", cfg.Store.Path)
	}

	os.Remove(filepath.Join(dir, "pw"))
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "email[0].password_file") {
		t.Errorf("missing secret file: got %v", err)
	}
}

func TestLoadWithoutFileUsesDefaults(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("DRAWWATCH_CONFIG", "")
	cfg, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Sources) != 4 || cfg.Sources[3].Kind != SourceEERounds || cfg.Store.Path != "drawwatch.db" || cfg.Store.BacklogDays != 7 {
		t.Errorf("defaults: %+v", cfg)
	}
	if _, err := Load("does-not-exist.toml"); err == nil {
		t.Error("an explicit missing config file must be an error")
	}
}

func TestSourceURLs(t *testing.T) {
	src := Source{URL: DefaultUpdatesURL}
	tests := []struct {
		now  time.Time
		want []string
	}{
		{time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), []string{"2026"}},
		{time.Date(2027, 1, 3, 0, 0, 0, 0, time.UTC), []string{"2027", "2026"}},
	}
	for _, tt := range tests {
		got := src.URLs(tt.now)
		if len(got) != len(tt.want) {
			t.Fatalf("%v: %v", tt.now, got)
		}
		for i, y := range tt.want {
			if !strings.Contains(got[i], "/"+y+"-ontario") {
				t.Errorf("%v: url %d = %s, want year %s", tt.now, i, got[i], y)
			}
		}
	}
	if got := (Source{URL: DefaultNOIURL}).URLs(time.Now()); len(got) != 1 || got[0] != DefaultNOIURL {
		t.Errorf("static url: %v", got)
	}
}

func TestParseCronAcceptsDocumentedForms(t *testing.T) {
	for _, spec := range []string{DefaultCron, "@every 30s", "*/5 * * * * *", "0 9 * * 1-5"} {
		if _, err := ParseCron(spec); err != nil {
			t.Errorf("%q: %v", spec, err)
		}
	}
}

func TestBacklogDaysZeroIsKept(t *testing.T) {
	cfg, err := Parse([]byte("[store]\nbacklog_days = 0\n"), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Store.BacklogDays != 0 {
		t.Errorf("backlog_days = %d, want the explicit 0", cfg.Store.BacklogDays)
	}
	if cfg, _ := Parse(nil, env(nil)); cfg.Store.BacklogDays != 7 {
		t.Errorf("default backlog_days = %d, want 7", cfg.Store.BacklogDays)
	}
}

// TestZeroIsHonoured: a key set to zero keeps zero; only an absent key takes
// the default. Both cases of every zero-able key are checked.
func TestZeroIsHonoured(t *testing.T) {
	tests := []struct {
		key, doc string
		got      func(*Config) any
		zero     any
		def      any
	}{
		{"schedule.jitter", "[schedule]\njitter = \"0s\"\n", func(c *Config) any { return c.Schedule.Jitter.Duration }, time.Duration(0), 5 * time.Second},
		{"schedule.grace", "[schedule]\ngrace = \"0s\"\n", func(c *Config) any { return c.Schedule.Grace.Duration }, time.Duration(0), 20 * time.Second},
		{"fetch.retries", "[fetch]\nretries = 0\n", func(c *Config) any { return c.Fetch.Retries }, 0, 3},
		{"fetch.delay", "[fetch]\ndelay = \"0s\"\n", func(c *Config) any { return c.Fetch.Delay.Duration }, time.Duration(0), 2 * time.Second},
		{"http.ready_max_age", "[http]\nready_max_age = \"0s\"\n", func(c *Config) any { return c.HTTP.ReadyMaxAge.Duration }, time.Duration(0), 6 * time.Hour},
		{"health.min_announcement_ratio", "[health]\nmin_announcement_ratio = 0.0\n", func(c *Config) any { return c.Health.MinAnnouncementRate }, 0.0, 0.5},
		{"delivery.max_attempts", "[delivery]\nmax_attempts = 0\n", func(c *Config) any { return c.Delivery.MaxAttempts }, 0, 12},
		{"delivery.wait", "[delivery]\nwait = \"0s\"\n", func(c *Config) any { return c.Delivery.Wait.Duration }, time.Duration(0), 30 * time.Second},
		{"delivery.max_per_change", "[delivery]\nmax_per_change = 0\n", func(c *Config) any { return c.Delivery.MaxPerChange }, 0, 50},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			cfg, err := Parse([]byte(tt.doc), env(nil))
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.got(cfg); got != tt.zero {
				t.Errorf("%s set to zero: got %v, want %v", tt.key, got, tt.zero)
			}
			// The same table without the key takes the default.
			table := tt.doc[:strings.Index(tt.doc, "\n")+1]
			cfg, err = Parse([]byte(table), env(nil))
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.got(cfg); got != tt.def {
				t.Errorf("%s absent: got %v, want default %v", tt.key, got, tt.def)
			}
		})
	}
}

// TestZeroWhereZeroCannotWork: zero for a key that needs a positive value is
// an error naming the key, not a silent default.
func TestZeroWhereZeroCannotWork(t *testing.T) {
	for _, tt := range []struct{ doc, key string }{
		{"[fetch]\ntimeout = \"0s\"\n", "fetch.timeout"},
		{"[fetch]\nmax_body_bytes = 0\n", "fetch.max_body_bytes"},
		{"[fetch]\nretry_base = \"0s\"\n", "fetch.retry_base"},
		{"[health]\nfailures_before_alert = 0\n", "health.failures_before_alert"},
		{"[schedule]\njitter = \"-1s\"\n", "schedule.jitter"},
	} {
		_, err := Parse([]byte(tt.doc), env(nil))
		if err == nil || !strings.Contains(err.Error(), tt.key) {
			t.Errorf("%q: error %v, want one naming %s", tt.doc, err, tt.key)
		}
	}
}

func TestHTTPBindAddrDefaultsToLoopback(t *testing.T) {
	for listen, want := range map[string]struct {
		addr     string
		loopback bool
	}{
		":9180":          {"127.0.0.1:9180", true},
		"127.0.0.1:9180": {"127.0.0.1:9180", true},
		"localhost:9180": {"localhost:9180", true},
		"[::1]:9180":     {"[::1]:9180", true},
		"0.0.0.0:9180":   {"0.0.0.0:9180", false},
		"10.0.0.5:9180":  {"10.0.0.5:9180", false},
		"":               {"", false},
	} {
		h := HTTP{Listen: listen}
		if got := h.BindAddr(); got != want.addr || h.Loopback() != want.loopback {
			t.Errorf("listen %q: bind %q loopback %v, want %q %v", listen, got, h.Loopback(), want.addr, want.loopback)
		}
	}
}

func TestHTTPTokenFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("token", "0123456789abcdef0123\n")
	write("short", "abc\n")
	cfg, err := Load(write("ok.toml", "[http]\nlisten = \":9180\"\ntoken_file = \"token\"\n"))
	if err != nil || cfg.HTTP.Token != "0123456789abcdef0123" {
		t.Fatalf("token %q, err %v", cfg.HTTP.Token, err)
	}
	_, err = Load(write("short.toml", "[http]\ntoken_file = \"short\"\n"))
	if err == nil || !strings.Contains(err.Error(), "http.token_file") || strings.Contains(err.Error(), "abc") {
		t.Errorf("short token: %v", err)
	}
}
