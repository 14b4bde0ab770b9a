package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/match"
	"github.com/drawwatch/drawwatch/store"
)

// Data is what the endpoint reads from the store. Every store.Backend
// satisfies it; tests may pass the real store opened on a temporary file.
type Data interface {
	Draws(ctx context.Context, f store.DrawFilter) ([]store.StoredDraw, error)
	SourceHealths(ctx context.Context) ([]store.SourceHealth, error)
	LastFetch(ctx context.Context, url string) (store.FetchRecord, bool, error)
	PendingCount(ctx context.Context) (int, error)
	Alerts(ctx context.Context, statuses ...drawwatch.AlertStatus) ([]drawwatch.Alert, error)
	Counts(ctx context.Context) (announcements, draws int, err error)
}

var _ Data = store.Backend(nil)

// SourceInfo names one watched page for display on the status page.
type SourceInfo struct {
	Name, Kind, URL string
}

// Options configure a Server. Only Data is required.
type Options struct {
	Data    Data
	Metrics *Metrics // nil: an empty registry
	// ReadyMaxAge is how old the last successful run may be before /readyz
	// answers 503. Zero disables the age check (a run is still required).
	ReadyMaxAge time.Duration
	// LastRun reports when the last successful run finished; false before
	// the first one. Nil counts as "no run yet".
	LastRun func() (time.Time, bool)
	Sources []SourceInfo
	Now     func() time.Time // nil: time.Now
	// Zone is the zone the page shows times in and names: the schedule's
	// (config.ScheduleZone). Nil: America/Toronto.
	Zone *time.Location
	// Token, when set, is required by the status page, /api and the feeds
	// (see requireToken). Roster data is served only when it is set.
	Token string
	// Roster is the client roster in use, for /calendar.ics?client=; nil
	// without [clients] roster.
	Roster func() *match.Index
	// Role, when set, says whether this replica leads ("leader", with its
	// lease generation) or stands by ("standby"); /readyz names it. Both
	// are ready.
	Role func() (role string, generation int64)
}

// Server is the daemon's HTTP endpoint.
type Server struct {
	opts           Options
	loc            *time.Location
	metricsHandler http.Handler
}

// Timeouts of the HTTP server. The status page reads SQLite, which is fast;
// a slow client must not hold a connection open indefinitely.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 10 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 60 * time.Second
	shutdownTimeout   = 10 * time.Second
	// dataTimeout bounds one store query so /readyz cannot hang behind a
	// locked database.
	dataTimeout = 5 * time.Second
)

// NewServer returns a Server; the zero parts of opts get defaults.
func NewServer(opts Options) *Server {
	if opts.Metrics == nil {
		opts.Metrics = NewMetrics("")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	loc := opts.Zone
	if loc == nil {
		// Draws are Ontario's, and so are most readers: Toronto time when
		// the zone database is available (the binary may embed time/tzdata).
		var err error
		if loc, err = time.LoadLocation("America/Toronto"); err != nil {
			loc = time.UTC
		}
	}
	return &Server{opts: opts, loc: loc, metricsHandler: opts.Metrics.Handler()}
}

// Handler routes /healthz, /readyz, /metrics and the status page at /.
// Only GET and HEAD are served; other methods get 405 from the mux.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.HandleFunc("GET /metrics", s.metrics)
	mux.HandleFunc("GET /{$}", s.status)
	s.feedRoutes(mux)
	return securityHeaders(s.requireToken(mux))
}

// securityHeaders forbids everything the page does not use: it loads no
// script, font or remote image, and inline CSS is its only style.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprintln(w, "ok")
}

// ready says whether the daemon is fit to serve, and why not.
func (s *Server) ready(ctx context.Context) (bool, string) {
	if s.opts.Data == nil {
		return false, "no store configured"
	}
	ctx, cancel := context.WithTimeout(ctx, dataTimeout)
	defer cancel()
	if _, _, err := s.opts.Data.Counts(ctx); err != nil {
		slog.WarnContext(ctx, "readyz: store does not answer", "err", err)
		// Probes and their logs expect one line; driver errors may hold more.
		return false, "store does not answer: " + strings.Join(strings.Fields(err.Error()), " ")
	}
	if s.opts.LastRun == nil {
		return false, "no successful run yet"
	}
	last, ok := s.opts.LastRun()
	if !ok {
		return false, "no successful run yet"
	}
	if s.opts.ReadyMaxAge > 0 {
		if age := s.opts.Now().Sub(last); age > s.opts.ReadyMaxAge {
			return false, fmt.Sprintf("last successful run %s ago (%s), older than %s",
				age.Round(time.Second), last.UTC().Format(time.RFC3339), s.opts.ReadyMaxAge)
		}
	}
	return true, "ok"
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	ok, reason := s.ready(r.Context())
	if !ok {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	if s.opts.Role != nil {
		if role, gen := s.opts.Role(); gen > 0 {
			reason += fmt.Sprintf(" (%s, lease generation %d)", role, gen)
		} else {
			reason += fmt.Sprintf(" (%s)", role)
		}
	}
	fmt.Fprintln(w, reason)
}

func (s *Server) metrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	s.metricsHandler.ServeHTTP(w, r)
}

// ListenAndServe listens on addr and serves until ctx is done, then shuts
// down gracefully, giving requests in flight a few seconds to finish.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s for the status endpoint (is the port taken? set another listen address): %w", addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve is ListenAndServe on a listener the caller opened (tests listen on
// 127.0.0.1:0 and read the port from it). It closes ln.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(slog.Default().Handler(), slog.LevelWarn),
		// Requests keep ctx's values but not its cancellation: on shutdown
		// they are let finish rather than cut off mid-page.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	slog.InfoContext(ctx, "http endpoint listening", "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return fmt.Errorf("serve http on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
		return fmt.Errorf("shut down http endpoint on %s: %w", ln.Addr(), err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve http on %s: %w", ln.Addr(), err)
	}
	slog.InfoContext(ctx, "http endpoint stopped", "addr", ln.Addr().String())
	return nil
}
