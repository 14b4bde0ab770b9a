package main

import (
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/drawwatch/drawwatch/store/pgtest"
)

// `store migrate` copies a real SQLite store into PostgreSQL: the same
// draws and outbox read back through a config pointing at PostgreSQL, and
// a second copy into the now non-empty database is refused.
func TestStoreMigrateSQLiteToPostgres(t *testing.T) {
	url := pgtest.NewDatabase(t)
	site := &testSite{}
	site.version.Store(1)
	srv := httptest.NewServer(site)
	defer srv.Close()
	hookSrv := httptest.NewServer(&slackHook{})
	defer hookSrv.Close()
	dir := t.TempDir()
	cfg := siteConfig(t, dir, srv.URL, hookSrv.URL+"/services/T/B/x", "")
	if code, out, errOut := runCLI(t, "scrape", "--once", "--config", cfg); code != exitOK {
		t.Fatalf("scrape: exit %d\n%s\n%s", code, out, errOut)
	}
	site.version.Store(2)
	if code, out, errOut := runCLI(t, "scrape", "--once", "--config", cfg); code != exitOK {
		t.Fatalf("scrape v2: exit %d\n%s\n%s", code, out, errOut)
	}
	_, liteDraws, _ := runCLI(t, "draws", "--config", cfg, "--json")
	_, liteOutbox, _ := runCLI(t, "outbox", "--config", cfg, "--sent", "--json")

	db := filepath.Join(dir, "drawwatch.db")
	code, out, errOut := runCLI(t, "store", "migrate", "--from", db, "--to", url)
	if code != exitOK || !strings.Contains(out, "counts verified") || !strings.Contains(out, "announcements ") {
		t.Fatalf("store migrate: exit %d\n%s\n%s", code, out, errOut)
	}
	if strings.Contains(out+errOut, pgtest.Password) {
		t.Errorf("the password was printed:\n%s%s", out, errOut)
	}
	pgCfg := writeFile(t, dir, "pg.toml", "[store]\nurl = \""+url+"\"\n")
	_, pgDraws, errOut := runCLI(t, "draws", "--config", pgCfg, "--json")
	if pgDraws != liteDraws || len(liteDraws) < 100 {
		t.Errorf("draws differ after the copy (%d vs %d bytes): %s\n%s\n%s", len(pgDraws), len(liteDraws), errOut, pgDraws, liteDraws)
	}
	if _, pgOutbox, _ := runCLI(t, "outbox", "--config", pgCfg, "--sent", "--json"); pgOutbox != liteOutbox {
		t.Errorf("outbox differs after the copy:\n%s\n%s", pgOutbox, liteOutbox)
	}
	code, _, errOut = runCLI(t, "store", "migrate", "--from", db, "--to", url)
	if code == exitOK || !strings.Contains(errOut, "not empty") {
		t.Errorf("second migrate into a non-empty database: exit %d, %s", code, errOut)
	}
}
