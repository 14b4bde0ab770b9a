package main

import (
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A dry run creates no database file, sends nothing, and shows the
// messages a real pass would send, rendered as the targets get them.
func TestDryRunWritesNothingAndRendersMessages(t *testing.T) {
	site := &testSite{}
	site.version.Store(1)
	srv := httptest.NewServer(site)
	defer srv.Close()
	hook := &slackHook{}
	hookSrv := httptest.NewServer(hook)
	defer hookSrv.Close()
	dir := t.TempDir()
	cfg := siteConfig(t, dir, srv.URL, hookSrv.URL+"/hook", "")
	db := filepath.Join(dir, "drawwatch.db")

	code, out, errOut := runCLI(t, "scrape", "--once", "--dry-run", "--config", cfg)
	if code != exitOK || !strings.Contains(out, "first pass of a new store") || !strings.Contains(out, "no message would be sent") {
		t.Fatalf("dry run on a new store: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if _, err := os.Stat(db + suffix); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("dry run created %s", db+suffix)
		}
	}

	runCLI(t, "scrape", "--once", "--config", cfg)
	site.version.Store(2)
	code, out, errOut = runCLI(t, "scrape", "--once", "--dry-run", "--config", cfg)
	if code != exitOK {
		t.Fatalf("dry run: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"2 messages would be sent", "to team:", "32102", "21231", "would alert: team"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	if n := len(hook.posts()); n != 0 {
		t.Errorf("dry run sent %d messages", n)
	}
	if code, out, _ := runCLI(t, "scrape", "--once", "--config", cfg); code != exitOK || len(hook.posts()) != 2 {
		t.Errorf("the real pass after a dry run sent %d messages, want 2 (exit %d)\n%s", len(hook.posts()), code, out)
	}
}

// The first pass of a new store says it recorded history without alerting;
// the summary is printed once, not repeated as info logs on stderr.
func TestFirstPassSaysItRecordedHistoryAndPrintsItsSummaryOnce(t *testing.T) {
	site := &testSite{}
	site.version.Store(1)
	srv := httptest.NewServer(site)
	defer srv.Close()
	hookSrv := httptest.NewServer(&slackHook{})
	defer hookSrv.Close()
	dir := t.TempDir()
	cfg := siteConfig(t, dir, srv.URL, hookSrv.URL+"/hook", "")
	b, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, []byte(strings.Replace(string(b), `level = "warn"`, `level = "info"`, 1)), 0o600)

	code, out, errOut := runCLI(t, "scrape", "--once", "--config", cfg)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "first pass of a new store:") || !strings.Contains(out, "recorded as history, none of them alerted") {
		t.Errorf("first pass does not say it recorded history silently:\n%s", out)
	}
	if n := strings.Count(out, "SOURCE "); n != 1 {
		t.Errorf("summary table printed %d times", n)
	}
	if errOut != "" {
		t.Errorf("stderr repeats the summary at log level info:\n%s", errOut)
	}
	site.version.Store(2)
	if _, out, _ := runCLI(t, "scrape", "--once", "--config", cfg); strings.Contains(out, "first pass") {
		t.Errorf("a later pass claims to be the first:\n%s", out)
	}
}
