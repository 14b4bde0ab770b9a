package main

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/config"
	"github.com/drawwatch/drawwatch/daemon"
	"github.com/drawwatch/drawwatch/notify"
	"github.com/drawwatch/drawwatch/roster"
	"github.com/drawwatch/drawwatch/scraper"
	"github.com/drawwatch/drawwatch/store"
	"github.com/drawwatch/drawwatch/watch"
)

// app is the wiring shared by the commands that use the config: it is the
// only place where concrete types from different packages meet.
type app struct {
	cfg    *config.Config
	log    *slog.Logger
	stdout io.Writer
	// roster is the client roster in use, nil without [clients] roster;
	// commands that alert set it (see useRoster).
	roster *roster.File
}

func loadApp(env *cliEnv, configPath string) (*app, error) {
	cfg, err := config.Load(configPath)
	if err != nil {
		return nil, withCode(exitUsage, err)
	}
	a := &app{cfg: cfg, log: newLogger(env.stderr, cfg.Log), stdout: env.stdout}
	if env.process {
		slog.SetDefault(a.log) // libraries that log through the default logger follow the configured format
	}
	return a, nil
}

func newLogger(w io.Writer, c config.Log) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.Level)) // validated by config
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// withStore is the common start of commands that use the store: load the
// config, open its store (read-only unless write; a read never creates a
// file), run fn, close the store. Errors come back with their exit code.
func withStore(ctx context.Context, env *cliEnv, configPath string, write bool, fn func(a *app, st *store.Store) error) error {
	a, err := loadApp(env, configPath)
	if err != nil {
		return err
	}
	open := store.OpenReadOnly
	if write {
		open = func(ctx context.Context, path string) (*store.Store, error) { return store.Open(ctx, path) }
	}
	st, err := open(ctx, a.cfg.Store.Path)
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(a, st)
}

// lockStore takes the one-writer lock or explains who holds it, and keeps
// it fresh with heartbeats until release, so a long run (slow site,
// retries) is never mistaken for a crashed one. Work done under the
// returned context stops the moment the lock is lost.
func (a *app) lockStore(ctx context.Context, st *store.Store, owner string) (held context.Context, release func(), err error) {
	unlock, err := a.takeLock(ctx, st, owner)
	if err != nil {
		return nil, nil, err
	}
	held, stop := daemon.Hold(ctx, storeLease{st, owner}, a.heartbeatEvery(), clockwork.NewRealClock(), a.log)
	return held, func() { stop(); unlock() }, nil
}

// takeLock takes the store's writer lease, or explains (naming the holder
// once) who holds it.
func (a *app) takeLock(ctx context.Context, st *store.Store, owner string) (unlock func(), err error) {
	release, err := st.TryLock(ctx, owner, a.cfg.Store.LeaseTTL.Duration)
	if err != nil {
		return nil, err
	}
	return func() {
		if err := release(context.WithoutCancel(ctx)); err != nil {
			a.log.Error("release store lease", "store", st.Path(), "err", err)
		}
	}, nil
}

// heartbeatEvery renews the lease four times per TTL: three heartbeats may
// fail (a busy database) before another run may take it over.
func (a *app) heartbeatEvery() time.Duration { return a.cfg.Store.LeaseTTL.Duration / 4 }

// storeLease is the store's fencing lease as the daemon's Lease: a renewal
// that finds it taken over, or a fenced write or claim that was refused
// (Lost), stops the daemon at once.
type storeLease struct {
	st    *store.Store
	owner string
}

func (l storeLease) Renew(ctx context.Context) error {
	err := l.st.Heartbeat(ctx, l.owner)
	if errors.Is(err, store.ErrLeaseLost) {
		return fmt.Errorf("%w: %w", daemon.ErrLeaseLost, err)
	}
	return err
}

func (l storeLease) Lost() <-chan struct{} { return l.st.LeaseLost() }

func (a *app) fetcher() *scraper.Fetcher {
	fc := scraper.DefaultFetcherConfig()
	if a.cfg.Fetch.UserAgent != "" {
		fc.UserAgent = a.cfg.Fetch.UserAgent
	}
	fc.Delay = a.cfg.Fetch.Delay.Duration
	fc.Timeout = a.cfg.Fetch.Timeout.Duration
	fc.MaxBodySize = a.cfg.Fetch.MaxBodyBytes
	fc.Retries = a.cfg.Fetch.Retries
	fc.RetryBase = a.cfg.Fetch.RetryBase.Duration
	fc.RespectRobots = *a.cfg.Fetch.RespectRobots
	return scraper.NewFetcher(fc)
}

func (a *app) router() (*notify.Router, error) {
	routes := make([]notify.Route, 0, len(a.cfg.Routes))
	for _, r := range a.cfg.Routes {
		routes = append(routes, notify.Route{
			Name: r.Name, Targets: r.Targets, Kinds: r.Kinds, Streams: r.Streams, NOCs: r.NOCs,
			Categories: r.Categories, Programs: r.Programs, MinScore: r.MinScore, MaxScore: r.MaxScore,
			HideClients: r.Clients != nil && !*r.Clients,
		})
	}
	return notify.NewRouter(routes, a.cfg.Targets())
}

// notifiers builds one Notifier per target; the router tells each which
// NOC codes to list first (those its routes filter on).
func (a *app) notifiers(router *notify.Router) ([]notify.Notifier, error) {
	var ns []notify.Notifier
	for _, s := range a.cfg.Slack {
		n, err := notify.NewSlack(notify.SlackConfig{Name: s.Name, WebhookURL: s.WebhookURL, Token: s.Token,
			Channel: s.Channel, APIURL: s.APIURL, Timeout: a.cfg.Fetch.Timeout.Duration},
			notify.WithSlackHighlight(router.HighlightFor), notify.WithSlackZone(config.ScheduleZone(a.cfg.Schedule.Cron)))
		if err != nil {
			return nil, fmt.Errorf("slack target %q: %w", s.Name, err)
		}
		ns = append(ns, n)
	}
	for _, e := range a.cfg.Email {
		opts := []notify.EmailOption{notify.WithEmailHighlight(router.HighlightFor), notify.WithEmailZone(config.ScheduleZone(a.cfg.Schedule.Cron))}
		if e.CAFile != "" {
			pool, err := readCAFile(e.CAFile)
			if err != nil {
				return nil, fmt.Errorf("email target %q: ca_file: %w", e.Name, err)
			}
			opts = append(opts, notify.WithEmailRootCAs(pool))
		}
		n, err := notify.NewEmail(notify.EmailConfig{Name: e.Name, Addr: e.SMTP, From: e.From, To: e.To,
			Username: e.Username, Password: e.Password, TLS: e.TLS, Timeout: a.cfg.Fetch.Timeout.Duration}, opts...)
		if err != nil {
			return nil, fmt.Errorf("email target %q: %w", e.Name, err)
		}
		ns = append(ns, n)
	}
	if a.roster != nil {
		cr := a.clientRouting(router)
		for i, n := range ns {
			ns[i] = notify.WithClients(n, cr.Clients)
		}
	}
	return ns, nil
}

func (a *app) runner(st *store.Store, route func(drawwatch.Event) []string, m watch.Metrics) *watch.Runner {
	return &watch.Runner{
		Store: st, NewFetcher: func() watch.Fetcher { return a.fetcher() }, Sources: a.cfg.Sources, Route: route,
		BacklogDays: a.cfg.Store.BacklogDays, Health: a.cfg.Health, Metrics: m, Logger: a.log,
	}
}

func (a *app) dispatcher(st *store.Store, ns []notify.Notifier, opts ...notify.DispatchOption) *notify.Dispatcher {
	return notify.NewDispatcher(st, ns, append([]notify.DispatchOption{
		notify.WithLogger(a.log),
		notify.WithMaxAttempts(a.cfg.Delivery.MaxAttempts),
	}, opts...)...)
}

// exitCodeFor maps an error to the exit code scripts can act on.
func exitCodeFor(err error) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, store.ErrLocked), errors.Is(err, daemon.ErrLeaseLost):
		return exitBusy
	case errors.Is(err, scraper.ErrBlocked):
		return exitBlocked
	default:
		return exitFailed
	}
}

// readCAFile loads a PEM bundle of CA certificates.
func readCAFile(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no PEM certificate", path)
	}
	return pool, nil
}
