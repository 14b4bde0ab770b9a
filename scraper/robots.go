package scraper

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/temoto/robotstxt"
)

// RobotsMaxAge is how long a stored robots.txt is used before it is
// fetched again: RFC 9309 §2.4 says crawlers SHOULD NOT use a cached copy
// for more than 24 hours, unless robots.txt is unreachable.
const RobotsMaxAge = 24 * time.Hour

// robotsMaxRedirects: RFC 9309 §2.3.1.2 asks crawlers to follow at least
// five redirects for robots.txt.
const robotsMaxRedirects = 5

// RobotsStore keeps robots.txt between runs, so a run does not fetch it
// again (store.Store implements it). origin is "scheme://host[:port]", the
// scope of one robots.txt. A zero fetchedAt from LoadRobots means none is
// stored.
type RobotsStore interface {
	LoadRobots(ctx context.Context, origin string) (status int, body []byte, fetchedAt time.Time, err error)
	SaveRobots(ctx context.Context, origin string, status int, body []byte, fetchedAt time.Time) error
}

// robotsRules is a parsed robots.txt and when it was fetched.
type robotsRules struct {
	data      *robotstxt.RobotsData
	fetchedAt time.Time
}

// checkRobots returns nil when robots.txt lets drawwatch's User-Agent
// fetch u, an error wrapping ErrRobotsDisallowed when it does not, and a
// *robotsUnavailableError (retried) when robots.txt could not be read and
// no earlier copy is stored. Rules are looked up in this Fetcher's memory,
// then the RobotsStore (younger than RobotsMaxAge), then fetched.
func (f *Fetcher) checkRobots(ctx context.Context, u *url.URL) error {
	if !f.cfg.RespectRobots {
		return nil
	}
	rules, err := f.robotsFor(ctx, u.Scheme+"://"+u.Host)
	if err != nil {
		return err
	}
	group := rules.data.FindGroup(f.cfg.UserAgent)
	if group == nil {
		return nil
	}
	path := u.EscapedPath()
	if u.RawQuery != "" {
		path += "?" + u.Query().Encode()
	}
	if !group.Test(path) {
		return ErrRobotsDisallowed
	}
	return nil
}

func (f *Fetcher) robotsFor(ctx context.Context, origin string) (robotsRules, error) {
	if r, ok := f.robots[origin]; ok {
		return r, nil
	}
	now := f.now()
	stored, storedOK := f.loadRobots(ctx, origin)
	if storedOK && now.Sub(stored.fetchedAt) < RobotsMaxAge && !stored.fetchedAt.After(now) {
		f.robots[origin] = stored
		return stored, nil
	}
	status, body, err := f.fetchRobots(ctx, origin)
	if err != nil {
		if storedOK && ctx.Err() == nil {
			// Unreachable: RFC 9309 lets the last copy stand beyond 24 h.
			slog.WarnContext(ctx, "robots.txt unreachable, using the stored copy", "origin", origin,
				"fetched_at", stored.fetchedAt, "err", err)
			f.robots[origin] = stored
			return stored, nil
		}
		return robotsRules{}, err
	}
	data, err := robotstxt.FromStatusAndBytes(status, body)
	if err != nil {
		return robotsRules{}, fmt.Errorf("parse %s/robots.txt: %w", origin, err)
	}
	rules := robotsRules{data: data, fetchedAt: now}
	f.robots[origin] = rules
	if f.cfg.Robots != nil {
		if err := f.cfg.Robots.SaveRobots(ctx, origin, status, body, now); err != nil {
			// The rules are known for this run; the next one fetches again.
			slog.WarnContext(ctx, "could not store robots.txt", "origin", origin, "err", err)
		}
	}
	return rules, nil
}

// loadRobots reads the stored copy; a store error counts as none stored.
func (f *Fetcher) loadRobots(ctx context.Context, origin string) (robotsRules, bool) {
	if f.cfg.Robots == nil {
		return robotsRules{}, false
	}
	status, body, at, err := f.cfg.Robots.LoadRobots(ctx, origin)
	if err != nil {
		slog.WarnContext(ctx, "could not read stored robots.txt", "origin", origin, "err", err)
		return robotsRules{}, false
	}
	if at.IsZero() {
		return robotsRules{}, false
	}
	data, err := robotstxt.FromStatusAndBytes(status, body)
	if err != nil {
		return robotsRules{}, false
	}
	return robotsRules{data: data, fetchedAt: at}, true
}

// fetchRobots GETs origin/robots.txt through the polite transport (which
// neither waits its turn for it nor counts it for the per-host delay: the
// delay spaces page requests). 4xx answers are returned as a status, to
// mean "allow all"; 5xx, 429 and network failures are errors.
func (f *Fetcher) fetchRobots(ctx context.Context, origin string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, origin+"/robots.txt", nil)
	if err != nil {
		return 0, nil, fmt.Errorf("robots.txt request: %w", err)
	}
	req.Header.Set("User-Agent", f.cfg.UserAgent)
	client := &http.Client{Transport: f.tr, CheckRedirect: func(_ *http.Request, via []*http.Request) error {
		if len(via) > robotsMaxRedirects {
			return fmt.Errorf("robots.txt: more than %d redirects", robotsMaxRedirects)
		}
		return nil
	}}
	resp, err := client.Do(req)
	if err != nil {
		var ru *robotsUnavailableError
		if errors.As(err, &ru) {
			return 0, nil, ru
		}
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body) // the transport caps it at maxRobotsSize
	if err != nil {
		return 0, nil, fmt.Errorf("read robots.txt: %w", err)
	}
	return resp.StatusCode, body, nil
}
