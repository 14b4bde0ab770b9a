package scraper

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/gocolly/colly/v2"

	"github.com/drawwatch/drawwatch/retry"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/charmap"
)

// Version is drawwatch's version as it appears in the User-Agent.
// Release builds set it with -ldflags "-X github.com/drawwatch/drawwatch/scraper.Version=…".
var Version = "dev"

// Defaults used by DefaultFetcherConfig and by NewFetcher for zero fields.
const (
	DefaultDelay       = 2 * time.Second
	DefaultTimeout     = 30 * time.Second
	DefaultMaxBodySize = 10 << 20
	DefaultRetries     = 3
	DefaultRetryBase   = time.Second

	// maxBackoff caps one wait between attempts. A server asking for a longer
	// pause (Retry-After) is left alone until the next scheduled poll.
	maxBackoff = 30 * time.Second
	// maxRobotsSize follows Google's 500 KiB robots.txt limit; colly reads
	// robots.txt without any limit.
	maxRobotsSize = 500 << 10
)

// ErrNotFound reports an HTTP 404 or 410. The daemon expects it for pages
// that do not exist yet (next year's updates page).
var ErrNotFound = errors.New("page not found (HTTP 404/410)")

// ErrRobotsDisallowed reports that the site's robots.txt forbids drawwatch's
// User-Agent to fetch the URL. Retrying does not help: drop the source or ask
// the site owner.
var ErrRobotsDisallowed = errors.New("robots.txt disallows this URL for drawwatch's User-Agent; drop the source or ask the site owner")

// ErrBodyTooLarge reports a response body over FetcherConfig.MaxBodySize.
// The body is discarded rather than parsed truncated.
var ErrBodyTooLarge = errors.New("response body exceeds the size cap (raise fetch.max_body_bytes if the page really grew)")

// ErrRedirect reports a redirect drawwatch does not follow: to another host
// than the watched one, or in a loop. The error is a *RedirectError that
// names the chain.
var ErrRedirect = errors.New("redirect not followed")

// maxRedirects is how many hops a fetch follows within the watched host.
const maxRedirects = 10

// RedirectError names the redirect chain that was refused, first URL first.
type RedirectError struct {
	Chain  []string
	Reason string // "redirect to another host", "redirect loop", "too many redirects"
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("%s: %s (if the page really moved, put its new URL in the source config)", e.Reason, strings.Join(e.Chain, " -> "))
}

// Unwrap makes errors.Is(err, ErrRedirect) hold.
func (e *RedirectError) Unwrap() error { return ErrRedirect }

// checkRedirect follows a redirect only within the watched host (the
// first request's host name; scheme and port may change, as in an
// http→https upgrade) and refuses loops and long chains.
func checkRedirect(req *http.Request, via []*http.Request) error {
	chain := make([]string, 0, len(via)+1)
	for _, v := range via {
		chain = append(chain, v.URL.String())
	}
	chain = append(chain, req.URL.String())
	switch {
	case !strings.EqualFold(req.URL.Hostname(), via[0].URL.Hostname()):
		return &RedirectError{Chain: chain, Reason: "redirect to another host"}
	case slices.Contains(chain[:len(chain)-1], req.URL.String()):
		return &RedirectError{Chain: chain, Reason: "redirect loop"}
	case len(via) >= maxRedirects:
		return &RedirectError{Chain: chain, Reason: "too many redirects"}
	}
	return nil
}

// errStatus marks a FetchError whose cause is the HTTP status alone.
var errStatus = errors.New("unexpected HTTP status")

// FetcherConfig says how politely and how persistently pages are fetched.
// NewFetcher replaces zero UserAgent, Timeout, MaxBodySize and RetryBase
// with the defaults; Delay 0 means no delay, Retries 0 a single attempt and
// RespectRobots false ignores robots.txt, so start from DefaultFetcherConfig.
type FetcherConfig struct {
	UserAgent     string            // default "drawwatch/<Version> (+https://github.com/drawwatch/drawwatch)"
	Delay         time.Duration     // min gap between page requests to one host (2s in DefaultFetcherConfig); never before the first; 0 or negative: none
	Timeout       time.Duration     // per request, headers and body (default 30s)
	MaxBodySize   int               // decoded body bytes (default 10 MiB); larger bodies are an error
	Retries       int               // extra attempts for transient failures (default 3)
	RetryBase     time.Duration     // first backoff (default 1s); doubles per attempt with jitter, capped at 30s
	RespectRobots bool              // obey robots.txt (true in DefaultFetcherConfig)
	Transport     http.RoundTripper // optional; default is a clone of http.DefaultTransport
	Robots        RobotsStore       // optional: keeps robots.txt between runs (up to RobotsMaxAge); nil: fetched once per Fetcher
	Now           func() time.Time  // clock for robots.txt ages; nil: time.Now
}

// DefaultFetcherConfig returns the polite production settings.
func DefaultFetcherConfig() FetcherConfig {
	return FetcherConfig{
		UserAgent:     defaultUserAgent(),
		Delay:         DefaultDelay,
		Timeout:       DefaultTimeout,
		MaxBodySize:   DefaultMaxBodySize,
		Retries:       DefaultRetries,
		RetryBase:     DefaultRetryBase,
		RespectRobots: true,
	}
}

func defaultUserAgent() string {
	return "drawwatch/" + Version + " (+https://github.com/drawwatch/drawwatch)"
}

// FetchRequest names one page and the validators from its last successful
// fetch (empty on the first fetch).
type FetchRequest struct {
	URL          string
	ETag         string
	LastModified string
}

// FetchResult is one page as received.
type FetchResult struct {
	URL          string        // final URL after redirects
	Status       int           // HTTP status of the last attempt
	NotModified  bool          // 304: Body is empty, keep the stored copy
	Body         []byte        // decoded body: gzip removed, converted to UTF-8 (see toUTF8)
	Charset      string        // the encoding Body was decoded from ("utf-8", "windows-1252" ...)
	ETag         string        // validators to send next time; carried over on 304 when the server omits them
	LastModified string        // as the server sent it (or carried over, like ETag)
	Bytes        int64         // body bytes received on the wire (compressed size when gzipped)
	Duration     time.Duration // wall time of the whole call, retries and polite waits included
	Attempts     int           // attempts made, the successful one included
}

// FetchError is the error Fetch returns. Err holds the cause: ErrNotFound,
// ErrRobotsDisallowed, ErrBodyTooLarge, a context error, a network error.
type FetchError struct {
	URL      string
	Status   int // last HTTP status seen, 0 when no response arrived
	Attempts int
	Err      error
}

// Error reads like "fetch https://…: 503 Service Unavailable after 4 attempts".
func (e *FetchError) Error() string {
	var b strings.Builder
	b.WriteString("fetch ")
	b.WriteString(e.URL)
	b.WriteString(": ")
	if e.Status != 0 {
		fmt.Fprintf(&b, "%d %s", e.Status, http.StatusText(e.Status))
	}
	if e.Err != nil && e.Err != errStatus && e.Err != ErrNotFound {
		if e.Status != 0 {
			b.WriteString(": ")
		}
		b.WriteString(e.Err.Error())
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	return b.String()
}

// Unwrap gives errors.Is/As access to the cause.
func (e *FetchError) Unwrap() error { return e.Err }

// Fetcher fetches pages one at a time with colly. It is meant for one run
// (one poll): it remembers robots.txt and the last request time per host for
// its lifetime. Concurrent calls are serialised.
type Fetcher struct {
	cfg    FetcherConfig
	base   *colly.Collector
	tr     *politeTransport
	mu     sync.Mutex             // one Fetch at a time, hence one request at a time per host
	robots map[string]robotsRules // origin -> rules read this run (guarded by mu)
	now    func() time.Time

	// sleep waits between attempts; tests replace it to observe backoff.
	sleep func(ctx context.Context, d time.Duration) error
}

// NewFetcher builds a Fetcher. See FetcherConfig for how zero fields are read.
func NewFetcher(cfg FetcherConfig) *Fetcher {
	if cfg.UserAgent == "" {
		cfg.UserAgent = defaultUserAgent()
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxBodySize <= 0 {
		cfg.MaxBodySize = DefaultMaxBodySize
	}
	if cfg.Retries < 0 {
		cfg.Retries = 0
	}
	if cfg.RetryBase <= 0 {
		cfg.RetryBase = DefaultRetryBase
	}
	base := cfg.Transport
	if base == nil {
		base = http.DefaultTransport.(*http.Transport).Clone()
	}
	tr := &politeTransport{
		base:    base,
		delay:   max(cfg.Delay, 0),
		timeout: cfg.Timeout,
		maxBody: int64(cfg.MaxBodySize),
		last:    map[string]time.Time{},
	}

	// colly.NewCollector applies COLLY_* environment variables after the
	// options (user agent, robots, body size ...). Building the collector by
	// hand keeps the environment from overriding drawwatch's politeness.
	c := &colly.Collector{}
	c.Init()
	c.UserAgent = cfg.UserAgent
	// The Fetcher reads robots.txt itself (checkRobots): colly's own check
	// fetches it on every run, keeps it only in memory and has no context.
	c.IgnoreRobotsTxt = true
	// One byte over the cap: colly truncates silently at MaxBodySize, so a
	// body that reaches cap+1 is known to be too large.
	c.MaxBodySize = cfg.MaxBodySize + 1
	// Without it colly turns 304 and every 4xx/5xx into a bare error and
	// the status is lost.
	c.ParseHTTPErrorResponse = true
	// Polling fetches the same URLs again on purpose.
	c.AllowURLRevisit = true
	// The transport applies the timeout after the polite wait, so waiting
	// for one's turn does not eat into the request's time.
	c.SetRequestTimeout(0)
	c.WithTransport(tr)
	c.SetRedirectHandler(checkRedirect)

	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Fetcher{cfg: cfg, base: c, tr: tr, sleep: retry.Sleep, robots: map[string]robotsRules{}, now: now}
}

// Fetch GETs one URL, sending If-None-Match/If-Modified-Since when the
// request carries validators. 304 gives NotModified with no body; 2xx gives
// the body. Timeouts, dropped connections, 5xx and 429 are retried with
// backoff up to Retries times. 404/410 wrap ErrNotFound, other statuses are
// permanent, a robots.txt refusal wraps ErrRobotsDisallowed. Errors are
// *FetchError.
func (f *Fetcher) Fetch(ctx context.Context, req FetchRequest) (*FetchResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	start := time.Now()

	if u, err := url.Parse(req.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &FetchError{URL: req.URL, Err: fmt.Errorf("not an absolute http(s) URL; fix the source URL in the config")}
	}

	for attempt := 1; ; attempt++ {
		res, aerr := f.attempt(ctx, req)
		if aerr == nil {
			res.Attempts = attempt
			res.Duration = time.Since(start)
			slog.DebugContext(ctx, "fetched", "url", req.URL, "status", res.Status,
				"not_modified", res.NotModified, "bytes", res.Bytes, "attempts", attempt)
			return res, nil
		}
		ferr := &FetchError{URL: req.URL, Status: aerr.status, Attempts: attempt, Err: aerr.err}
		if ctx.Err() != nil {
			ferr.Err = ctx.Err()
			return nil, ferr
		}
		if !aerr.transient || attempt > f.cfg.Retries {
			return nil, ferr
		}
		// RetryBase·2^(attempt-1), capped, with the upper half jittered so
		// retries from several instances spread out.
		wait := retry.Spread(retry.Exponential(f.cfg.RetryBase, maxBackoff, attempt-1))
		if aerr.retryAfter > maxBackoff {
			ferr.Err = fmt.Errorf("server asked to wait %s before retrying; leaving it to the next poll: %w", aerr.retryAfter, aerr.err)
			return nil, ferr
		}
		wait = max(wait, aerr.retryAfter)
		slog.InfoContext(ctx, "fetch failed, retrying", "url", req.URL, "status", aerr.status,
			"attempt", attempt, "wait", wait, "err", aerr.err)
		if err := f.sleep(ctx, wait); err != nil {
			ferr.Err = err
			return nil, ferr
		}
	}
}

// attemptError classifies one failed attempt.
type attemptError struct {
	status     int
	err        error
	transient  bool
	retryAfter time.Duration
}

// attempt makes one request through a fresh clone of the base collector:
// clones share robots.txt cache, transport and cookies but not callbacks.
func (f *Fetcher) attempt(ctx context.Context, req FetchRequest) (*FetchResult, *attemptError) {
	st := &attemptStats{}
	c := f.base.Clone()
	c.Context = context.WithValue(ctx, attemptKey{}, st)

	var resp *colly.Response
	c.OnResponse(func(r *colly.Response) { resp = r })

	hdr := http.Header{}
	hdr.Set("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
	if req.ETag != "" {
		hdr.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		hdr.Set("If-Modified-Since", req.LastModified)
	}

	if u, err := url.Parse(req.URL); err == nil {
		if err := f.checkRobots(ctx, u); err != nil {
			return nil, classifyErr(err, st)
		}
	}
	if err := c.Request(http.MethodGet, req.URL, nil, nil, hdr); err != nil {
		return nil, classifyErr(err, st)
	}
	if resp == nil {
		// colly returns nil without a response only when a callback aborts,
		// and none does; guard anyway rather than dereference nil.
		return nil, &attemptError{err: errors.New("colly returned no response")}
	}

	status := resp.StatusCode
	h := http.Header{}
	if resp.Headers != nil {
		h = *resp.Headers
	}
	res := &FetchResult{
		URL:          resp.Request.URL.String(),
		Status:       status,
		ETag:         h.Get("ETag"),
		LastModified: h.Get("Last-Modified"),
		Bytes:        st.wire,
	}
	switch {
	case status == http.StatusNotModified:
		res.NotModified = true
		res.Bytes = 0
		if res.ETag == "" {
			res.ETag = req.ETag
		}
		if res.LastModified == "" {
			res.LastModified = req.LastModified
		}
		return res, nil
	case status >= 200 && status < 300:
		// Judged on the bytes colly read, before its charset conversion
		// can change the length.
		if st.decoded > int64(f.cfg.MaxBodySize) {
			return nil, &attemptError{status: status, err: fmt.Errorf("over %d bytes: %w", f.cfg.MaxBodySize, ErrBodyTooLarge)}
		}
		body, cs, err := toUTF8(resp.Body, st.contentType)
		if err != nil {
			return nil, &attemptError{status: status, err: err}
		}
		res.Body, res.Charset = body, cs
		return res, nil
	case status == http.StatusNotFound || status == http.StatusGone:
		return nil, &attemptError{status: status, err: ErrNotFound}
	case transientStatus(status):
		return nil, &attemptError{status: status, err: errStatus, transient: true, retryAfter: parseRetryAfter(h.Get("Retry-After"), time.Now())}
	default:
		return nil, &attemptError{status: status, err: errStatus}
	}
}

// utf8BOM starts some UTF-8 pages; the parser wants text, not the mark.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// toUTF8 decodes body in the HTML5 order: a byte-order mark, then the
// Content-Type charset, then a <meta> charset in the first 1024 bytes
// (golang.org/x/net/html/charset). An undeclared body that is valid UTF-8
// stays as it is; an undeclared one that is not is read as windows-1252,
// as browsers do. A label the bytes plainly contradict is overruled, since
// a wrong guess stores garbled text: "utf-8" on bytes with no UTF-8
// sequence at all and some invalid ones is windows-1252; "windows-1252" on
// valid UTF-8 with multi-byte sequences is UTF-8. A UTF-8 page with a few
// stray bytes stays UTF-8. cs names the encoding used.
func toUTF8(body []byte, contentType string) (out []byte, cs string, err error) {
	enc, cs, _ := charset.DetermineEncoding(body, contentType)
	valid, multibyte := utf8Shape(body)
	switch {
	case cs == "utf-8" && !valid && !multibyte:
		enc, cs = charmap.Windows1252, "windows-1252"
		slog.Debug("page labelled utf-8 is windows-1252", "content_type", contentType)
	case cs == "windows-1252" && valid && multibyte:
		cs = "utf-8"
		slog.Debug("page labelled windows-1252 is utf-8", "content_type", contentType)
	}
	if cs == "utf-8" {
		return bytes.TrimPrefix(body, utf8BOM), cs, nil
	}
	out, err = enc.NewDecoder().Bytes(body)
	if err != nil {
		return nil, cs, fmt.Errorf("decode the page from %s: %w", cs, err)
	}
	return out, cs, nil
}

// utf8Shape reports whether b is valid UTF-8 and whether it holds any
// multi-byte UTF-8 sequence.
func utf8Shape(b []byte) (valid, multibyte bool) {
	valid = true
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			valid = false
		} else {
			multibyte = true
		}
		i += n
	}
	return valid, multibyte
}

func transientStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusRequestTimeout:
		return true
	case http.StatusNotImplemented, http.StatusHTTPVersionNotSupported:
		return false
	}
	return code >= 500 && code < 600
}

// classifyErr sorts a colly/transport error into permanent or transient.
func classifyErr(err error, st *attemptStats) *attemptError {
	ae := &attemptError{err: err}
	var ru *robotsUnavailableError
	switch {
	case errors.Is(err, ErrRobotsDisallowed), errors.Is(err, colly.ErrRobotsTxtBlocked):
		ae.err = ErrRobotsDisallowed
	case errors.Is(err, ErrBodyTooLarge):
		ae.status = st.status
	case errors.As(err, &ru):
		ae.transient = true
	case errors.Is(err, errRequestTimeout):
		ae.status = st.status
		ae.transient = true
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		// The caller's context: Fetch reports ctx.Err().
	default:
		ae.status = st.status
		ae.transient = transientNetErr(err)
	}
	// http.Client wraps everything in *url.Error, whose text repeats the
	// URL FetchError already names.
	var ue *url.Error
	if errors.As(ae.err, &ue) {
		ae.err = ue.Err
	}
	return ae
}

// transientNetErr reports failures worth another try: the connection was
// refused, reset or cut short, or the network timed out.
func transientNetErr(err error) bool {
	if errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.ENETUNREACH) || errors.Is(err, syscall.EHOSTUNREACH) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return dns.IsTimeout || dns.IsTemporary
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// parseRetryAfter reads delay-seconds or an HTTP date; 0 when absent or bad.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil {
		return max(time.Duration(s)*time.Second, 0)
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}

// attemptKey carries *attemptStats in the request context so the transport
// can report what it saw; requests without it are the Fetcher's robots.txt fetches.
type attemptKey struct{}

type attemptStats struct {
	wire    int64 // raw body bytes read
	decoded int64 // body bytes after gzip decoding, as colly read them
	status  int   // status of the last page response
	// contentType is the page response's Content-Type as sent.
	contentType string
}

// errRequestTimeout is the cause given to the per-request timeout so it is
// told apart from the caller's own deadline.
var errRequestTimeout = errors.New("request timed out")

// robotsUnavailableError keeps a failing robots.txt (5xx, 429) out of
// colly's cache, where it would mean "disallow all" for the whole run.
type robotsUnavailableError struct{ status int }

func (e *robotsUnavailableError) Error() string {
	return fmt.Sprintf("robots.txt unavailable: %d %s", e.status, http.StatusText(e.status))
}

// politeTransport sits under colly's http.Client. It spaces requests to a
// host by the delay (watching the context, unlike colly's LimitRule),
// applies the per-request timeout after that wait, asks for gzip and
// decodes it itself so the wire size is known, and rejects bodies whose
// Content-Length is over the cap before reading them.
type politeTransport struct {
	base    http.RoundTripper
	delay   time.Duration
	timeout time.Duration
	maxBody int64

	mu   sync.Mutex
	last map[string]time.Time // host -> end of the last page request
}

func (t *politeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	st, _ := req.Context().Value(attemptKey{}).(*attemptStats)
	robots := st == nil

	ctx := req.Context() // robots.txt requests carry the Fetch's context too (checkRobots)
	host := req.URL.Host
	// robots.txt neither waits its turn nor starts the host's delay: the
	// delay spaces page requests, and a run's first page request (right
	// after robots.txt, when that is fetched at all) goes out at once.
	if !robots {
		if err := t.waitTurn(ctx, host); err != nil {
			return nil, err
		}
	}
	ctx, cancelTimeout := context.WithTimeoutCause(ctx, t.timeout, fmt.Errorf("no complete response within %s: %w", t.timeout, errRequestTimeout))
	finish := func() {
		if !robots {
			t.markDone(host)
		}
		cancelTimeout()
	}

	out := req.Clone(ctx)
	if out.Header.Get("Accept-Encoding") == "" {
		// Asking explicitly turns off Go's transparent decoding, which
		// would hide the compressed size.
		out.Header.Set("Accept-Encoding", "gzip")
	}
	resp, err := t.base.RoundTrip(out)
	if err != nil {
		finish()
		return nil, timeoutCause(ctx, err)
	}
	if !robots {
		st.noteResponse(resp)
	}

	if robots && (resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests) {
		resp.Body.Close()
		finish()
		return nil, &robotsUnavailableError{status: resp.StatusCode}
	}
	gz := strings.EqualFold(strings.TrimSpace(resp.Header.Get("Content-Encoding")), "gzip")
	if !robots && !gz && resp.StatusCode >= 200 && resp.StatusCode < 300 && resp.ContentLength > t.maxBody {
		resp.Body.Close()
		finish()
		return nil, fmt.Errorf("Content-Length %d over %d bytes: %w", resp.ContentLength, t.maxBody, ErrBodyTooLarge)
	}

	var counter *int64
	if st != nil {
		counter = &st.wire
	}
	var body io.Reader = &countingReader{r: resp.Body, n: counter}
	if robots {
		body = io.LimitReader(body, maxRobotsSize)
	}
	if gz {
		body = &lazyGzip{src: body}
		resp.Header.Del("Content-Encoding")
		resp.Header.Del("Content-Length")
		resp.ContentLength = -1
		resp.Uncompressed = true
	}
	var decoded *int64
	if st != nil {
		decoded = &st.decoded
	}
	resp.Body = &body2{r: &countingReader{r: body, n: decoded}, c: resp.Body, ctx: ctx, finish: finish}
	return resp, nil
}

// noteResponse records a page response's status and content type, and
// resets the byte counts: only the final hop of a redirect chain counts.
func (st *attemptStats) noteResponse(resp *http.Response) {
	st.status = resp.StatusCode
	st.wire, st.decoded = 0, 0
	// colly converts by the header's charset alone and would leave a
	// <meta> declaration unread; toUTF8 decodes by BOM, header and
	// <meta> instead, so colly must not see the charset.
	st.contentType = resp.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(st.contentType); err == nil {
		resp.Header.Set("Content-Type", mt)
	}
}

// waitTurn blocks until the host's last request ended at least delay ago.
func (t *politeTransport) waitTurn(ctx context.Context, host string) error {
	if t.delay <= 0 {
		return ctx.Err()
	}
	t.mu.Lock()
	last, ok := t.last[host]
	t.mu.Unlock()
	if !ok {
		return ctx.Err()
	}
	return retry.Sleep(ctx, time.Until(last.Add(t.delay)))
}

func (t *politeTransport) markDone(host string) {
	t.mu.Lock()
	t.last[host] = time.Now()
	t.mu.Unlock()
}

// timeoutCause swaps a bare "context deadline exceeded" for the timeout's
// cause when it was the per-request timer that fired.
func timeoutCause(ctx context.Context, err error) error {
	if cause := context.Cause(ctx); cause != nil && errors.Is(cause, errRequestTimeout) {
		return cause
	}
	return err
}

type countingReader struct {
	r io.Reader
	n *int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.n != nil {
		*c.n += int64(n)
	}
	return n, err
}

// lazyGzip opens the gzip stream on first read, so an empty body sent with
// Content-Encoding: gzip (a 304, say) reads as empty instead of failing.
type lazyGzip struct {
	src io.Reader
	zr  *gzip.Reader
	err error
}

func (l *lazyGzip) Read(p []byte) (int, error) {
	if l.zr == nil && l.err == nil {
		l.zr, l.err = gzip.NewReader(l.src)
		if l.err != nil && l.err != io.EOF {
			l.err = fmt.Errorf("decode gzip body: %w", l.err)
		}
	}
	if l.err != nil {
		return 0, l.err
	}
	return l.zr.Read(p)
}

// body2 is the response body handed to colly: reads go through the
// counting/decoding chain, Close releases the connection, the timeout and
// marks the host's request as finished for the delay.
type body2 struct {
	r      io.Reader
	c      io.Closer
	ctx    context.Context
	finish func()
	once   sync.Once
}

func (b *body2) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		err = timeoutCause(b.ctx, err)
	}
	return n, err
}

func (b *body2) Close() error {
	err := b.c.Close()
	b.once.Do(b.finish)
	return err
}
