// Package demo is drawwatch's whole job against a local copy of the three
// OINP pages: scrape into a new store, publish a new draw and a
// correction, print the alerts a Slack channel would get, list the draws.
// It never touches a file it did not create.
package demo

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
	"github.com/drawwatch/drawwatch/output"
	"github.com/drawwatch/drawwatch/store"
	"github.com/drawwatch/drawwatch/wiring"
)

// Pages is a tiny copy of the three watched pages, written by hand in the
// real pages' layout: version 1 of the updates page, then version 2 with
// one new draw and one corrected NOC list.
//
// pages/ee-rounds-v*.json are the same for IRCC's Express Entry rounds
// JSON: version 2 adds round 434.
//
//go:embed pages/*.html pages/*.json
var Pages embed.FS

// EEPath is where the demo site serves its Express Entry rounds JSON, the
// path canada.ca serves the real one at.
const EEPath = "/content/dam/ircc/documents/json/ee_rounds_123_en.json"

const console = "console"

// configHeader marks the config file the demo writes, so that a later demo
// may replace it and nothing else.
const configHeader = "# written by `drawwatch demo`"

// Site serves the demo pages the way ontario.ca does, with ETags, so the
// demo exercises the real fetcher (robots.txt, conditional GET).
type Site struct {
	version atomic.Int32
}

// Publish switches the updates page to version v (1 or 2).
func (s *Site) Publish(v int) { s.version.Store(int32(v)) }

func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var name string
	switch r.URL.Path {
	case "/robots.txt":
		io.WriteString(w, "User-agent: *\nAllow: /\n")
		return
	case "/page/2026-ontario-immigrant-nominee-program-updates":
		name = fmt.Sprintf("pages/updates-v%d.html", max(s.version.Load(), 1))
	case "/page/oinp-express-entry-notifications-interest":
		name = "pages/noi.html"
	case "/page/ontario-immigrant-nominee-program-oinp-invitations-apply":
		name = "pages/ita.html"
	case EEPath:
		name = fmt.Sprintf("pages/ee-rounds-v%d.json", max(s.version.Load(), 1))
	default:
		http.NotFound(w, r)
		return
	}
	body, err := Pages.ReadFile(name)
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
	if strings.HasSuffix(name, ".json") {
		w.Header().Set("Content-Type", "application/json")
	}
	w.Write(body)
}

// Options are the demo's few choices.
type Options struct {
	Store  string    // the SQLite file the demo creates
	Out    io.Writer // what a user reads
	Log    io.Writer // warnings
	Invoke string    // how the user runs drawwatch, for the hints ("go run ./cmd/drawwatch")
}

// Run runs the demo. An existing store or config that the demo did not
// write is refused, never replaced.
func Run(ctx context.Context, o Options) error {
	cfgPath := strings.TrimSuffix(o.Store, filepath.Ext(o.Store)) + ".toml"
	if err := checkOwnFiles(o.Store, cfgPath); err != nil {
		return err
	}
	// Claim the pair before creating the store, so that a demo cut short
	// can be run again.
	if err := os.WriteFile(cfgPath, []byte(fmt.Sprintf("%s\n[store]\npath = %q\n", configHeader, filepath.Base(o.Store))), 0o644); err != nil {
		return fmt.Errorf("write the demo's config: %w", err)
	}
	site := &Site{}
	site.Publish(1)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("start local demo site: %w", err)
	}
	srv := &http.Server{Handler: site, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()

	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(o.Store + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("reset demo store: %w", err)
		}
	}
	a, err := demoApp(o, base)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, o.Store)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := passes(ctx, o.Out, a, st, site, base); err != nil {
		return err
	}
	fmt.Fprintf(o.Out, "\nExplore the demo store:\n  %[1]s draws --config %[2]s --noc '31*'\n  %[1]s history --config %[2]s march12-0\n  %[1]s outbox --config %[2]s --sent\n  %[1]s draws --config %[2]s --program EE\n",
		o.Invoke, cfgPath)
	return nil
}

// checkOwnFiles refuses a store or config the demo did not write: a demo
// pointed at a real store must not replace it. The config the demo writes
// beside its store, with its header, is what marks the pair as the demo's.
func checkOwnFiles(dbPath, cfgPath string) error {
	b, err := os.ReadFile(cfgPath)
	ours := err == nil && strings.HasPrefix(string(b), configHeader)
	if err == nil && !ours {
		return fmt.Errorf("%s exists and was not written by the demo: the demo never replaces it; pass --store with a new file name (the demo writes FILE and FILE's .toml)", cfgPath)
	}
	if _, err := os.Stat(dbPath); err == nil && !ours {
		return fmt.Errorf("%s exists and was not created by the demo: the demo never replaces a store; pass --store with a new file name", dbPath)
	}
	return nil
}

func demoApp(o Options, base string) (*wiring.App, error) {
	cfg := &config.Config{
		Store: config.Store{Path: o.Store},
		Sources: []config.Source{
			{Name: "updates", Kind: config.SourceUpdates, URL: base + "/page/2026-ontario-immigrant-nominee-program-updates"},
			{Name: "noi", Kind: config.SourceNOI, URL: base + "/page/oinp-express-entry-notifications-interest"},
			{Name: "ita", Kind: config.SourceITA, URL: base + "/page/ontario-immigrant-nominee-program-oinp-invitations-apply"},
			{Name: "ee-rounds", Kind: config.SourceEERounds, URL: base + EEPath},
		},
	}
	def, err := config.Parse(nil, os.Getenv) // defaults for everything else
	if err != nil {
		return nil, err
	}
	cfg.Fetch, cfg.Health, cfg.Log, cfg.Delivery = def.Fetch, def.Health, def.Log, def.Delivery
	cfg.Fetch.Delay = config.Duration{Duration: 50 * time.Millisecond}
	cfg.Log.Level = "warn"
	return wiring.New(cfg, wiring.NewLogger(o.Log, cfg.Log)), nil
}

// passes is the demo's story: history, a change and its alerts, a quiet
// pass, the stored draws.
func passes(ctx context.Context, w io.Writer, a *wiring.App, st *store.Store, site *Site, base string) error {
	router, err := notify.NewRouter([]notify.Route{{Name: "everything", Targets: []string{console}, Kinds: []string{"draw", "news", "ops"}}}, []string{console})
	if err != nil {
		return err
	}
	runner := a.Runner(st, router.Targets, nil)
	runner.BacklogDays = 0 // the demo's first pass is history; the second shows what alerts look like
	disp := notify.NewDispatcher(st, []notify.Notifier{&output.Console{W: w, Target: console}}, notify.WithLogger(a.Log))

	fmt.Fprintf(w, "drawwatch demo: a local copy of the three OINP pages and of IRCC's Express Entry rounds JSON is served at %s\n", base)
	fmt.Fprintf(w, "store: %s (SQLite)\n\n== pass 1: first scrape of a new store (history is recorded, not alerted)\n\n", st.Path())
	rep := runner.RunOnce(ctx, false)
	output.Pass(w, rep, false, nil)
	if !rep.OK() {
		return rep.Err()
	}
	site.Publish(2)
	fmt.Fprintf(w, "\n== pass 2: ontario.ca published a new draw and corrected a NOC list; IRCC published Express Entry round 434\n\n")
	rep = runner.RunOnce(ctx, false)
	output.Pass(w, rep, false, nil)
	if !rep.OK() {
		return rep.Err()
	}
	fmt.Fprintf(w, "\n== alerts delivered (a [[slack]] or [[email]] target would receive these)\n")
	if _, _, err := disp.Drain(ctx); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n== pass 3: nothing changed (conditional GET: 304s, nothing parsed)\n\n")
	output.Pass(w, runner.RunOnce(ctx, false), false, nil)

	fmt.Fprintf(w, "\n== stored draws (the draws command)\n\n")
	draws, err := st.Draws(ctx, store.DrawFilter{Kind: drawwatch.KindDraw})
	if err != nil {
		return err
	}
	return output.Draws(w, draws)
}
