package store

import (
	"context"
	"time"

	"github.com/drawwatch/drawwatch"
)

// Backend is the contract every store backend meets: SQLite (*Store, the
// default) today, PostgreSQL next. watch, web, notify and the commands use
// it, never a concrete backend, and the conformance suite in storetest
// checks every backend against the same behaviour.
//
// The change decisions (what is new, changed or removed, which draws merge,
// who is alerted) are made by the engine package; a backend loads the state
// the engine needs and writes what it computed, with the outbox rows, in
// one transaction.
type Backend interface {
	Pages
	Reader
	FetchLog
	Health
	Outbox
	Lease
	Close() error
}

// Pages records parsed pages.
type Pages interface {
	// Apply merges a parsed page into the store: the changes the engine
	// finds and the alerts opt.Route asks for are committed together.
	Apply(ctx context.Context, page *drawwatch.Page, opt ApplyOptions) (Result, error)
	// ReleasePass lets the alerts held by passes started at or before pass
	// (ApplyOptions.Pass) go out.
	ReleasePass(ctx context.Context, pass time.Time) (int, error)
}

// Reader is what the CLI and the status page query.
type Reader interface {
	Draws(ctx context.Context, f DrawFilter) ([]StoredDraw, error)
	History(ctx context.Context, announcementID string) ([]AnnouncementVersion, error)
	Counts(ctx context.Context) (announcements, draws int, err error)
}

// FetchLog records every fetch and hands back conditional-GET validators.
type FetchLog interface {
	SaveFetch(ctx context.Context, r FetchRecord) error
	LastFetch(ctx context.Context, url string) (FetchRecord, bool, error)
	Validators(ctx context.Context, url string) (etag, lastModified string, err error)
	LastAnnouncementCount(ctx context.Context, url string) (int, bool, error)
}

// Health keeps per-source health for ops alerts.
type Health interface {
	SourceHealth(ctx context.Context, source string) (SourceHealth, error)
	SaveSourceHealth(ctx context.Context, h SourceHealth) error
	SourceHealths(ctx context.Context) ([]SourceHealth, error)
}

// Outbox holds queued alerts until they are sent or given up on.
type Outbox interface {
	Enqueue(ctx context.Context, target string, ev drawwatch.Event, dedupeKey string) (id int64, queued bool, err error)
	DueAlerts(ctx context.Context, now time.Time, limit int) ([]drawwatch.Alert, error)
	// DueTargets, DueAlertsFor and NextDueFor read one target's queue, so
	// each target is delivered and backs off on its own.
	DueTargets(ctx context.Context, now time.Time) ([]string, error)
	DueAlertsFor(ctx context.Context, target string, now time.Time, limit int) ([]drawwatch.Alert, error)
	NextDueFor(ctx context.Context, target string) (time.Time, bool, error)
	Alerts(ctx context.Context, statuses ...drawwatch.AlertStatus) ([]drawwatch.Alert, error)
	MarkSent(ctx context.Context, id int64, ref string, at time.Time) error
	MarkRetry(ctx context.Context, id int64, errMsg string, next time.Time) error
	MarkDead(ctx context.Context, id int64, errMsg string) error
	Requeue(ctx context.Context, id int64) error
	RequeueAll(ctx context.Context) (int, error)
	PendingCount(ctx context.Context) (int, error)
	MarkDeadReporting(ctx context.Context, id int64, errMsg string, report drawwatch.Event, targets []string, dedupeKey string) (reported bool, err error)
	// DeadCount counts target's dead alerts, or all of them for "".
	DeadCount(ctx context.Context, target string) (int, error)
	NextDue(ctx context.Context) (time.Time, bool, error)
	// HoldAlert and FoldDigest carry routes' digests and quiet hours
	// (see notify.Holder).
	HoldAlert(ctx context.Context, id int64, until time.Time, why string) (held bool, err error)
	FoldDigest(ctx context.Context, target string, now time.Time) (id int64, folded int, err error)
}

// Lease is the single-writer lock every run takes before scraping or
// delivering.
type Lease interface {
	TryLock(ctx context.Context, owner string, staleAfter time.Duration) (unlock func(context.Context) error, err error)
	Heartbeat(ctx context.Context, owner string) error
}

var _ Backend = (*Store)(nil)

// Option changes how Open opens a store.
type Option func(*Store)

// WithClock sets the store's clock (default time.Now): the time recorded
// when a caller passes none, lock heartbeats and requeue times.
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.now = now }
}
