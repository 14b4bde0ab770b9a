package watch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/config"
	"github.com/drawwatch/drawwatch/scraper"
	"github.com/drawwatch/drawwatch/store"
)

// Outcomes of reading one source URL in one run.
const (
	OutcomeFetched     = "fetched"      // read, parsed and merged
	OutcomeNotModified = "not-modified" // 304: nothing to parse
	OutcomeNotYet      = "not-yet"      // next year's page not published yet (January)
	OutcomeFailed      = "failed"       // network, HTTP or parse failure
	OutcomeBlocked     = "blocked"      // captcha / bot-check page
	OutcomeSuspect     = "suspect"      // far fewer announcements than last time
)

// Fetcher is what a run needs from scraper.Fetcher.
type Fetcher interface {
	Fetch(ctx context.Context, req scraper.FetchRequest) (*scraper.FetchResult, error)
}

// Metrics receives per-run figures; web.Metrics implements it.
type Metrics interface {
	RunDone(ok bool, d time.Duration)
	FetchDone(source, outcome string, status int, d time.Duration, bytes int64)
	SourceOK(source string, at time.Time)
	Seen(announcements, draws int)
	Changes(changeType string, n int)
}

// Store is what a pass needs from the store backend (store.Backend has it).
type Store interface {
	store.Pages
	store.FetchLog
	store.Health
	Enqueue(ctx context.Context, target string, ev drawwatch.Event, dedupeKey string) (id int64, queued bool, err error)
	Counts(ctx context.Context) (announcements, draws int, err error)
}

var _ Store = store.Backend(nil)

// Runner holds everything one pass needs. Build it once; RunOnce may be
// called repeatedly (the daemon does) but never concurrently.
type Runner struct {
	Store Store
	// NewFetcher is called once per run: a fetcher caches robots.txt and
	// per-host timing, which a months-long daemon must not keep forever.
	NewFetcher  func() Fetcher
	Sources     []config.Source
	Route       func(drawwatch.Event) []string
	BacklogDays int
	// MaxPerChange caps the alerts one page change queues (see
	// store.ApplyOptions); 0: no cap.
	MaxPerChange int
	Health       config.Health
	Metrics      Metrics // optional
	Now          func() time.Time
	Logger       *slog.Logger
}

// SourceReport is what happened to one source URL in one run.
type SourceReport struct {
	Source        string
	URL           string
	Outcome       string
	Status        int
	Bytes         int64
	Duration      time.Duration
	Announcements int
	Draws         int
	New           int
	Changed       int
	Removed       int
	Alerts        int
	Changes       []drawwatch.Change
	Err           error
}

// Report is the outcome of one pass.
type Report struct {
	Started  time.Time
	Duration time.Duration
	Sources  []SourceReport
}

// OK reports whether every source was read (fetched, unchanged, or not yet
// published).
func (r Report) OK() bool {
	for _, s := range r.Sources {
		if s.Err != nil {
			return false
		}
	}
	return true
}

// Err joins the errors of every source that could not be read.
func (r Report) Err() error {
	var errs []error
	for _, s := range r.Sources {
		if s.Err != nil {
			errs = append(errs, fmt.Errorf("source %s (%s): %w", s.Source, s.URL, s.Err))
		}
	}
	return errors.Join(errs...)
}

// RunOnce fetches every source once. The alerts a pass queues are held
// until it ends, so that pages read later in the pass (the NOI table after
// the updates page) fold into them: one message per target per new draw. With dryRun the store is read but
// never written: changes are computed and reported, nothing is recorded or
// queued. A failing source never stops the others.
func (r *Runner) RunOnce(ctx context.Context, dryRun bool) Report {
	now := r.now()
	rep := Report{Started: now}
	fetcher := r.NewFetcher()
	for _, src := range r.Sources {
		urls := src.URLs(now)
		for i, u := range urls {
			if ctx.Err() != nil {
				rep.Sources = append(rep.Sources, SourceReport{Source: src.Name, URL: u, Outcome: OutcomeFailed, Err: ctx.Err()})
				continue
			}
			sr := r.runSource(ctx, fetcher, src, u, now, dryRun)
			// In January the new year's page may not exist yet while last
			// year's (urls[1]) is still read: expected, not a failure.
			if i == 0 && len(urls) > 1 && errors.Is(sr.Err, scraper.ErrNotFound) {
				sr.Outcome, sr.Err = OutcomeNotYet, nil
			}
			if !dryRun {
				r.recordHealth(ctx, src, &sr)
			}
			r.log(sr)
			if r.Metrics != nil {
				r.Metrics.FetchDone(src.Name, sr.Outcome, sr.Status, sr.Duration, sr.Bytes)
				if sr.Err == nil {
					r.Metrics.SourceOK(src.Name, r.now())
				}
				for typ, n := range map[string]int{"new": sr.New, "changed": sr.Changed, "removed": sr.Removed} {
					r.Metrics.Changes(typ, n)
				}
			}
			rep.Sources = append(rep.Sources, sr)
		}
	}
	if !dryRun {
		// The pass is over: what it queued may go out, folded as it is.
		if _, err := r.Store.ReleasePass(context.WithoutCancel(ctx), now); err != nil {
			r.logger().Error("release the alerts of this pass", "err", err)
		}
	}
	rep.Duration = r.now().Sub(now)
	if r.Metrics != nil {
		r.Metrics.RunDone(rep.OK(), rep.Duration)
		if a, d, err := r.Store.Counts(ctx); err == nil {
			r.Metrics.Seen(a, d)
		}
	}
	return rep
}

func (r *Runner) runSource(ctx context.Context, fetcher Fetcher, src config.Source, pageURL string, pass time.Time, dryRun bool) SourceReport {
	sr := SourceReport{Source: src.Name, URL: pageURL}
	res, ok := r.fetch(ctx, fetcher, src, &sr, dryRun)
	if !ok {
		return sr
	}
	page, ok := r.parse(ctx, src, &sr, res, dryRun)
	if !ok {
		return sr
	}
	r.record(ctx, src, &sr, page, res, pass, dryRun)
	return sr
}

// fetch reads the page with the stored validators; false when there is
// nothing to parse (an error, or 304).
func (r *Runner) fetch(ctx context.Context, fetcher Fetcher, src config.Source, sr *SourceReport, dryRun bool) (*scraper.FetchResult, bool) {
	etag, lastMod, err := r.Store.Validators(ctx, sr.URL)
	if err != nil {
		sr.Outcome, sr.Err = OutcomeFailed, fmt.Errorf("read fetch state: %w", err)
		return nil, false
	}
	res, err := fetcher.Fetch(ctx, scraper.FetchRequest{URL: sr.URL, ETag: etag, LastModified: lastMod})
	if res != nil {
		sr.Status, sr.Bytes, sr.Duration = res.Status, res.Bytes, res.Duration
	}
	var fe *scraper.FetchError
	if errors.As(err, &fe) {
		sr.Status = fe.Status
	}
	if err != nil {
		sr.Outcome, sr.Err = OutcomeFailed, err
		r.saveFetch(ctx, src, *sr, res, dryRun)
		return nil, false
	}
	if res.NotModified {
		sr.Outcome = OutcomeNotModified
		r.saveFetch(ctx, src, *sr, res, dryRun)
		return nil, false
	}
	return res, true
}

// parse turns the fetched document into a page, refusing one that is
// blocked, unreadable, cut off or implausibly short.
func (r *Runner) parse(ctx context.Context, src config.Source, sr *SourceReport, res *scraper.FetchResult, dryRun bool) (*drawwatch.Page, bool) {
	page, err := scraper.Parse(pageKind(src.Kind), res.Body, sr.URL)
	switch {
	case errors.Is(err, scraper.ErrBlocked):
		sr.Outcome, sr.Err = OutcomeBlocked, err
	case err != nil:
		sr.Outcome, sr.Err = OutcomeFailed, fmt.Errorf("parse %s page: %w", src.Kind, err)
	}
	if sr.Err != nil {
		r.saveFetch(ctx, src, *sr, dropValidators(res), dryRun)
		return nil, false
	}
	for _, w := range page.Warnings {
		slog.WarnContext(ctx, "parser warning", "source", src.Name, "url", sr.URL, "warning", w)
	}
	sr.Announcements = len(page.Announcements)
	for _, a := range page.Announcements {
		sr.Draws += len(a.Draws)
	}
	if page.Truncated {
		// Merging a cut-off page would mark everything after the cut removed.
		sr.Outcome, sr.Err = OutcomeSuspect, fmt.Errorf("page ended mid-document (%d complete announcements): transfer cut off; nothing was recorded, the next run fetches it again", sr.Announcements)
	} else if err := r.checkPlausible(ctx, sr.URL, sr.Announcements); err != nil {
		sr.Outcome, sr.Err = OutcomeSuspect, err
	}
	if sr.Err != nil {
		r.saveFetch(ctx, src, *sr, dropValidators(res), dryRun)
		return nil, false
	}
	return page, true
}

// record applies the page to the store (the engine decides, the store
// writes the changes and their alerts in one transaction).
func (r *Runner) record(ctx context.Context, src config.Source, sr *SourceReport, page *drawwatch.Page, res *scraper.FetchResult, pass time.Time, dryRun bool) {
	_, readBefore, err := r.Store.LastAnnouncementCount(ctx, sr.URL)
	if err != nil {
		sr.Outcome, sr.Err = OutcomeFailed, fmt.Errorf("read fetch state: %w", err)
		return
	}
	opt := store.ApplyOptions{Source: src.Name, Now: r.now(), BacklogDays: r.BacklogDays, Route: r.Route,
		MaxPerChange: r.MaxPerChange, DryRun: dryRun}
	if !dryRun {
		opt.Pass = pass
	}
	result, err := r.Store.Apply(ctx, page, opt)
	if err != nil {
		sr.Outcome = OutcomeFailed
		if errors.Is(err, store.ErrSuspectPage) {
			sr.Outcome = OutcomeSuspect
		}
		sr.Err = fmt.Errorf("store %s: %w", sr.URL, err)
		r.saveFetch(ctx, src, *sr, dropValidators(res), dryRun)
		return
	}
	sr.Outcome = OutcomeFetched
	if !dryRun {
		r.alertWarnings(ctx, src, page, result.Changes, readBefore)
	}
	sr.Changes = result.Changes
	sr.Alerts = result.Alerts
	for _, c := range result.Changes {
		switch c.Type {
		case drawwatch.ChangeNew:
			sr.New++
		case drawwatch.ChangeChanged:
			sr.Changed++
		case drawwatch.ChangeRemoved:
			sr.Removed++
		}
	}
	r.saveFetch(ctx, src, *sr, res, dryRun)
}

// checkPlausible refuses a page that lost most of its announcements since
// the last good read: a redesign or a half-served page must not look like
// "everything was removed".
func (r *Runner) checkPlausible(ctx context.Context, pageURL string, n int) error {
	last, ok, err := r.Store.LastAnnouncementCount(ctx, pageURL)
	if err != nil || !ok || last == 0 {
		return err
	}
	if float64(n) < r.Health.MinAnnouncementRate*float64(last) {
		return fmt.Errorf("page has %d announcements, last good read had %d: layout changed or page incomplete; nothing was recorded", n, last)
	}
	return nil
}

// dropValidators keeps a rejected page's ETag out of the fetch state, so the
// next run fetches it in full instead of getting a 304 for a bad page.
func dropValidators(res *scraper.FetchResult) *scraper.FetchResult {
	if res == nil {
		return nil
	}
	cp := *res
	cp.ETag, cp.LastModified = "", ""
	return &cp
}

func (r *Runner) saveFetch(ctx context.Context, src config.Source, sr SourceReport, res *scraper.FetchResult, dryRun bool) {
	if dryRun {
		return
	}
	rec := store.FetchRecord{
		Source: src.Name, URL: sr.URL, Status: sr.Status, NotModified: sr.Outcome == OutcomeNotModified,
		Duration: sr.Duration, Bytes: sr.Bytes, At: r.now(), Announcements: sr.Announcements, Draws: sr.Draws,
		Outcome: sr.Outcome,
	}
	if res != nil {
		rec.ETag, rec.LastModified = res.ETag, res.LastModified
	}
	if sr.Err != nil {
		rec.Err = sr.Err.Error()
	}
	if err := r.Store.SaveFetch(ctx, rec); err != nil {
		r.logger().Error("record fetch", "source", src.Name, "url", sr.URL, "err", err)
	}
}

// recordHealth tracks consecutive failures per source and queues one ops
// alert when a source crosses the threshold (a captcha counts like a
// timeout: both can pass; a page that suddenly lost its announcements
// alerts at once) and one recovery alert when it reads normally again.
func (r *Runner) recordHealth(ctx context.Context, src config.Source, sr *SourceReport) {
	h, err := r.Store.SourceHealth(ctx, src.Name)
	if err != nil {
		r.logger().Error("read source health", "source", src.Name, "err", err)
		return
	}
	now := r.now()
	h.Source, h.LastChecked = src.Name, now
	var ev *drawwatch.Event
	if sr.Err == nil {
		if !h.Healthy && h.AlertedDown {
			ev = &drawwatch.Event{Type: drawwatch.EventRecovery, Source: src.Name, DetectedAt: now,
				Message: fmt.Sprintf("%s reads normally again (%s) after %d failed runs.", src.Name, sr.Outcome, h.ConsecutiveFailures)}
		}
		h.Healthy, h.ConsecutiveFailures, h.LastError, h.LastOK, h.AlertedDown = true, 0, "", now, false
	} else {
		h.Healthy = false
		h.ConsecutiveFailures++
		h.LastError = sr.Err.Error()
		threshold := r.Health.FailuresBeforeAlert
		if sr.Outcome == OutcomeSuspect {
			threshold = 1 // a page that lost its content is a layout change, not a blip: say so at once
		}
		if h.ConsecutiveFailures >= threshold && !h.AlertedDown {
			h.AlertedDown = true
			ev = &drawwatch.Event{Type: drawwatch.EventOps, Source: src.Name, DetectedAt: now,
				Message: fmt.Sprintf("%s has failed %d runs in a row (%s): %s", src.Name, h.ConsecutiveFailures, sr.Outcome, sr.Err)}
		}
	}
	if ev != nil && r.Route != nil {
		// The dedupe key makes a retried health transition queue once.
		key := fmt.Sprintf("%s|%s|%s", ev.Type, src.Name, now.UTC().Format(time.RFC3339Nano))
		for _, target := range r.Route(*ev) {
			if _, _, err := r.Store.Enqueue(ctx, target, *ev, target+"|"+key); err != nil {
				r.logger().Error("queue ops alert", "source", src.Name, "target", target, "err", err)
			}
		}
	}
	if err := r.Store.SaveSourceHealth(ctx, h); err != nil {
		r.logger().Error("save source health", "source", src.Name, "err", err)
	}
}

func (r *Runner) log(sr SourceReport) {
	attrs := []any{"source", sr.Source, "url", redactURL(sr.URL), "outcome", sr.Outcome, "status", sr.Status,
		"bytes", sr.Bytes, "duration", sr.Duration.Round(time.Millisecond), "announcements", sr.Announcements,
		"draws", sr.Draws, "new", sr.New, "changed", sr.Changed, "removed", sr.Removed}
	if sr.Err != nil {
		r.logger().Warn("source not read", append(attrs, "err", sr.Err)...)
		return
	}
	r.logger().Info("source read", attrs...)
}

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Redacted()
}

func pageKind(sourceKind string) drawwatch.PageKind {
	if sourceKind == config.SourceEERounds {
		return drawwatch.PageEERounds
	}
	switch strings.TrimPrefix(sourceKind, "oinp-") {
	case "noi":
		return drawwatch.PageNOI
	case "ita":
		return drawwatch.PageITA
	default:
		return drawwatch.PageUpdates
	}
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Runner) logger() *slog.Logger {
	if r.Logger != nil {
		return r.Logger
	}
	return slog.Default()
}
