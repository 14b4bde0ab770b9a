package watch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/config"
	"github.com/drawwatch/drawwatch/internal/realpages"
	"github.com/drawwatch/drawwatch/scraper"
	"github.com/drawwatch/drawwatch/store"
)

// readPage reads a real ontario.ca page in place (skipped without
// ../shared, failed under CI).
func readPage(t testing.TB, name string) []byte {
	t.Helper()
	return realpages.Read(t, "ontario.ca/"+name)
}

// site stands in for ontario.ca: pages by path, strong ETags, and
// scripted failures.
type site struct {
	mu       sync.Mutex
	pages    map[string][]byte
	failures map[string][]int // status codes to answer before serving the page
	hits     map[string]int
	bytes    int64
}

func newSite() *site {
	return &site{pages: map[string][]byte{}, failures: map[string][]int{}, hits: map[string]int{}}
}

func (s *site) set(path string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages[path] = body
}

func (s *site) failNext(path string, statuses ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[path] = append(s.failures[path], statuses...)
}

func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.URL.Path == "/robots.txt" {
		fmt.Fprint(w, "User-agent: *\nAllow: /\n")
		return
	}
	s.hits[r.URL.Path]++
	if f := s.failures[r.URL.Path]; len(f) > 0 {
		s.failures[r.URL.Path] = f[1:]
		http.Error(w, "scripted failure", f[0])
		return
	}
	body, ok := s.pages[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	etag := fmt.Sprintf(`"%x"`, sha256.Sum256(body))
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	n, _ := w.Write(body)
	s.bytes += int64(n)
}

const updatesPath = "/page/2024-ontario-immigrant-nominee-program-updates"

type harness struct {
	site   *site
	srv    *httptest.Server
	store  *store.Store
	runner *Runner
	now    time.Time
	routed []drawwatch.Event
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{site: newSite(), now: time.Date(2025, 12, 15, 12, 0, 0, 0, time.UTC)}
	h.srv = httptest.NewServer(h.site)
	t.Cleanup(h.srv.Close)
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "drawwatch.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h.store = st
	fc := scraper.DefaultFetcherConfig()
	fc.Delay, fc.RetryBase, fc.Timeout = time.Millisecond, time.Millisecond, 5*time.Second
	h.runner = &Runner{
		Store:      st,
		NewFetcher: func() Fetcher { return scraper.NewFetcher(fc) },
		Sources:    []config.Source{{Name: "updates", Kind: config.SourceUpdates, URL: h.srv.URL + updatesPath}},
		Route: func(ev drawwatch.Event) []string {
			h.routed = append(h.routed, ev)
			return []string{"team"}
		},
		BacklogDays: 7,
		Health:      config.Health{FailuresBeforeAlert: 3, MinAnnouncementRate: 0.5},
		Now:         func() time.Time { return h.now },
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	return h
}

func (h *harness) run(t *testing.T) SourceReport {
	t.Helper()
	rep := h.runner.RunOnce(context.Background(), false)
	if len(rep.Sources) != 1 {
		t.Fatalf("want one source report, got %+v", rep.Sources)
	}
	return rep.Sources[0]
}

func TestAugustThenDecemberCaptureFindsOnlyAddedAnnouncements(t *testing.T) {
	h := newHarness(t)
	aug := readPage(t, "captured/2024-updates.2024-08-22.prettified.html")
	dec := readPage(t, "captured/2024-updates.2025-12.html")
	augPage, err := scraper.Parse(drawwatch.PageUpdates, aug, h.srv.URL+updatesPath)
	if err != nil {
		t.Fatal(err)
	}
	decPage, err := scraper.Parse(drawwatch.PageUpdates, dec, h.srv.URL+updatesPath)
	if err != nil {
		t.Fatal(err)
	}
	// What the second run must find: the ids only the December capture has.
	inAug := map[string]bool{}
	for _, a := range augPage.Announcements {
		inAug[a.ID] = true
	}
	var added []string
	for _, a := range decPage.Announcements {
		if !inAug[a.ID] {
			added = append(added, a.ID)
		}
	}
	if len(augPage.Announcements) < 40 || len(added) == 0 {
		t.Fatalf("captures parsed to %d (Aug) and %d added announcements: parser regression", len(augPage.Announcements), len(added))
	}

	h.site.set(updatesPath, aug)
	h.now = time.Date(2024, 8, 22, 12, 0, 0, 0, time.UTC)
	first := h.run(t)
	if first.Err != nil || first.Outcome != OutcomeFetched {
		t.Fatalf("first run: %+v", first)
	}

	h.site.set(updatesPath, dec)
	h.now = time.Date(2025, 12, 15, 12, 0, 0, 0, time.UTC)
	second := h.run(t)
	if second.Err != nil {
		t.Fatalf("second run: %v", second.Err)
	}
	var gotNew []string
	for _, c := range second.Changes {
		switch c.Type {
		case drawwatch.ChangeNew:
			gotNew = append(gotNew, c.Announcement.ID)
		case drawwatch.ChangeChanged, drawwatch.ChangeRemoved:
			t.Errorf("%s reported %s although only whitespace and markup differ: %+v", c.Announcement.ID, c.Type, c.Fields)
		}
	}
	sort.Strings(gotNew)
	sort.Strings(added)
	if strings.Join(gotNew, ",") != strings.Join(added, ",") {
		t.Errorf("new announcements\n got %v\nwant %v", gotNew, added)
	}
	t.Logf("Aug capture: %d announcements; Dec capture: %d; new on second run: %d", len(augPage.Announcements), len(decPage.Announcements), len(gotNew))

	third := h.run(t)
	if third.Outcome != OutcomeNotModified || len(third.Changes) != 0 {
		t.Errorf("unchanged page: outcome %s, %d changes; want not-modified and none", third.Outcome, len(third.Changes))
	}
}

// editCapture applies one count, one CRS bound and one NOC removal to the
// December capture, each inside one announcement.
func editCapture(t *testing.T, page []byte) []byte {
	t.Helper()
	s := string(page)
	replaceAfter := func(anchor, old, new string) {
		i := strings.Index(s, anchor)
		if i < 0 {
			t.Fatalf("anchor %q not in capture", anchor)
		}
		j := strings.Index(s[i:], old)
		if j < 0 {
			t.Fatalf("%q not after %q", old, anchor)
		}
		s = s[:i+j] + new + s[i+j+len(old):]
	}
	replaceAfter(`id="February6-0"`, "379-430", "385-430")
	replaceAfter(`id="February6-0"`, regexp.MustCompile(`<li><abbr>NOC</abbr>&nbsp;31200[^<]*</li>`).FindString(s[strings.Index(s, `id="February6-0"`):]), "")
	replaceAfter("we issued 106 targeted", "106", "116")
	return []byte(s)
}

func TestEditedCopyReportsExactlyTheEditedFields(t *testing.T) {
	h := newHarness(t)
	dec := readPage(t, "captured/2024-updates.2025-12.html")
	h.site.set(updatesPath, dec)
	if r := h.run(t); r.Err != nil {
		t.Fatal(r.Err)
	}
	h.site.set(updatesPath, editCapture(t, dec))
	r := h.run(t)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	var fields []string
	for _, c := range r.Changes {
		if c.Type != drawwatch.ChangeChanged {
			t.Errorf("unexpected %s for %s", c.Type, c.Announcement.ID)
			continue
		}
		for _, f := range c.Fields {
			fields = append(fields, fmt.Sprintf("%s %s→%s", f.Field[strings.LastIndex(f.Field, ".")+1:], f.Old, f.New))
		}
	}
	sort.Strings(fields)
	if len(fields) != 3 {
		t.Fatalf("want exactly 3 changed fields (count, score_min, nocs), got %d: %q", len(fields), fields)
	}
	want := []string{"invitations 106→116", "nocs", "score_min 379→385"}
	for i, w := range want {
		if !strings.HasPrefix(fields[i], w) {
			t.Errorf("field %d = %q, want prefix %q", i, fields[i], w)
		}
	}
	if !strings.Contains(fields[1], "31200") {
		t.Errorf("nocs change does not name the removed code 31200: %q", fields[1])
	}
	pending, err := h.store.PendingCount(context.Background())
	if err != nil || pending != 2 {
		t.Errorf("pending alerts = %d (%v), want one per changed announcement (2)", pending, err)
	}
}

func TestFetchOutcomes(t *testing.T) {
	dec := readPage(t, "captured/2024-updates.2025-12.html")
	captcha := readPage(t, "rendered/bot-block-captcha.html")

	t.Run("304 means no parse and nothing new", func(t *testing.T) {
		h := newHarness(t)
		h.site.set(updatesPath, dec)
		h.run(t)
		before := h.site.bytes
		r := h.run(t)
		if r.Outcome != OutcomeNotModified || r.Status != http.StatusNotModified || len(r.Changes) != 0 || r.Announcements != 0 {
			t.Errorf("second run: %+v", r)
		}
		if h.site.bytes != before {
			t.Errorf("an unchanged page cost %d body bytes", h.site.bytes-before)
		}
	})
	t.Run("500 then 200 is retried inside one run", func(t *testing.T) {
		h := newHarness(t)
		h.site.set(updatesPath, dec)
		h.site.failNext(updatesPath, 500)
		r := h.run(t)
		if r.Err != nil || r.Outcome != OutcomeFetched || h.site.hits[updatesPath] != 2 {
			t.Errorf("outcome %s err %v hits %d", r.Outcome, r.Err, h.site.hits[updatesPath])
		}
	})
	t.Run("persistent 503 fails the source and leaves the store untouched", func(t *testing.T) {
		h := newHarness(t)
		h.site.failNext(updatesPath, 503, 503, 503, 503, 503, 503)
		r := h.run(t)
		if r.Err == nil || r.Outcome != OutcomeFailed || !strings.Contains(r.Err.Error(), "503") {
			t.Errorf("outcome %s err %v", r.Outcome, r.Err)
		}
		if a, d, _ := h.store.Counts(context.Background()); a != 0 || d != 0 {
			t.Errorf("store holds %d announcements, %d draws after a failed fetch", a, d)
		}
	})
	t.Run("captcha is blocked and the store unchanged", func(t *testing.T) {
		h := newHarness(t)
		h.site.set(updatesPath, dec)
		h.run(t)
		a0, d0, _ := h.store.Counts(context.Background())
		h.site.set(updatesPath, captcha)
		r := h.run(t)
		if r.Outcome != OutcomeBlocked || r.Err == nil || len(r.Changes) != 0 {
			t.Errorf("captcha: %+v", r)
		}
		if a, d, _ := h.store.Counts(context.Background()); a != a0 || d != d0 {
			t.Errorf("store changed on a captcha page: %d/%d -> %d/%d", a0, d0, a, d)
		}
		h.site.set(updatesPath, dec) // the same page as before the captcha: a cheap 304, no changes
		if r := h.run(t); r.Err != nil || len(r.Changes) != 0 {
			t.Errorf("after captcha: %+v", r)
		}
	})
	t.Run("a truncated page records nothing", func(t *testing.T) {
		h := newHarness(t)
		h.site.set(updatesPath, dec)
		h.run(t)
		h.site.set(updatesPath, dec[:len(dec)*2/3])
		r := h.run(t)
		if r.Outcome != OutcomeSuspect || r.Err == nil || len(r.Changes) != 0 {
			t.Errorf("truncated page: outcome %s err %v changes %d", r.Outcome, r.Err, len(r.Changes))
		}
	})
	t.Run("a page that lost most announcements is suspect, nothing removed", func(t *testing.T) {
		h := newHarness(t)
		h.site.set(updatesPath, dec)
		h.run(t)
		// Keep only the first announcements (the page is newest first): a
		// complete document that lost most of its content.
		i := bytes.Index(dec, []byte(`<h4 id="October8-0"`))
		h.site.set(updatesPath, append(dec[:i:i], []byte(`</div></body></html>`)...))
		r := h.run(t)
		if r.Outcome != OutcomeSuspect || r.Err == nil {
			t.Errorf("half page: outcome %s err %v", r.Outcome, r.Err)
		}
		for _, c := range r.Changes {
			t.Errorf("change recorded from a suspect page: %s %s", c.Type, c.Announcement.ID)
		}
		alerts, _ := h.store.Alerts(context.Background(), drawwatch.AlertPending)
		if len(alerts) != 1 || alerts[0].Event.Type != drawwatch.EventOps {
			t.Errorf("want one ops alert at once for a page that lost its announcements, got %+v", alerts)
		}
	})
}

func TestSourceHealthAlertsOnceDownAndOnceRecovered(t *testing.T) {
	h := newHarness(t)
	dec := readPage(t, "captured/2024-updates.2025-12.html")
	h.site.set(updatesPath, dec)
	h.run(t)
	h.site.set(updatesPath, readPage(t, "rendered/bot-block-captcha.html"))
	for range 5 {
		h.now = h.now.Add(10 * time.Minute)
		h.run(t)
	}
	h.site.set(updatesPath, dec)
	h.now = h.now.Add(10 * time.Minute)
	h.run(t)
	h.now = h.now.Add(10 * time.Minute)
	h.run(t)

	alerts, err := h.store.Alerts(context.Background(), drawwatch.AlertPending)
	if err != nil {
		t.Fatal(err)
	}
	count := map[drawwatch.EventType]int{}
	for _, a := range alerts {
		count[a.Event.Type]++
		if a.Event.Type == drawwatch.EventOps && !strings.Contains(a.Event.Message, "blocked") {
			t.Errorf("ops alert does not say the source was blocked: %q", a.Event.Message)
		}
	}
	if count[drawwatch.EventOps] != 1 || count[drawwatch.EventRecovery] != 1 {
		t.Errorf("ops alerts %d, recovery alerts %d; want exactly one of each", count[drawwatch.EventOps], count[drawwatch.EventRecovery])
	}
	hs, err := h.store.SourceHealth(context.Background(), "updates")
	if err != nil || !hs.Healthy || hs.ConsecutiveFailures != 0 {
		t.Errorf("health after recovery: %+v %v", hs, err)
	}
}

func TestJanuaryWatchesLastYearAndToleratesMissingNewYear(t *testing.T) {
	h := newHarness(t)
	h.site.set("/page/2025-ontario-immigrant-nominee-program-updates", readPage(t, "captured/2024-updates.2025-12.html"))
	h.runner.Sources = []config.Source{{Name: "updates", Kind: config.SourceUpdates, URL: h.srv.URL + "/page/{year}-ontario-immigrant-nominee-program-updates"}}
	h.now = time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC)
	rep := h.runner.RunOnce(context.Background(), false)
	if !rep.OK() || len(rep.Sources) != 2 {
		t.Fatalf("january run: ok=%v %+v", rep.OK(), rep.Sources)
	}
	if rep.Sources[0].Outcome != OutcomeNotYet || rep.Sources[1].Outcome != OutcomeFetched {
		t.Errorf("outcomes %s, %s; want not-yet for 2026 and fetched for 2025", rep.Sources[0].Outcome, rep.Sources[1].Outcome)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	h := newHarness(t)
	h.site.set(updatesPath, readPage(t, "captured/2024-updates.2025-12.html"))
	rep := h.runner.RunOnce(context.Background(), true)
	if !rep.OK() || rep.Sources[0].Announcements == 0 {
		t.Fatalf("dry run: %+v", rep.Sources)
	}
	if a, d, _ := h.store.Counts(context.Background()); a != 0 || d != 0 {
		t.Errorf("dry run wrote %d announcements, %d draws", a, d)
	}
	if _, ok, _ := h.store.LastFetch(context.Background(), h.srv.URL+updatesPath); ok {
		t.Error("dry run recorded a fetch")
	}
}

// The NOI table fills in what the updates page leaves out: after reading
// both real pages, the 6 Feb 2024 health draw is one draw with its count
// and profile window.
func TestUpdatesDrawMergesWithTableRow(t *testing.T) {
	h := newHarness(t)
	h.site.set(updatesPath, readPage(t, "captured/2024-updates.2025-12.html"))
	h.site.set("/noi", readPage(t, "rendered/oinp-express-entry-notifications-interest.html"))
	h.site.set("/ita", readPage(t, "rendered/oinp-invitations-apply.2021-2024.html"))
	h.runner.Sources = append(h.runner.Sources,
		config.Source{Name: "noi", Kind: config.SourceNOI, URL: h.srv.URL + "/noi"},
		config.Source{Name: "ita", Kind: config.SourceITA, URL: h.srv.URL + "/ita"})
	rep := h.runner.RunOnce(context.Background(), false)
	if !rep.OK() {
		t.Fatal(rep.Err())
	}
	draws, err := h.store.Draws(context.Background(), store.DrawFilter{Stream: "hcp", Since: "2024-02-06"})
	if err != nil {
		t.Fatal(err)
	}
	var feb6 []store.StoredDraw
	for _, d := range draws {
		if d.Date == "2024-02-06" {
			feb6 = append(feb6, d)
		}
	}
	if len(feb6) != 1 {
		t.Fatalf("6 Feb 2024 HCP: %d draws, want one merged draw: %+v", len(feb6), feb6)
	}
	d := feb6[0]
	if d.Invitations == nil || *d.Invitations != 2086 || d.ProfilesFrom == "" || len(d.NOCs) != 43 {
		t.Errorf("merged draw: invitations %v, profiles %q–%q, %d NOCs; want 2086 from the table, a window and 43 NOCs from the page",
			d.Invitations, d.ProfilesFrom, d.ProfilesTo, len(d.NOCs))
	}
	merged := 0
	all, _ := h.store.Draws(context.Background(), store.DrawFilter{Since: "2024-01-01"})
	for _, d := range all {
		if d.Invitations != nil && len(d.NOCs) > 0 {
			merged++
		}
	}
	t.Logf("2024+: %d draws, %d with both a count (table) and NOCs (updates page)", len(all), merged)
}
