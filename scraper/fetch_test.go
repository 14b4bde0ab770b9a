package scraper

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fixturePage is a small hand-written updates page served by the test servers.
func fixturePage(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/fetch/page.html")
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return b
}

// testConfig is the polite default with test-sized waits. Keep-alives are
// off so every attempt reaches the handler: Go's transport silently replays
// a GET whose reused connection dies, which would hide scripted failures.
func testConfig() FetcherConfig {
	cfg := DefaultFetcherConfig()
	cfg.Delay = -1
	cfg.RetryBase = time.Millisecond
	cfg.Timeout = 2 * time.Second
	cfg.RespectRobots = false
	cfg.Transport = &http.Transport{DisableKeepAlives: true}
	return cfg
}

// script answers successive page requests with scripted behaviours; the last
// one repeats. Hits are counted per path.
type script struct {
	t     *testing.T
	body  []byte
	steps []string

	mu   sync.Mutex
	hits int
	uas  []string
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	step := s.steps[min(s.hits, len(s.steps)-1)]
	s.hits++
	s.uas = append(s.uas, r.UserAgent())
	s.mu.Unlock()

	switch step {
	case "reset", "close":
		hj, ok := w.(http.Hijacker)
		if !ok {
			s.t.Error("server does not support hijacking")
			return
		}
		conn, _, err := hj.Hijack()
		if err != nil {
			s.t.Errorf("hijack: %v", err)
			return
		}
		if tc, ok := conn.(*net.TCPConn); ok && step == "reset" {
			// Linger 0 makes Close send RST: a real "connection reset by peer".
			tc.SetLinger(0)
		}
		conn.Close()
	case "hang":
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	case "200":
		w.Write(s.body)
	default:
		code, err := strconv.Atoi(step)
		if err != nil {
			s.t.Errorf("bad script step %q", step)
			return
		}
		if code == http.StatusServiceUnavailable || code == http.StatusTooManyRequests {
			if ra := r.Header.Get("X-Test-Retry-After"); ra != "" {
				w.Header().Set("Retry-After", ra)
			}
		}
		http.Error(w, http.StatusText(code), code)
	}
}

func (s *script) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits
}

func TestFetchConditional(t *testing.T) {
	page := fixturePage(t)
	const etag = `"v1-abc"`
	const lastMod = "Mon, 12 Jan 2026 15:04:05 GMT"

	type seen struct{ inm, ims string }
	var mu sync.Mutex
	var got seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = seen{r.Header.Get("If-None-Match"), r.Header.Get("If-Modified-Since")}
		mu.Unlock()
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", lastMod)
		// RFC 9110: If-None-Match takes precedence over If-Modified-Since.
		inm, ims := r.Header.Get("If-None-Match"), r.Header.Get("If-Modified-Since")
		if (inm != "" && inm == etag) || (inm == "" && ims == lastMod) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	}))
	defer srv.Close()

	tests := []struct {
		name         string
		req          FetchRequest
		wantSeen     seen
		wantNotMod   bool
		wantStatus   int
		wantBodySize int
	}{
		{"first fetch, no validators", FetchRequest{}, seen{}, false, 200, len(page)},
		{"both validators", FetchRequest{ETag: etag, LastModified: lastMod}, seen{etag, lastMod}, true, 304, 0},
		{"etag only", FetchRequest{ETag: etag}, seen{etag, ""}, true, 304, 0},
		{"last-modified only", FetchRequest{LastModified: lastMod}, seen{"", lastMod}, true, 304, 0},
		{"stale etag", FetchRequest{ETag: `"v0"`}, seen{`"v0"`, ""}, false, 200, len(page)},
	}
	f := NewFetcher(testConfig())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := tt.req
			req.URL = srv.URL + "/page/2026-updates"
			res, err := f.Fetch(t.Context(), req)
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			mu.Lock()
			if got != tt.wantSeen {
				t.Errorf("server saw validators %+v, want %+v", got, tt.wantSeen)
			}
			mu.Unlock()
			if res.Status != tt.wantStatus || res.NotModified != tt.wantNotMod {
				t.Errorf("status %d notModified %v, want %d %v", res.Status, res.NotModified, tt.wantStatus, tt.wantNotMod)
			}
			if len(res.Body) != tt.wantBodySize {
				t.Errorf("body %d bytes, want %d", len(res.Body), tt.wantBodySize)
			}
			if tt.wantBodySize > 0 && !bytes.Equal(res.Body, page) {
				t.Errorf("body differs from the served page")
			}
			if res.Bytes != int64(tt.wantBodySize) {
				t.Errorf("Bytes = %d, want %d", res.Bytes, tt.wantBodySize)
			}
			if res.ETag != etag || res.LastModified != lastMod {
				t.Errorf("validators %q %q, want %q %q", res.ETag, res.LastModified, etag, lastMod)
			}
			if res.Attempts != 1 || res.URL != req.URL {
				t.Errorf("attempts %d url %q, want 1 %q", res.Attempts, res.URL, req.URL)
			}
		})
	}
}

// A 304 without validators keeps the ones the caller sent, so the store
// never loses them.
func TestFetchNotModifiedKeepsValidators(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotModified)
	}))
	defer srv.Close()
	req := FetchRequest{URL: srv.URL, ETag: `W/"x"`, LastModified: "Tue, 06 Feb 2024 10:00:00 GMT"}
	res, err := NewFetcher(testConfig()).Fetch(t.Context(), req)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if !res.NotModified || res.ETag != req.ETag || res.LastModified != req.LastModified {
		t.Errorf("got %+v, want NotModified with the request's validators", res)
	}
}

func TestFetchRetries(t *testing.T) {
	page := fixturePage(t)
	tests := []struct {
		name         string
		steps        []string
		retries      int
		timeout      time.Duration
		wantErr      error  // nil: success
		wantTimeout  bool   // error is the per-request timeout
		wantStatus   int    // result or FetchError status
		wantAttempts int    // also the number of page hits
		wantMsg      string // substring of the error text
	}{
		{name: "500 then 200", steps: []string{"500", "200"}, retries: 3, wantStatus: 200, wantAttempts: 2},
		{name: "502 503 504 then 200", steps: []string{"502", "503", "504", "200"}, retries: 3, wantStatus: 200, wantAttempts: 4},
		{name: "429 then 200", steps: []string{"429", "200"}, retries: 3, wantStatus: 200, wantAttempts: 2},
		{name: "connection reset then 200", steps: []string{"reset", "200"}, retries: 3, wantStatus: 200, wantAttempts: 2},
		{name: "connection closed then 200", steps: []string{"close", "200"}, retries: 3, wantStatus: 200, wantAttempts: 2},
		{name: "timeout then 200", steps: []string{"hang", "200"}, retries: 3, timeout: 100 * time.Millisecond, wantStatus: 200, wantAttempts: 2},
		{name: "503 always", steps: []string{"503"}, retries: 3, wantErr: errStatus, wantStatus: 503, wantAttempts: 4,
			wantMsg: "503 Service Unavailable after 4 attempts"},
		{name: "reset always", steps: []string{"reset"}, retries: 2, wantErr: errAny, wantAttempts: 3, wantMsg: "after 3 attempts"},
		{name: "timeout always", steps: []string{"hang"}, retries: 1, timeout: 100 * time.Millisecond, wantErr: errRequestTimeout,
			wantTimeout: true, wantAttempts: 2, wantMsg: "no complete response within 100ms"},
		{name: "no retries configured", steps: []string{"500", "200"}, retries: 0, wantErr: errStatus, wantStatus: 500, wantAttempts: 1},
		{name: "404 is not retried", steps: []string{"404", "200"}, retries: 3, wantErr: ErrNotFound, wantStatus: 404, wantAttempts: 1},
		{name: "410 is not found", steps: []string{"410"}, retries: 3, wantErr: ErrNotFound, wantStatus: 410, wantAttempts: 1},
		{name: "403 is permanent", steps: []string{"403", "200"}, retries: 3, wantErr: errStatus, wantStatus: 403, wantAttempts: 1,
			wantMsg: "403 Forbidden"},
		{name: "501 is permanent", steps: []string{"501", "200"}, retries: 3, wantErr: errStatus, wantStatus: 501, wantAttempts: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &script{t: t, body: page, steps: tt.steps}
			srv := httptest.NewServer(s)
			defer srv.Close()
			cfg := testConfig()
			cfg.Retries = tt.retries
			if tt.timeout > 0 {
				cfg.Timeout = tt.timeout
			}
			url := srv.URL + "/page/2025-ontario-immigrant-nominee-program-updates"
			res, err := NewFetcher(cfg).Fetch(t.Context(), FetchRequest{URL: url})
			if hits := s.count(); hits != tt.wantAttempts {
				t.Errorf("server saw %d page requests, want %d", hits, tt.wantAttempts)
			}
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Fetch: %v", err)
				}
				if res.Status != tt.wantStatus || res.Attempts != tt.wantAttempts || !bytes.Equal(res.Body, page) {
					t.Errorf("status %d attempts %d body %d bytes, want %d %d %d", res.Status, res.Attempts, len(res.Body),
						tt.wantStatus, tt.wantAttempts, len(page))
				}
				return
			}
			var fe *FetchError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v (%T), want *FetchError", err, err)
			}
			if tt.wantErr != errAny && !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want it to wrap %v", err, tt.wantErr)
			}
			if fe.URL != url || fe.Status != tt.wantStatus || fe.Attempts != tt.wantAttempts {
				t.Errorf("FetchError{URL %q Status %d Attempts %d}, want %q %d %d", fe.URL, fe.Status, fe.Attempts,
					url, tt.wantStatus, tt.wantAttempts)
			}
			if !strings.HasPrefix(err.Error(), "fetch "+url+": ") || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error text %q, want prefix %q and %q", err.Error(), "fetch "+url+": ", tt.wantMsg)
			}
			if tt.wantTimeout && errors.Is(err, context.DeadlineExceeded) {
				// The caller's deadline and the request timeout must stay
				// distinguishable: the daemon retries the latter next poll.
				t.Errorf("request timeout reported as the caller's deadline: %v", err)
			}
		})
	}
}

// errAny accepts any error cause in TestFetchRetries.
var errAny = errors.New("any error")

// TestFetchBackoff observes the waits between attempts without sleeping.
func TestFetchBackoff(t *testing.T) {
	tests := []struct {
		name       string
		retryAfter string
		retryBase  time.Duration
		retries    int
		wantMin    []time.Duration // per wait, inclusive
		wantMax    []time.Duration
		wantErrMsg string // "" means success expected after the waits
	}{
		{name: "exponential with jitter", retryBase: 100 * time.Millisecond, retries: 3,
			wantMin:    []time.Duration{50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond},
			wantMax:    []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond},
			wantErrMsg: "503 Service Unavailable after 4 attempts"},
		{name: "capped", retryBase: 20 * time.Second, retries: 2,
			wantMin:    []time.Duration{10 * time.Second, maxBackoff / 2},
			wantMax:    []time.Duration{20 * time.Second, maxBackoff},
			wantErrMsg: "after 3 attempts"},
		{name: "retry-after seconds raises the wait", retryAfter: "7", retryBase: time.Millisecond, retries: 1,
			wantMin: []time.Duration{7 * time.Second}, wantMax: []time.Duration{7 * time.Second},
			wantErrMsg: "after 2 attempts"},
		{name: "retry-after beyond the cap gives up at once", retryAfter: "3600", retryBase: time.Millisecond, retries: 3,
			wantErrMsg: "server asked to wait 1h0m0s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &script{t: t, steps: []string{"503"}}
			srv := httptest.NewServer(s)
			defer srv.Close()
			cfg := testConfig()
			cfg.RetryBase, cfg.Retries = tt.retryBase, tt.retries
			// The script server copies this request header into Retry-After.
			cfg.Transport = headerTransport{base: cfg.Transport, key: "X-Test-Retry-After", val: tt.retryAfter}
			f := NewFetcher(cfg)
			var waits []time.Duration
			f.sleep = func(ctx context.Context, d time.Duration) error {
				waits = append(waits, d)
				return nil
			}
			_, err := f.Fetch(t.Context(), FetchRequest{URL: srv.URL})
			if err == nil || !strings.Contains(err.Error(), tt.wantErrMsg) {
				t.Errorf("err = %v, want it to mention %q", err, tt.wantErrMsg)
			}
			if len(waits) != len(tt.wantMin) {
				t.Fatalf("waits %v, want %d of them", waits, len(tt.wantMin))
			}
			for i, w := range waits {
				if w < tt.wantMin[i] || w > tt.wantMax[i] {
					t.Errorf("wait %d = %v, want within [%v, %v]", i+1, w, tt.wantMin[i], tt.wantMax[i])
				}
			}
		})
	}
}

type headerTransport struct {
	base     http.RoundTripper
	key, val string
}

func (h headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if h.val != "" {
		r = r.Clone(r.Context())
		r.Header.Set(h.key, h.val)
	}
	return h.base.RoundTrip(r)
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 13, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"120", 2 * time.Minute},
		{"-5", 0},
		{"Tue, 13 Jan 2026 12:00:30 GMT", 30 * time.Second},
		{"Tue, 13 Jan 2026 11:00:00 GMT", 0},
		{"soon", 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestFetchCancel checks that a cancelled run returns promptly wherever the
// fetcher is waiting: on the server, in backoff, in the polite delay, or on
// robots.txt (which colly fetches without a context).
func TestFetchCancel(t *testing.T) {
	page := fixturePage(t)
	tests := []struct {
		name   string
		steps  []string
		robots string // "hang" makes robots.txt block
		mod    func(*FetcherConfig)
		warmup bool // fetch once before the cancelled fetch
	}{
		{name: "server hangs", steps: []string{"hang"}},
		{name: "in backoff", steps: []string{"503"}, mod: func(c *FetcherConfig) { c.RetryBase = 20 * time.Second }},
		{name: "in polite delay", steps: []string{"200"}, warmup: true, mod: func(c *FetcherConfig) { c.Delay = 20 * time.Second }},
		{name: "robots.txt hangs", steps: []string{"200"}, robots: "hang", mod: func(c *FetcherConfig) { c.RespectRobots = true }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &script{t: t, body: page, steps: tt.steps}
			mux := http.NewServeMux()
			mux.Handle("/", s)
			mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
				if tt.robots == "hang" {
					select {
					case <-r.Context().Done():
					case <-time.After(10 * time.Second):
					}
				}
			})
			srv := httptest.NewServer(mux)
			defer srv.Close()
			cfg := testConfig()
			cfg.Timeout = 20 * time.Second
			if tt.mod != nil {
				tt.mod(&cfg)
			}
			f := NewFetcher(cfg)
			if tt.warmup {
				if _, err := f.Fetch(t.Context(), FetchRequest{URL: srv.URL}); err != nil {
					t.Fatalf("warm-up fetch: %v", err)
				}
			}
			ctx, cancel := context.WithCancel(t.Context())
			timer := time.AfterFunc(50*time.Millisecond, cancel)
			defer timer.Stop()
			start := time.Now()
			_, err := f.Fetch(ctx, FetchRequest{URL: srv.URL})
			elapsed := time.Since(start)
			if !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v, want context.Canceled", err)
			}
			var fe *FetchError
			if !errors.As(err, &fe) {
				t.Errorf("err is %T, want *FetchError", err)
			}
			if elapsed > 2*time.Second {
				t.Errorf("returned after %v, want promptly after cancel", elapsed)
			}
		})
	}
}

func TestFetchRobots(t *testing.T) {
	page := fixturePage(t)
	const rules = "User-agent: drawwatch\nDisallow: /private/\n\nUser-agent: *\nDisallow: /\n"
	tests := []struct {
		name        string
		robots      []string // robots.txt status per request ("200" serves rules); last repeats
		respect     bool
		paths       []string // fetched in order with one Fetcher
		wantErr     []error  // per path; nil is success
		wantPage    int      // page handler hits
		wantRobotsN int      // robots.txt requests
	}{
		{name: "disallowed path never reaches the handler", robots: []string{"200"}, respect: true,
			paths: []string{"/private/a"}, wantErr: []error{ErrRobotsDisallowed}, wantPage: 0, wantRobotsN: 1},
		{name: "allowed path, robots cached per host", robots: []string{"200"}, respect: true,
			paths: []string{"/page/a", "/page/b", "/private/c"}, wantErr: []error{nil, nil, ErrRobotsDisallowed},
			wantPage: 2, wantRobotsN: 1},
		{name: "robots ignored when configured", robots: []string{"200"}, respect: false,
			paths: []string{"/private/a"}, wantErr: []error{nil}, wantPage: 1, wantRobotsN: 0},
		{name: "missing robots.txt allows all", robots: []string{"404"}, respect: true,
			paths: []string{"/private/a"}, wantErr: []error{nil}, wantPage: 1, wantRobotsN: 1},
		{name: "robots 503 is retried, not cached as disallow-all", robots: []string{"503", "200"}, respect: true,
			paths: []string{"/page/a"}, wantErr: []error{nil}, wantPage: 1, wantRobotsN: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &script{t: t, body: page, steps: []string{"200"}}
			var mu sync.Mutex
			robotsN := 0
			var robotsUA string
			mux := http.NewServeMux()
			mux.Handle("/", s)
			mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				step := tt.robots[min(robotsN, len(tt.robots)-1)]
				robotsN++
				robotsUA = r.UserAgent()
				mu.Unlock()
				if step != "200" {
					code, _ := strconv.Atoi(step)
					http.Error(w, http.StatusText(code), code)
					return
				}
				fmt.Fprint(w, rules)
			})
			srv := httptest.NewServer(mux)
			defer srv.Close()
			cfg := testConfig()
			cfg.RespectRobots = tt.respect
			f := NewFetcher(cfg)
			for i, p := range tt.paths {
				_, err := f.Fetch(t.Context(), FetchRequest{URL: srv.URL + p})
				if tt.wantErr[i] == nil && err != nil {
					t.Errorf("Fetch %s: %v", p, err)
				}
				if tt.wantErr[i] != nil && !errors.Is(err, tt.wantErr[i]) {
					t.Errorf("Fetch %s: err = %v, want %v", p, err, tt.wantErr[i])
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if s.count() != tt.wantPage || robotsN != tt.wantRobotsN {
				t.Errorf("page hits %d robots hits %d, want %d %d", s.count(), robotsN, tt.wantPage, tt.wantRobotsN)
			}
			if robotsN > 0 && !strings.HasPrefix(robotsUA, "drawwatch/") {
				t.Errorf("robots.txt User-Agent %q, want drawwatch/…", robotsUA)
			}
		})
	}
}

func TestFetchUserAgent(t *testing.T) {
	s := &script{t: t, body: fixturePage(t), steps: []string{"200"}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	tests := []struct {
		name    string
		version string
		ua      string
		want    string
	}{
		{"default names drawwatch and version", "1.4.2", "", "drawwatch/1.4.2 (+https://github.com/drawwatch/drawwatch)"},
		{"configured", "dev", "drawwatch/dev (ops@example.com)", "drawwatch/dev (ops@example.com)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := Version
			Version = tt.version
			defer func() { Version = old }()
			cfg := testConfig()
			cfg.UserAgent = tt.ua
			if _, err := NewFetcher(cfg).Fetch(t.Context(), FetchRequest{URL: srv.URL}); err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			s.mu.Lock()
			got := s.uas[len(s.uas)-1]
			s.mu.Unlock()
			if got != tt.want {
				t.Errorf("User-Agent %q, want %q", got, tt.want)
			}
		})
	}
}

// TestFetchIgnoresCollyEnv: colly.NewCollector would let these variables
// override the fetcher's politeness.
func TestFetchIgnoresCollyEnv(t *testing.T) {
	t.Setenv("COLLY_USER_AGENT", "evil-bot")
	t.Setenv("COLLY_IGNORE_ROBOTSTXT", "yes")
	t.Setenv("COLLY_MAX_BODY_SIZE", "0")
	t.Setenv("COLLY_DISALLOWED_DOMAINS", "127.0.0.1")

	var mu sync.Mutex
	var ua string
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		ua = r.UserAgent()
		mu.Unlock()
		w.Write(bytes.Repeat([]byte("x"), 200))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	cfg := testConfig()
	cfg.RespectRobots = true
	cfg.MaxBodySize = 100
	f := NewFetcher(cfg)

	tests := []struct {
		path    string
		wantErr error
	}{
		{"/private/x", ErrRobotsDisallowed},
		{"/public", ErrBodyTooLarge},
	}
	for _, tt := range tests {
		_, err := f.Fetch(t.Context(), FetchRequest{URL: srv.URL + tt.path})
		if !errors.Is(err, tt.wantErr) {
			t.Errorf("Fetch %s: err = %v, want %v", tt.path, err, tt.wantErr)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.HasPrefix(ua, "drawwatch/") {
		t.Errorf("User-Agent %q, want drawwatch/… despite COLLY_USER_AGENT", ua)
	}
}

func gzipBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestFetchGzip runs on the default transport (Transport nil) so Go's own
// transparent decoding is what is being checked against.
func TestFetchGzip(t *testing.T) {
	page := bytes.Repeat(fixturePage(t), 20)
	zipped := gzipBytes(t, page)
	tests := []struct {
		name      string
		encode    bool
		wantBytes int
	}{
		{"gzip", true, len(zipped)},
		{"identity", false, len(page)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var acceptEnc string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				acceptEnc = r.Header.Get("Accept-Encoding")
				mu.Unlock()
				if tt.encode && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
					w.Header().Set("Content-Encoding", "gzip")
					w.Write(zipped)
					return
				}
				w.Write(page)
			}))
			defer srv.Close()
			cfg := testConfig()
			cfg.Transport = nil
			res, err := NewFetcher(cfg).Fetch(t.Context(), FetchRequest{URL: srv.URL})
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			mu.Lock()
			if !strings.Contains(acceptEnc, "gzip") {
				t.Errorf("Accept-Encoding %q, want gzip", acceptEnc)
			}
			mu.Unlock()
			if !bytes.Equal(res.Body, page) {
				t.Errorf("body is %d bytes and differs from the %d-byte page", len(res.Body), len(page))
			}
			if res.Bytes != int64(tt.wantBytes) {
				t.Errorf("Bytes = %d, want %d on the wire", res.Bytes, tt.wantBytes)
			}
		})
	}
}

func TestFetchMaxBodySize(t *testing.T) {
	const maxBody = 4096
	exact := bytes.Repeat([]byte("a"), maxBody)
	over := bytes.Repeat([]byte("a"), maxBody+1)
	bomb := gzipBytes(t, bytes.Repeat([]byte("a"), 1<<20))
	tests := []struct {
		name    string
		handler http.HandlerFunc
		wantErr bool
		wantMsg string
	}{
		{"exactly the cap", func(w http.ResponseWriter, r *http.Request) { w.Write(exact) }, false, ""},
		{"content-length over the cap is refused before reading", func(w http.ResponseWriter, r *http.Request) {
			// Set by hand: net/http only adds it to bodies under 2 KiB.
			w.Header().Set("Content-Length", strconv.Itoa(len(over)))
			w.Write(over)
		}, true, "Content-Length 4097 over 4096 bytes"},
		{"chunked over the cap", func(w http.ResponseWriter, r *http.Request) {
			// Flushing first forces chunked encoding: no Content-Length to check.
			w.WriteHeader(http.StatusOK)
			w.(http.Flusher).Flush()
			w.Write(over)
		}, true, "over 4096 bytes"},
		{"gzip expanding over the cap", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(bomb)
		}, true, "over 4096 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			cfg := testConfig()
			cfg.MaxBodySize = maxBody
			res, err := NewFetcher(cfg).Fetch(t.Context(), FetchRequest{URL: srv.URL})
			if !tt.wantErr {
				if err != nil || len(res.Body) != maxBody {
					t.Fatalf("Fetch: %v, want the whole %d-byte body", err, maxBody)
				}
				return
			}
			if !errors.Is(err, ErrBodyTooLarge) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("err = %v, want ErrBodyTooLarge saying %q", err, tt.wantMsg)
			}
			var fe *FetchError
			if errors.As(err, &fe) && fe.Attempts != 1 {
				t.Errorf("Attempts = %d, want 1: an oversize page is not retried", fe.Attempts)
			}
		})
	}
}

// TestFetchDelay measures request spacing on the server's clock.
func TestFetchDelay(t *testing.T) {
	const delay = 50 * time.Millisecond
	tests := []struct {
		name    string
		robots  bool
		fetches int
	}{
		{"pages only", false, 3},
		// robots.txt goes first and the first page right after it: the
		// delay spaces page requests, it does not precede a run's first.
		{"robots.txt does not delay the first page", true, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var arrivals []time.Time
			var paths []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				arrivals = append(arrivals, time.Now())
				paths = append(paths, r.URL.Path)
				mu.Unlock()
				fmt.Fprint(w, "ok")
			}))
			defer srv.Close()
			cfg := testConfig()
			cfg.Delay = delay
			cfg.RespectRobots = tt.robots
			f := NewFetcher(cfg)
			for i := range tt.fetches {
				if _, err := f.Fetch(t.Context(), FetchRequest{URL: fmt.Sprintf("%s/page/%d", srv.URL, i)}); err != nil {
					t.Fatalf("Fetch %d: %v", i, err)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			want := tt.fetches
			if tt.robots {
				want++
			}
			if len(arrivals) != want {
				t.Fatalf("server saw %d requests (%v), want %d", len(arrivals), paths, want)
			}
			for i := 1; i < len(arrivals); i++ {
				if paths[i-1] == "/robots.txt" {
					if gap := arrivals[i].Sub(arrivals[i-1]); gap >= delay {
						t.Errorf("gap %s→%s = %v: the first page waited for the delay", paths[i-1], paths[i], gap)
					}
					continue
				}
				if gap := arrivals[i].Sub(arrivals[i-1]); gap < delay {
					t.Errorf("gap %s→%s = %v, want >= %v", paths[i-1], paths[i], gap, delay)
				} else {
					t.Logf("gap %s→%s = %v", paths[i-1], paths[i], gap)
				}
			}
		})
	}
}

// The delay is per host: a second host is not held back by the first.
func TestFetchDelayPerHost(t *testing.T) {
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") })
	a, b := httptest.NewServer(handler), httptest.NewServer(handler)
	defer a.Close()
	defer b.Close()
	cfg := testConfig()
	cfg.Delay = time.Second
	f := NewFetcher(cfg)
	if _, err := f.Fetch(t.Context(), FetchRequest{URL: a.URL}); err != nil {
		t.Fatalf("Fetch a: %v", err)
	}
	start := time.Now()
	if _, err := f.Fetch(t.Context(), FetchRequest{URL: b.URL}); err != nil {
		t.Fatalf("Fetch b: %v", err)
	}
	if d := time.Since(start); d >= cfg.Delay {
		t.Errorf("fetch to another host took %v, want no wait for %v", d, cfg.Delay)
	}
}

func TestFetchRedirect(t *testing.T) {
	page := fixturePage(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/page/old", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/page/new", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/page/new", func(w http.ResponseWriter, r *http.Request) { w.Write(page) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	f := NewFetcher(testConfig())
	// Twice: colly would refuse the second visit without AllowURLRevisit.
	for range 2 {
		res, err := f.Fetch(t.Context(), FetchRequest{URL: srv.URL + "/page/old"})
		if err != nil {
			t.Fatalf("Fetch: %v", err)
		}
		if res.URL != srv.URL+"/page/new" || !bytes.Equal(res.Body, page) || res.Bytes != int64(len(page)) {
			t.Errorf("URL %q body %d bytes Bytes %d, want %q and the page", res.URL, len(res.Body), res.Bytes, srv.URL+"/page/new")
		}
	}
}

func TestFetchBadURL(t *testing.T) {
	for _, u := range []string{"", "ontario.ca/page/x", "ftp://ontario.ca/x", "http://"} {
		_, err := NewFetcher(testConfig()).Fetch(t.Context(), FetchRequest{URL: u})
		var fe *FetchError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), "not an absolute http(s) URL") {
			t.Errorf("Fetch(%q) err = %v, want a *FetchError about the URL", u, err)
		}
	}
}

func TestFetchErrorText(t *testing.T) {
	const u = "https://www.ontario.ca/page/2027-ontario-immigrant-nominee-program-updates"
	tests := []struct {
		err  FetchError
		want string
	}{
		{FetchError{URL: u, Status: 503, Attempts: 4, Err: errStatus}, "fetch " + u + ": 503 Service Unavailable after 4 attempts"},
		{FetchError{URL: u, Status: 404, Attempts: 1, Err: ErrNotFound}, "fetch " + u + ": 404 Not Found"},
		{FetchError{URL: u, Attempts: 1, Err: ErrRobotsDisallowed}, "fetch " + u + ": " + ErrRobotsDisallowed.Error()},
		{FetchError{URL: u, Attempts: 2, Err: context.Canceled}, "fetch " + u + ": context canceled after 2 attempts"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

// TestFetchCharset: bodies are decoded to UTF-8 by BOM, Content-Type
// charset and <meta> in that order; the cap and Bytes still count what the
// server sent.
func TestFetchCharset(t *testing.T) {
	latin1 := "<p>Qu\xe9bec et l\x27Ontario \x96 2024</p>"
	cp1252Meta := "<html><head><meta charset=\"windows-1252\"></head><body>" + latin1 + "</body></html>"
	httpEquiv := "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\"></head><body>" + latin1 + "</body></html>"
	utf8Meta := "<html><head><meta charset=\"utf-8\"></head><body><p>Québec – 2024</p></body></html>"
	tests := []struct {
		name, contentType, body string
		want, charset           string
	}{
		{"header charset (ISO-8859-1 is windows-1252 to WHATWG)", "text/html; charset=ISO-8859-1", latin1, "<p>Québec et l'Ontario – 2024</p>", "windows-1252"},
		{"meta charset only", "text/html", cp1252Meta, strings.Replace(cp1252Meta, latin1, "<p>Québec et l'Ontario – 2024</p>", 1), "windows-1252"},
		{"meta http-equiv only", "text/html", httpEquiv, strings.Replace(httpEquiv, latin1, "<p>Québec et l'Ontario – 2024</p>", 1), "windows-1252"},
		{"no content type, meta charset", "", cp1252Meta, strings.Replace(cp1252Meta, latin1, "<p>Québec et l'Ontario – 2024</p>", 1), "windows-1252"},
		{"header beats meta", "text/html; charset=utf-8", utf8Meta, utf8Meta, "utf-8"},
		{"UTF-8 BOM beats a wrong header and is dropped", "text/html; charset=windows-1252", "\xef\xbb\xbf" + utf8Meta, utf8Meta, "utf-8"},
		{"undeclared UTF-8 left as sent", "text/html", "<p>Québec – 2024</p>", "<p>Québec – 2024</p>", "utf-8"},
		{"undeclared non-UTF-8 read as windows-1252", "text/html", latin1, "<p>Québec et l'Ontario – 2024</p>", "windows-1252"},
		{"windows-1252 labelled utf-8 is windows-1252", "text/html; charset=utf-8", latin1, "<p>Québec et l'Ontario – 2024</p>", "windows-1252"},
		{"UTF-8 labelled windows-1252 is UTF-8", "text/html; charset=windows-1252", "<p>Québec – 2024</p>", "<p>Québec – 2024</p>", "utf-8"},
		{"UTF-8 with one stray byte stays UTF-8", "text/html; charset=utf-8", "<p>Québec \xe9 2024</p>", "<p>Québec \xe9 2024</p>", "utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header()["Content-Type"] = []string{tt.contentType}
				if tt.contentType == "" {
					w.Header()["Content-Type"] = nil // no sniffing by net/http either
				}
				io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			cfg := testConfig()
			cfg.MaxBodySize = len(tt.body) // conversion grows the body past the cap: not an error
			res, err := NewFetcher(cfg).Fetch(t.Context(), FetchRequest{URL: srv.URL})
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if string(res.Body) != tt.want || res.Charset != tt.charset || res.Bytes != int64(len(tt.body)) {
				t.Errorf("body %q (%s) Bytes %d\nwant %q (%s) %d", res.Body, res.Charset, res.Bytes, tt.want, tt.charset, len(tt.body))
			}
		})
	}
}

// TestZeroDelayMeansNone: `fetch.delay = "0s"` reaches the fetcher as 0, and
// 0 is honoured rather than replaced by the 2s default.
func TestZeroDelayMeansNone(t *testing.T) {
	cfg := DefaultFetcherConfig()
	cfg.Delay = 0
	if got := NewFetcher(cfg).tr.delay; got != 0 {
		t.Errorf("delay 0 became %s", got)
	}
	if got := NewFetcher(DefaultFetcherConfig()).tr.delay; got != DefaultDelay {
		t.Errorf("default delay = %s, want %s", got, DefaultDelay)
	}
}

// TestFetchRedirectRefused: a redirect off the watched host, a loop and a
// chain too long are source errors that name the whole chain, never
// followed and never retried.
func TestFetchRedirectRefused(t *testing.T) {
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request reached the other host: %s", r.URL)
	}))
	defer elsewhere.Close()
	// Same address, another host name: "localhost" is not the watched "127.0.0.1".
	otherHost := strings.Replace(elsewhere.URL, "127.0.0.1", "localhost", 1)
	mux := http.NewServeMux()
	mux.HandleFunc("/away", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/hop", http.StatusFound) })
	mux.HandleFunc("/hop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, otherHost+"/page/oinp", http.StatusFound)
	})
	mux.HandleFunc("/loop-a", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop-b", http.StatusFound) })
	mux.HandleFunc("/loop-b", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop-a", http.StatusFound) })
	mux.HandleFunc("/chain/", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/chain/"))
		http.Redirect(w, r, fmt.Sprintf("/chain/%d", n+1), http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	tests := []struct {
		path  string
		chain []string
		want  string
	}{
		{"/away", []string{srv.URL + "/away", srv.URL + "/hop", otherHost + "/page/oinp"}, "redirect to another host"},
		{"/loop-a", []string{srv.URL + "/loop-a", srv.URL + "/loop-b", srv.URL + "/loop-a"}, "redirect loop"},
		{"/chain/0", []string{srv.URL + "/chain/0", srv.URL + "/chain/1", srv.URL + "/chain/10"}, "too many redirects"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			_, err := NewFetcher(testConfig()).Fetch(t.Context(), FetchRequest{URL: srv.URL + tt.path})
			var fe *FetchError
			var re *RedirectError
			if !errors.As(err, &fe) || !errors.As(err, &re) || !errors.Is(err, ErrRedirect) {
				t.Fatalf("err = %v, want a *FetchError wrapping a *RedirectError", err)
			}
			if fe.Attempts != 1 || fe.Status != http.StatusFound {
				t.Errorf("attempts %d status %d, want 1 attempt (not retried) and the 302", fe.Attempts, fe.Status)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), strings.Join(tt.chain[:2], " -> ")) ||
				!strings.Contains(err.Error(), tt.chain[len(tt.chain)-1]) {
				t.Errorf("error %q, want %q naming the chain %v", err, tt.want, tt.chain)
			}
		})
	}
}
