package main

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/config"
	"github.com/drawwatch/drawwatch/notify"
	"github.com/drawwatch/drawwatch/store"
)

// demoPages is a tiny copy of the three watched pages, written by hand in
// the real pages' layout: version 1 of the updates page, then version 2 with
// one new draw and one corrected NOC list.
//
//go:embed demo/*.html
var demoPages embed.FS

const demoConsole = "console"

func cmdDemo(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags("demo", env)
	dbPath := fs.String("store", "drawwatch-demo.db", "SQLite `FILE` the demo writes (replaced on every demo run)")
	if _, err := fs.parse(args); err != nil {
		return err
	}
	if err := runDemo(ctx, env, *dbPath); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return nil
}

// demoSite serves the demo pages the way ontario.ca does, with ETags, so
// the demo exercises the real fetcher (robots.txt, conditional GET).
type demoSite struct {
	version atomic.Int32
}

func (s *demoSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var name string
	switch r.URL.Path {
	case "/robots.txt":
		io.WriteString(w, "User-agent: *\nAllow: /\n")
		return
	case "/page/2026-ontario-immigrant-nominee-program-updates":
		name = fmt.Sprintf("demo/updates-v%d.html", s.version.Load())
	case "/page/oinp-express-entry-notifications-interest":
		name = "demo/noi.html"
	case "/page/ontario-immigrant-nominee-program-oinp-invitations-apply":
		name = "demo/ita.html"
	default:
		http.NotFound(w, r)
		return
	}
	body, err := demoPages.ReadFile(name)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	etag := fmt.Sprintf(`"%s-%d"`, filepath.Base(name), len(body))
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(body)
}

func runDemo(ctx context.Context, env *cliEnv, dbPath string) error {
	site := &demoSite{}
	site.version.Store(1)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("start local demo site: %w", err)
	}
	srv := &http.Server{Handler: site, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()

	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(dbPath + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("reset demo store: %w", err)
		}
	}
	cfg := &config.Config{
		Store: config.Store{Path: dbPath},
		Sources: []config.Source{
			{Name: "updates", Kind: config.SourceUpdates, URL: base + "/page/2026-ontario-immigrant-nominee-program-updates"},
			{Name: "noi", Kind: config.SourceNOI, URL: base + "/page/oinp-express-entry-notifications-interest"},
			{Name: "ita", Kind: config.SourceITA, URL: base + "/page/ontario-immigrant-nominee-program-oinp-invitations-apply"},
		},
	}
	def, err := config.Parse(nil, os.Getenv) // defaults for everything else
	if err != nil {
		return err
	}
	cfg.Fetch, cfg.Health, cfg.Log, cfg.Delivery = def.Fetch, def.Health, def.Log, def.Delivery
	cfg.Fetch.Delay = config.Duration{Duration: 50 * time.Millisecond}
	cfg.Log.Level = "warn"
	a := &app{cfg: cfg, log: newLogger(env.stderr, cfg.Log), stdout: env.stdout}

	st, err := store.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	router, err := notify.NewRouter([]notify.Route{{Name: "everything", Targets: []string{demoConsole}, Kinds: []string{"draw", "news", "ops"}}}, []string{demoConsole})
	if err != nil {
		return err
	}
	runner := a.runner(st, router.Targets, nil)
	runner.BacklogDays = 0 // the demo's first pass is history; the second shows what alerts look like
	disp := notify.NewDispatcher(st, []notify.Notifier{&consoleNotifier{w: env.stdout}}, notify.WithLogger(a.log))

	fmt.Fprintf(env.stdout, "drawwatch demo: a local copy of the three OINP pages is served at %s\n", base)
	fmt.Fprintf(env.stdout, "store: %s (SQLite)\n\n== pass 1: first scrape of a new store (history is recorded, not alerted)\n\n", dbPath)
	rep := runner.RunOnce(ctx, false)
	printReport(env.stdout, rep, false, nil)
	if !rep.OK() {
		return rep.Err()
	}

	site.version.Store(2)
	fmt.Fprintf(env.stdout, "\n== pass 2: the site published a new draw and corrected a NOC list\n\n")
	rep = runner.RunOnce(ctx, false)
	printReport(env.stdout, rep, false, nil)
	if !rep.OK() {
		return rep.Err()
	}
	fmt.Fprintf(env.stdout, "\n== alerts delivered (a [[slack]] or [[email]] target would receive these)\n")
	if _, _, err := disp.Drain(ctx); err != nil {
		return err
	}

	fmt.Fprintf(env.stdout, "\n== pass 3: nothing changed (conditional GET: 304s, nothing parsed)\n\n")
	rep = runner.RunOnce(ctx, false)
	printReport(env.stdout, rep, false, nil)

	fmt.Fprintf(env.stdout, "\n== stored draws (`drawwatch draws`)\n\n")
	draws, err := st.Draws(ctx, store.DrawFilter{Kind: drawwatch.KindDraw})
	if err != nil {
		return err
	}
	printStoredDraws(env.stdout, draws)

	cfgPath := strings.TrimSuffix(dbPath, filepath.Ext(dbPath)) + ".toml"
	if err := os.WriteFile(cfgPath, []byte(fmt.Sprintf("# written by `drawwatch demo`\n[store]\npath = %q\n", filepath.Base(dbPath))), 0o644); err == nil {
		fmt.Fprintf(env.stdout, "\nExplore the demo store:\n  drawwatch draws --config %s --noc '31*'\n  drawwatch history --config %s march12-0\n  drawwatch outbox --config %s --sent\n", cfgPath, cfgPath, cfgPath)
	}
	return nil
}

// consoleNotifier prints rendered alerts: the demo's stand-in for Slack.
type consoleNotifier struct {
	w io.Writer
	n int
}

func (c *consoleNotifier) Name() string { return demoConsole }

func (c *consoleNotifier) Send(ctx context.Context, a drawwatch.Alert) (string, error) {
	c.n++
	msg := notify.Render(a, nil)
	fmt.Fprintf(c.w, "\n--- alert %d: %s\n%s\n", c.n, msg.Subject, msg.Text)
	return fmt.Sprintf("console-%d", c.n), nil
}
