package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// scrapedStore scrapes the demo pages (version 1, then 2) into a new store
// and returns its config.
func scrapedStore(t *testing.T) (cfg, dbPath string) {
	t.Helper()
	site := &testSite{}
	site.version.Store(1)
	srv := httptest.NewServer(site)
	t.Cleanup(srv.Close)
	hook := httptest.NewServer(&slackHook{})
	t.Cleanup(hook.Close)
	dir := t.TempDir()
	cfg = siteConfig(t, dir, srv.URL, hook.URL+"/hook", "")
	for v := int32(1); v <= 2; v++ {
		site.version.Store(v)
		if code, out, errOut := runCLI(t, "scrape", "--once", "--config", cfg); code != exitOK {
			t.Fatalf("scrape v%d: exit %d\n%s\n%s", v, code, out, errOut)
		}
	}
	return cfg, filepath.Join(dir, "drawwatch.db")
}

func TestReadCommandsNeedAnExistingStore(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "drawwatch-typo.db")
	cfg := writeFile(t, dir, "c.toml", fmt.Sprintf("[store]\npath = %q\n", missing))
	for _, args := range [][]string{{"draws"}, {"draws", "--json"}, {"history", "march12-0"}, {"outbox"}} {
		code, out, errOut := runCLI(t, append(args, "--config", cfg)...)
		if code != exitFailed || !strings.Contains(errOut, missing) || strings.Contains(out, "0 rows") {
			t.Errorf("%v on a missing store: exit %d\nstdout %q\nstderr %q", args, code, out, errOut)
		}
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a read command created %s", missing)
	}
}

func TestReadCommandsOnAReadOnlyStore(t *testing.T) {
	cfg, db := scrapedStore(t)
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(db + suffix)
	}
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(db, 0o444); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"draws"}, "march12-0"},
		{[]string{"history", "march12-0"}, "version 2"},
		{[]string{"outbox", "--sent"}, "2 alerts"},
	} {
		code, out, errOut := runCLI(t, append(tt.args, "--config", cfg)...)
		if code != exitOK || !strings.Contains(out, tt.want) {
			t.Errorf("%v on a 0444 store: exit %d\n%s\n%s", tt.args, code, out, errOut)
		}
	}
	if after, _ := os.ReadFile(db); !bytes.Equal(before, after) {
		t.Error("read commands changed the store file")
	}
}

func TestUnknownStreamSlugIsAnError(t *testing.T) {
	cfg, _ := scrapedStore(t)
	code, out, errOut := runCLI(t, "draws", "--stream", "hpc", "--config", cfg)
	if code != exitUsage || !strings.Contains(errOut, `"hpc"`) || !strings.Contains(errOut, "hcp, fssw") || out != "" {
		t.Errorf("--stream hpc: exit %d\nstdout %q\nstderr %q", code, out, errOut)
	}
	if code, out, _ := runCLI(t, "draws", "--stream", "hcp", "--config", cfg); code != exitOK || !strings.Contains(out, "march12-0") {
		t.Errorf("--stream hcp: exit %d\n%s", code, out)
	}
}

// The draws table has the ID that history takes, and change lines and
// history say what changed in words, not the internal field key.
func TestDrawIDsAndChangesInWords(t *testing.T) {
	site := &testSite{}
	site.version.Store(1)
	srv := httptest.NewServer(site)
	defer srv.Close()
	hook := httptest.NewServer(&slackHook{})
	defer hook.Close()
	cfg := siteConfig(t, t.TempDir(), srv.URL, hook.URL+"/hook", "")
	runCLI(t, "scrape", "--once", "--config", cfg)
	site.version.Store(2)
	_, out, _ := runCLI(t, "scrape", "--once", "--config", cfg)
	want := "Health occupations — NOC codes: added 32102"
	if !strings.Contains(out, want) || strings.Contains(out, "|hcp|") {
		t.Errorf("scrape's change lines are not in words (want %q):\n%s", want, out)
	}

	_, out, _ = runCLI(t, "draws", "--config", cfg)
	lines := strings.Split(out, "\n")
	if !strings.HasPrefix(lines[0], "ID ") {
		t.Errorf("draws table has no leading ID column:\n%s", out)
	}
	var id string
	for _, l := range lines[1:] {
		if strings.Contains(l, "2026-03-12") {
			id = strings.Fields(l)[0]
		}
	}
	code, hist, errOut := runCLI(t, "history", id, "--config", cfg)
	if code != exitOK || !strings.Contains(hist, want) || strings.Contains(hist, "|") {
		t.Errorf("history %q (ID from the draws table): exit %d %s\n%s", id, code, errOut, hist)
	}
}

func TestHealthcheckProbesTheConfiguredListenAddress(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, "ok\n")
	}))
	defer srv.Close()
	port := srv.Listener.Addr().String()[strings.LastIndex(srv.Listener.Addr().String(), ":")+1:]
	dir := t.TempDir()
	for _, listen := range []string{srv.Listener.Addr().String(), "0.0.0.0:" + port, ":" + port} {
		cfg := writeFile(t, dir, "c.toml", fmt.Sprintf("[http]\nlisten = %q\n", listen))
		if code, out, errOut := runCLI(t, "healthcheck", "--config", cfg); code != exitOK || out != "ok\n" {
			t.Errorf("listen %s: exit %d %q %q", listen, code, out, errOut)
		}
	}
	cfg := writeFile(t, dir, "c.toml", "[http]\nlisten = \"\"\n")
	if code, _, errOut := runCLI(t, "healthcheck", "--config", cfg); code != exitUsage || !strings.Contains(errOut, "http.listen") {
		t.Errorf("no listen address: exit %d %q", code, errOut)
	}
}

// The demo refuses a store or config it did not create (the user's real
// ones), and may replace its own.
func TestDemoNeverTouchesFilesItDidNotCreate(t *testing.T) {
	dir := t.TempDir()
	realCfg := writeFile(t, dir, "drawwatch.toml", "[store]\npath = \"drawwatch.db\"\n")
	realDB := writeFile(t, dir, "drawwatch.db", "a real store")
	code, _, errOut := runCLI(t, "demo", "--store", realDB)
	if code == exitOK || !strings.Contains(errOut, realCfg) || !strings.Contains(errOut, "--store") {
		t.Errorf("demo over a real config: exit %d %q", code, errOut)
	}
	os.Remove(realCfg)
	code, _, errOut = runCLI(t, "demo", "--store", realDB)
	if code == exitOK || !strings.Contains(errOut, realDB) {
		t.Errorf("demo over a real store: exit %d %q", code, errOut)
	}
	if b, _ := os.ReadFile(realDB); string(b) != "a real store" {
		t.Error("the demo changed a store it did not create")
	}
	if _, err := os.Stat(realCfg); !errors.Is(err, os.ErrNotExist) {
		t.Error("the demo wrote a config beside a store it did not create")
	}

	own := filepath.Join(dir, "demo.db")
	for i := range 2 {
		if code, out, errOut := runCLI(t, "demo", "--store", own); code != exitOK {
			t.Fatalf("demo run %d into its own files: exit %d\n%s\n%s", i+1, code, out, errOut)
		}
	}
}

// The hints at the end of the demo name the command the user ran (here
// `go run`, which installs no drawwatch binary), and each one works.
func TestDemoHintsWork(t *testing.T) {
	dir := t.TempDir()
	_, out, _ := runCLI(t, "demo", "--store", filepath.Join(dir, "demo.db"))
	hints := 0
	for _, line := range strings.Split(out, "\n") {
		cmd, ok := strings.CutPrefix(line, "  go run ./cmd/drawwatch ")
		if !ok {
			if strings.HasPrefix(line, "  drawwatch ") {
				t.Errorf("hint names an uninstalled binary: %q", line)
			}
			continue
		}
		hints++
		args := strings.Fields(strings.ReplaceAll(cmd, "'", ""))
		if code, out, errOut := runCLI(t, args...); code != exitOK || strings.Contains(out, "0 rows") {
			t.Errorf("hint %q: exit %d\n%s\n%s", line, code, out, errOut)
		}
	}
	if hints < 3 {
		t.Errorf("%d hints in the demo output:\n%s", hints, out)
	}
}

// `config check` rejects a listen address the daemon could not bind, and
// a port that is taken stops the daemon before it fetches anything.
func TestListenAddressCheckedAndBoundBeforeScraping(t *testing.T) {
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.toml", "[http]\nlisten = \"9180\"\n")
	if code, _, errOut := runCLI(t, "config", "check", "--config", bad); code != exitFailed || !strings.Contains(errOut, "http.listen") || !strings.Contains(errOut, `":9180"`) {
		t.Errorf("config check of listen = \"9180\": exit %d %q", code, errOut)
	}

	taken := httptest.NewServer(http.NotFoundHandler())
	defer taken.Close()
	site := &testSite{}
	site.version.Store(1)
	srv := httptest.NewServer(site)
	defer srv.Close()
	cfg := siteConfig(t, dir, srv.URL, "http://127.0.0.1:1/hook", fmt.Sprintf(`
[schedule]
cron = "@every 1s"
run_at_start = true
[http]
listen = %q
`, taken.Listener.Addr().String()))
	code, _, errOut := runCLI(t, "run", "--config", cfg)
	if code == exitOK || !strings.Contains(errOut, "http.listen") {
		t.Errorf("daemon on a taken port: exit %d %q", code, errOut)
	}
	if n := site.hits.Load(); n != 0 {
		t.Errorf("the daemon fetched %d pages before finding its port taken", n)
	}
}

// `parse --kind ita` on an NOI page, and a [[source]] whose kind does not
// match its page, are errors naming both kinds.
func TestKindMismatchIsAnError(t *testing.T) {
	code, out, errOut := runCLI(t, "parse", "--kind", "ita", "../../demo/pages/noi.html")
	if code != exitFailed || !strings.Contains(errOut, `"noi"`) || !strings.Contains(errOut, `"ita"`) || out != "" {
		t.Errorf("parse --kind ita on the NOI page: exit %d\nstdout %q\nstderr %q", code, out, errOut)
	}

	site := &testSite{}
	site.version.Store(1)
	srv := httptest.NewServer(site)
	defer srv.Close()
	dir := t.TempDir()
	cfg := writeFile(t, dir, "drawwatch.toml", fmt.Sprintf(`
[store]
path = "drawwatch.db"
[fetch]
delay = "1ms"
[log]
level = "warn"
[[source]]
name = "invitations"
kind = "oinp-ita"
url = "%s/noi"
`, srv.URL))
	code, out, errOut = runCLI(t, "scrape", "--once", "--config", cfg)
	if code != exitFailed || !strings.Contains(errOut, "invitations") || !strings.Contains(errOut, `"noi"`) || !strings.Contains(errOut, `"ita"`) {
		t.Errorf("a [[source]] of the wrong kind: exit %d\n%s\n%s", code, out, errOut)
	}
	if _, draws, _ := runCLI(t, "draws", "--config", cfg); !strings.Contains(draws, "0 rows") {
		t.Errorf("rows were stored from a page of the wrong kind:\n%s", draws)
	}
}
