package scraper

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// memRobots is a RobotsStore in memory, as the store keeps it on disk.
type memRobots struct {
	mu    sync.Mutex
	files map[string]storedRobots
	saves int
}

type storedRobots struct {
	status int
	body   []byte
	at     time.Time
}

func (m *memRobots) LoadRobots(_ context.Context, origin string) (int, []byte, time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f := m.files[origin]
	return f.status, f.body, f.at, nil
}

func (m *memRobots) SaveRobots(_ context.Context, origin string, status int, body []byte, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.files == nil {
		m.files = map[string]storedRobots{}
	}
	m.files[origin] = storedRobots{status, body, at}
	m.saves++
	return nil
}

// TestFetchRobotsStored runs several "runs" (one Fetcher each, as watch
// makes them) against one RobotsStore with an injected clock: robots.txt
// is fetched once and reused for up to 24 hours (RFC 9309 §2.4), fetched
// again after that, and an unreachable robots.txt falls back to the
// stored copy instead of failing the run.
func TestFetchRobotsStored(t *testing.T) {
	var mu sync.Mutex
	robotsHits, robotsStatus := 0, http.StatusOK
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		robotsHits++
		if robotsStatus != http.StatusOK {
			w.WriteHeader(robotsStatus)
			return
		}
		fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	store := &memRobots{}
	start := time.Date(2024, 2, 6, 9, 0, 0, 0, time.UTC)
	runs := []struct {
		name       string
		at         time.Duration // clock offset from start
		robots     int           // robots.txt status served during the run
		wantHits   int           // robots.txt requests so far
		wantPublic error
	}{
		{"first run fetches and stores robots.txt", 0, 200, 1, nil},
		{"23 h later the stored copy is used", 23 * time.Hour, 200, 1, nil},
		{"25 h later it is fetched again", 25 * time.Hour, 200, 2, nil},
		{"robots.txt down, stale copy kept", 50 * time.Hour, 503, 3, nil},
	}
	for _, run := range runs {
		t.Run(run.name, func(t *testing.T) {
			mu.Lock()
			robotsStatus = run.robots
			mu.Unlock()
			cfg := testConfig()
			cfg.RespectRobots = true
			cfg.Retries = 0
			cfg.Robots = store
			cfg.Now = func() time.Time { return start.Add(run.at) }
			f := NewFetcher(cfg)
			if _, err := f.Fetch(t.Context(), FetchRequest{URL: srv.URL + "/page/a"}); !errors.Is(err, run.wantPublic) {
				t.Errorf("public page: %v", err)
			}
			if _, err := f.Fetch(t.Context(), FetchRequest{URL: srv.URL + "/private/b"}); !errors.Is(err, ErrRobotsDisallowed) {
				t.Errorf("private page: err %v, want ErrRobotsDisallowed", err)
			}
			mu.Lock()
			hits := robotsHits
			mu.Unlock()
			if hits != run.wantHits {
				t.Errorf("robots.txt fetched %d times so far, want %d", hits, run.wantHits)
			}
		})
	}
	if store.saves != 2 {
		t.Errorf("robots.txt stored %d times, want 2 (first run and the refresh; never the 503)", store.saves)
	}
	// Without any stored copy an unreachable robots.txt stays an error
	// (retried), never "allow all".
	cfg := testConfig()
	cfg.RespectRobots = true
	cfg.Retries = 0
	cfg.Robots = &memRobots{}
	_, err := NewFetcher(cfg).Fetch(t.Context(), FetchRequest{URL: srv.URL + "/page/a"})
	var fe *FetchError
	if !errors.As(err, &fe) || fe.Err == nil {
		t.Fatalf("robots.txt 503 with nothing stored: err %v, want a fetch error", err)
	}
}

// TestFetchNoDelayBeforeFirstRequest checks a run whose robots.txt comes
// from the store sends its first page request at once, however long the
// per-host delay, and spaces the second by the delay.
func TestFetchNoDelayBeforeFirstRequest(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") }))
	defer srv.Close()
	store := &memRobots{}
	now := time.Now()
	if err := store.SaveRobots(t.Context(), srv.URL, 200, []byte("User-agent: *\nAllow: /\n"), now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig()
	cfg.RespectRobots = true
	cfg.Robots = store
	cfg.Delay = 300 * time.Millisecond
	f := NewFetcher(cfg)
	begin := time.Now()
	if _, err := f.Fetch(t.Context(), FetchRequest{URL: srv.URL + "/page/1"}); err != nil {
		t.Fatal(err)
	}
	first := time.Since(begin)
	if _, err := f.Fetch(t.Context(), FetchRequest{URL: srv.URL + "/page/2"}); err != nil {
		t.Fatal(err)
	}
	second := time.Since(begin)
	if first >= cfg.Delay {
		t.Errorf("first request took %v: it waited for the %v delay", first, cfg.Delay)
	}
	if second < cfg.Delay {
		t.Errorf("second request done after %v, want spaced by at least %v", second, cfg.Delay)
	}
}
