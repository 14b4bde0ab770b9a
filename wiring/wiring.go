// Package wiring builds drawwatch's working parts (fetcher, router,
// notifiers, scrape runner, dispatcher, store lease, daemon) from a loaded
// config: the one place where concrete types from different packages meet,
// so that cmd/drawwatch only parses flags and maps errors to exit codes.
package wiring

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/config"
	"github.com/drawwatch/drawwatch/notify"
	"github.com/drawwatch/drawwatch/roster"
	"github.com/drawwatch/drawwatch/scraper"
	"github.com/drawwatch/drawwatch/store"
	"github.com/drawwatch/drawwatch/watch"
)

// App is a loaded config and the logger it asks for.
type App struct {
	Config *config.Config
	Log    *slog.Logger
	// Roster is the client roster in use, nil without [clients] roster;
	// commands that alert set it (UseRoster).
	Roster *roster.File
}

// New wires cfg, logging to log.
func New(cfg *config.Config, log *slog.Logger) *App {
	return &App{Config: cfg, Log: log}
}

// NewLogger is the logger [log] asks for, writing to w.
func NewLogger(w io.Writer, c config.Log) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.Level)) // validated by config
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// ConfigError is a problem in the configuration found while wiring (a
// route naming no target, a bad ca_file): the command line maps it to the
// usage exit code.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

func configErr(err error) error {
	var ce *ConfigError
	if err == nil || errors.As(err, &ce) {
		return err
	}
	return &ConfigError{Err: err}
}

// Fetcher is a new fetcher configured by [fetch]: one per run, so per-host
// timing is not kept for months by a daemon. robots (the store, or nil)
// keeps robots.txt between runs for up to 24 hours, so a run does not
// fetch it every time.
func (a *App) Fetcher(robots scraper.RobotsStore) *scraper.Fetcher {
	fc := scraper.DefaultFetcherConfig()
	fc.Robots = robots
	if a.Config.Fetch.UserAgent != "" {
		fc.UserAgent = a.Config.Fetch.UserAgent
	}
	fc.Delay = a.Config.Fetch.Delay.Duration
	fc.Timeout = a.Config.Fetch.Timeout.Duration
	fc.MaxBodySize = a.Config.Fetch.MaxBodyBytes
	fc.Retries = a.Config.Fetch.Retries
	fc.RetryBase = a.Config.Fetch.RetryBase.Duration
	fc.RespectRobots = *a.Config.Fetch.RespectRobots
	return scraper.NewFetcher(fc)
}

// Router routes events to targets by the [[route]] tables.
func (a *App) Router() (*notify.Router, error) {
	routes := make([]notify.Route, 0, len(a.Config.Routes))
	zone := config.ScheduleZone(a.Config.Schedule.Cron) // quiet hours are read in it
	for _, r := range a.Config.Routes {
		h, err := r.RouteHold(zone)
		if err != nil {
			return nil, configErr(err)
		}
		routes = append(routes, notify.Route{
			Name: r.Name, Targets: r.Targets, Kinds: r.Kinds, Streams: r.Streams, NOCs: r.NOCs,
			Categories: r.Categories, Programs: r.Programs, MinScore: r.MinScore, MaxScore: r.MaxScore,
			HideClients: r.Clients != nil && !*r.Clients, Hold: h,
		})
	}
	r, err := notify.NewRouter(routes, a.Config.Targets())
	return r, configErr(err)
}

// Notifiers builds one Notifier per target; the router tells each which
// NOC codes to list first (those its routes filter on).
func (a *App) Notifiers(router *notify.Router) ([]notify.Notifier, error) {
	var ns []notify.Notifier
	for _, s := range a.Config.Slack {
		n, err := notify.NewSlack(notify.SlackConfig{Name: s.Name, WebhookURL: s.WebhookURL, Token: s.Token,
			Channel: s.Channel, APIURL: s.APIURL, Timeout: a.Config.Fetch.Timeout.Duration},
			notify.WithSlackHighlight(router.HighlightFor), notify.WithSlackZone(config.ScheduleZone(a.Config.Schedule.Cron)))
		if err != nil {
			return nil, configErr(fmt.Errorf("slack target %q: %w", s.Name, err))
		}
		ns = append(ns, n)
	}
	for _, e := range a.Config.Email {
		opts := []notify.EmailOption{notify.WithEmailHighlight(router.HighlightFor), notify.WithEmailZone(config.ScheduleZone(a.Config.Schedule.Cron))}
		if e.CAFile != "" {
			pool, err := readCAFile(e.CAFile)
			if err != nil {
				return nil, configErr(fmt.Errorf("email target %q: ca_file: %w", e.Name, err))
			}
			opts = append(opts, notify.WithEmailRootCAs(pool))
		}
		n, err := notify.NewEmail(notify.EmailConfig{Name: e.Name, Addr: e.SMTP, From: e.From, To: e.To,
			Username: e.Username, Password: e.Password, TLS: e.TLS, Timeout: a.Config.Fetch.Timeout.Duration}, opts...)
		if err != nil {
			return nil, configErr(fmt.Errorf("email target %q: %w", e.Name, err))
		}
		ns = append(ns, n)
	}
	more, err := a.channelNotifiers(router)
	if err != nil {
		return nil, err
	}
	ns = append(ns, more...)
	if a.Roster != nil {
		cr := a.ClientRouting(router)
		for i, n := range ns {
			ns[i] = notify.WithClients(n, cr.Clients)
		}
	}
	return ns, nil
}

// Runner is one scrape pass over the configured sources.
func (a *App) Runner(st *store.Store, route func(drawwatch.Event) []string, m watch.Metrics) *watch.Runner {
	return &watch.Runner{
		Store: st, NewFetcher: func() watch.Fetcher { return a.Fetcher(st) }, Sources: a.Config.Sources, Route: route,
		BacklogDays: a.Config.Store.BacklogDays, MaxPerChange: a.Config.Delivery.MaxPerChange, Health: a.Config.Health,
		Metrics: m, Logger: a.Log,
	}
}

// Dispatcher delivers the outbox to ns with [delivery]'s settings.
func (a *App) Dispatcher(st *store.Store, ns []notify.Notifier, opts ...notify.DispatchOption) *notify.Dispatcher {
	return notify.NewDispatcher(st, ns, append([]notify.DispatchOption{
		notify.WithLogger(a.Log),
		notify.WithMaxAttempts(a.Config.Delivery.MaxAttempts),
	}, opts...)...)
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
