package web

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/store"
)

const (
	updatesURL = "https://www.ontario.ca/page/2024-ontario-immigrant-nominee-program-updates"
	techURL    = "https://www.ontario.ca/page/oinp-tech-draws"
)

// testNow is the injected clock: ten minutes after the fixture's last run.
var testNow = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

// TestMain keeps expected warnings (a closed store, shutdown notices) out
// of test output unless -v asks for detail.
func TestMain(m *testing.M) {
	flag.Parse()
	if !testing.Verbose() {
		slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
	os.Exit(m.Run())
}

func noc(code, title string) drawwatch.NOC { return drawwatch.NOC{Code: code, Title: title} }

// fixturePage holds draws of two streams on two score scales, one
// announcement with two draws (health and tech), a NOC shared between
// streams, and a category with markup characters to check escaping.
func fixturePage() *drawwatch.Page {
	draw := func(stream drawwatch.Stream, name, cat, date, kind string, lo, hi *int, inv int, nocs ...drawwatch.NOC) drawwatch.Draw {
		invitation := drawwatch.InvitationNOI
		if kind == drawwatch.ScoreEOI {
			invitation = drawwatch.InvitationITA
		}
		return drawwatch.Draw{
			Program: drawwatch.Program, Stream: stream, StreamName: name, Category: cat, Date: date,
			Invitation: invitation, ScoreKind: kind, ScoreMin: lo, ScoreMax: hi, Invitations: ip(inv),
			NOCs: nocs, SourceURL: updatesURL,
		}
	}
	hcp, ejo := drawwatch.StreamHCP, drawwatch.StreamEJOForeignWorker
	hcpName, ejoName := "Human Capital Priorities", "Employer Job Offer: Foreign Worker"
	ann := func(id, posted, title string, draws ...drawwatch.Draw) drawwatch.Announcement {
		text := title
		for _, d := range draws {
			text += " " + d.Key()
		}
		return drawwatch.Announcement{
			ID: id, Posted: posted, Anchor: id, Title: title, Kind: drawwatch.KindDraw,
			Text: text, Hash: drawwatch.ContentHash(text), SourceURL: updatesURL, Draws: draws,
		}
	}
	return &drawwatch.Page{
		Kind: drawwatch.PageUpdates,
		URL:  updatesURL,
		Announcements: []drawwatch.Announcement{
			ann("january10-0", "2024-01-10", "Human Capital Priorities stream draw",
				draw(hcp, hcpName, "General", "2024-01-10", drawwatch.ScoreCRS, ip(460), ip(468), 1200)),
			ann("february6-0", "2024-02-07", "Targeted draws: health and tech occupations",
				draw(hcp, hcpName, "Health occupations", "2024-02-06", drawwatch.ScoreCRS, ip(379), ip(430), 1003,
					noc("31301", "Registered nurses and registered psychiatric nurses"), noc("31102", "General practitioners and family physicians")),
				draw(hcp, hcpName, "Tech <b>&</b> \"occupations\"", "2024-02-06", drawwatch.ScoreCRS, ip(420), ip(480), 800,
					noc("21231", "Software engineers and designers"))),
			ann("march1-0", "2024-03-01", "Employer Job Offer: Foreign Worker stream draw",
				draw(ejo, ejoName, "General", "2024-03-01", drawwatch.ScoreEOI, ip(45), nil, 300,
					noc("33102", "Nurse aides, orderlies and patient service associates"))),
			ann("may1-0", "2024-05-01", "Draws on May 1",
				draw(ejo, ejoName, "Health", "2024-05-01", drawwatch.ScoreEOI, ip(50), ip(78), 250,
					noc("31301", "Registered nurses and registered psychiatric nurses")),
				draw(hcp, hcpName, "General", "2024-05-01", drawwatch.ScoreCRS, ip(480), ip(490), 900)),
		},
	}
}

// fixtureDraws is how many draws fixturePage holds, per stream.
var fixtureDraws = map[string]int{"hcp": 4, "ejo-foreign-worker": 2}

// newTestStore opens a real store on a temporary file and fills it with
// fixturePage, a fetch log and source health.
func newTestStore(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "drawwatch.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Apply(ctx, fixturePage(), store.ApplyOptions{Source: "oinp-2024", Now: testNow.Add(-time.Hour)}); err != nil {
		t.Fatalf("apply fixture page: %v", err)
	}
	if err := st.SaveFetch(ctx, store.FetchRecord{
		Source: "oinp-2024", URL: updatesURL, Status: 200, Duration: 842 * time.Millisecond, Bytes: 187_400,
		At: testNow.Add(-10 * time.Minute), Announcements: 4, Draws: 6, Outcome: store.OutcomeFetched,
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveFetch(ctx, store.FetchRecord{
		Source: "oinp-tech", URL: techURL, Status: 503, Duration: 3 * time.Second,
		Err: "fetch oinp-tech: 503 after 3 tries", At: testNow.Add(-10 * time.Minute), Outcome: store.OutcomeFailed,
	}); err != nil {
		t.Fatal(err)
	}
	for _, h := range []store.SourceHealth{
		{Source: "oinp-2024", Healthy: true, LastOK: testNow.Add(-10 * time.Minute), LastChecked: testNow.Add(-10 * time.Minute)},
		{Source: "oinp-tech", Healthy: false, ConsecutiveFailures: 3, LastError: "503 after 3 tries",
			LastOK: testNow.Add(-72 * time.Hour), LastChecked: testNow.Add(-10 * time.Minute)},
	} {
		if err := st.SaveSourceHealth(ctx, h); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

func testSources() []SourceInfo {
	return []SourceInfo{
		{Name: "oinp-2024", Kind: "updates", URL: updatesURL},
		{Name: "oinp-tech", Kind: "updates", URL: techURL},
	}
}

func newTestServer(t *testing.T, data Data, lastRun time.Time, haveRun bool) *Server {
	t.Helper()
	m := NewMetrics("test")
	m.RunDone(true, 12*time.Second)
	m.FetchDone("oinp-2024", store.OutcomeFetched, 200, 842*time.Millisecond, 187_400)
	return NewServer(Options{
		Data:        data,
		Metrics:     m,
		ReadyMaxAge: 2 * time.Hour,
		LastRun:     func() (time.Time, bool) { return lastRun, haveRun },
		Sources:     testSources(),
		Now:         func() time.Time { return testNow },
	})
}

func get(t *testing.T, h http.Handler, method, target string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec
}

func TestEndpoints(t *testing.T) {
	st := newTestStore(t)
	closed := newTestStore(t)
	if err := closed.Close(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		data     Data
		lastRun  time.Time
		haveRun  bool
		method   string
		target   string
		wantCode int
		wantType string
		wantBody string // substring
	}{
		{"healthz", st, testNow, true, "GET", "/healthz", 200, "text/plain", "ok\n"},
		{"healthz even with the store down", closed, time.Time{}, false, "GET", "/healthz", 200, "text/plain", "ok"},
		{"readyz fresh run", st, testNow.Add(-10 * time.Minute), true, "GET", "/readyz", 200, "text/plain", "ok"},
		{"readyz run at the age limit", st, testNow.Add(-2 * time.Hour), true, "GET", "/readyz", 200, "text/plain", "ok"},
		{"readyz run too old", st, testNow.Add(-3 * time.Hour), true, "GET", "/readyz", 503, "text/plain", "last successful run 3h0m0s ago (2024-06-01T09:00:00Z), older than 2h0m0s"},
		{"readyz no run yet", st, time.Time{}, false, "GET", "/readyz", 503, "text/plain", "no successful run yet"},
		{"readyz store closed", closed, testNow, true, "GET", "/readyz", 503, "text/plain", "store does not answer"},
		{"readyz no store", nil, testNow, true, "GET", "/readyz", 503, "text/plain", "no store configured"},
		{"metrics", st, testNow, true, "GET", "/metrics", 200, "text/plain; version=0.0.4", "drawwatch_runs_total{result=\"ok\"} 1"},
		{"status page", st, testNow, true, "GET", "/", 200, "text/html", "<svg"},
		{"status page HEAD", st, testNow, true, "HEAD", "/", 200, "text/html", ""},
		{"status page with the store down still renders", closed, testNow, true, "GET", "/", 200, "text/html", "Some data could not be read"},
		{"bad NOC filter", st, testNow, true, "GET", "/?noc=31301%3Cscript%3E", 400, "text/html", "NOC must be a code"},
		{"bad stream filter", st, testNow, true, "GET", "/?stream=HCP!", 400, "text/html", "Stream must be one of"},
		{"POST is not allowed", st, testNow, true, "POST", "/", 405, "", ""},
		{"unknown path", st, testNow, true, "GET", "/admin", 404, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServer(t, tt.data, tt.lastRun, tt.haveRun)
			rec := get(t, s.Handler(), tt.method, tt.target)
			if rec.Code != tt.wantCode {
				t.Errorf("status %d, want %d; body:\n%.500s", rec.Code, tt.wantCode, rec.Body.String())
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, tt.wantType) {
				t.Errorf("Content-Type %q, want prefix %q", ct, tt.wantType)
			}
			if !strings.Contains(rec.Body.String(), tt.wantBody) {
				t.Errorf("body lacks %q:\n%.800s", tt.wantBody, rec.Body.String())
			}
			if strings.HasSuffix(tt.target, "z") && strings.Count(strings.TrimSuffix(rec.Body.String(), "\n"), "\n") > 0 {
				t.Errorf("probe answer is not one line: %q", rec.Body.String())
			}
			if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
				t.Errorf("no restrictive CSP: %q", csp)
			}
		})
	}
}

func TestMetricsEndpointParses(t *testing.T) {
	s := newTestServer(t, newTestStore(t), testNow, true)
	fams, _ := scrapeMetrics(t, s.Handler())
	for _, name := range declaredFamilies {
		if fams[name] == nil {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	if v, ok := sampleValue(fams["drawwatch_fetch_bytes_total"], "drawwatch_fetch_bytes_total", map[string]string{"source": "oinp-2024"}); !ok || v != 187_400 {
		t.Errorf("fetch bytes = %v (%v), want 187400", v, ok)
	}
}

// drawTable parses the status page and returns its draws table rows as
// cell texts, and the data-stream of each row.
func drawTable(t *testing.T, body io.Reader) (*goquery.Document, [][]string, []string) {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(body)
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	var streams []string
	doc.Find("#draws-table tbody tr").Each(func(_ int, tr *goquery.Selection) {
		var cells []string
		tr.Find("td").Each(func(_ int, td *goquery.Selection) {
			cells = append(cells, strings.Join(strings.Fields(td.Text()), " "))
		})
		rows = append(rows, cells)
		s, _ := tr.Attr("data-stream")
		streams = append(streams, s)
	})
	return doc, rows, streams
}

func TestStatusFilters(t *testing.T) {
	s := newTestServer(t, newTestStore(t), testNow, true)
	h := s.Handler()
	tests := []struct {
		query       string
		wantRows    int
		wantStreams map[string]int
		wantCharts  []string // data-stream of each chart
		wantCells   []string // substrings some row must hold
	}{
		{"", 6, fixtureDraws, []string{"ejo-foreign-worker", "hcp"}, []string{"CRS 379–430", "EOI 45+", "1003 NOI"}},
		{"?stream=hcp", 4, map[string]int{"hcp": 4}, []string{"hcp"}, []string{"CRS 480–490"}},
		{"?stream=ejo-foreign-worker", 2, map[string]int{"ejo-foreign-worker": 2}, []string{"ejo-foreign-worker"}, []string{"EOI 50–78"}},
		{"?noc=31301", 2, map[string]int{"hcp": 1, "ejo-foreign-worker": 1}, []string{"ejo-foreign-worker", "hcp"}, []string{"Health occupations"}},
		{"?noc=31*", 2, map[string]int{"hcp": 1, "ejo-foreign-worker": 1}, []string{"ejo-foreign-worker", "hcp"}, []string{"EOI 50–78"}},
		{"?noc=3*", 3, map[string]int{"hcp": 1, "ejo-foreign-worker": 2}, []string{"ejo-foreign-worker", "hcp"}, []string{"EOI 45+"}},
		{"?stream=hcp&noc=21231", 1, map[string]int{"hcp": 1}, []string{"hcp"}, []string{"CRS 420–480"}},
		{"?stream=skilled-trades", 0, map[string]int{}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			rec := get(t, h, "GET", "/"+tt.query)
			if rec.Code != 200 {
				t.Fatalf("status %d", rec.Code)
			}
			doc, rows, streams := drawTable(t, rec.Body)
			if len(rows) != tt.wantRows {
				t.Errorf("%d rows, want %d: %q", len(rows), tt.wantRows, rows)
			}
			got := map[string]int{}
			for _, s := range streams {
				got[s]++
			}
			for s, n := range tt.wantStreams {
				if got[s] != n {
					t.Errorf("stream %s: %d rows, want %d (all: %v)", s, got[s], n, got)
				}
			}
			for i := 1; i < len(rows); i++ {
				if rows[i][0] > rows[i-1][0] {
					t.Errorf("rows not newest first: %q before %q", rows[i-1][0], rows[i][0])
				}
			}
			for _, want := range tt.wantCells {
				found := false
				for _, r := range rows {
					found = found || strings.Contains(strings.Join(r, " | "), want)
				}
				if !found {
					t.Errorf("no row holds %q: %q", want, rows)
				}
			}
			var charts []string
			doc.Find("figure.chart").Each(func(_ int, f *goquery.Selection) {
				s, _ := f.Attr("data-stream")
				charts = append(charts, s)
				if f.Find("svg polyline").Length() != 2 || f.Find("svg polygon").Length() != 1 {
					t.Errorf("chart %s lacks its min/max lines or band", s)
				}
			})
			if strings.Join(charts, ",") != strings.Join(tt.wantCharts, ",") {
				t.Errorf("charts %v, want %v", charts, tt.wantCharts)
			}
			// The form keeps the filter it was submitted with.
			if sel := doc.Find(`select[name=stream] option[selected]`); sel.Length() != 1 {
				t.Errorf("%d selected stream options, want 1", sel.Length())
			}
		})
	}
}

func TestStatusPageContent(t *testing.T) {
	s := newTestServer(t, newTestStore(t), testNow.Add(-10*time.Minute), true)
	rec := get(t, s.Handler(), "GET", "/")
	body := rec.Body.String()
	// Category text holding markup is escaped, never injected.
	if strings.Contains(body, "<b>&</b>") {
		t.Errorf("page text not escaped")
	}
	if !strings.Contains(body, "Tech &lt;b&gt;&amp;&lt;/b&gt; &#34;occupations&#34;") {
		t.Errorf("escaped category missing")
	}
	doc, _, _ := drawTable(t, strings.NewReader(body))
	if n := doc.Find("script, link[rel=stylesheet], img[src^=http]").Length(); n != 0 {
		t.Errorf("page loads %d external or script assets", n)
	}
	tests := []struct {
		source string
		want   []string
	}{
		{"oinp-2024", []string{"healthy", "fetched", "200", "183.0 kB", "842ms", "10 min ago"}},
		{"oinp-tech", []string{"failing (3 in a row)", "failed", "503", "3s", "fetch oinp-tech: 503 after 3 tries", "3 days ago"}},
	}
	for _, tt := range tests {
		row := doc.Find("#sources tbody tr").FilterFunction(func(_ int, s *goquery.Selection) bool {
			return s.Find(`[scope="row"] strong`).First().Text() == tt.source
		})
		if row.Length() != 1 {
			t.Errorf("source %s: %d rows", tt.source, row.Length())
			continue
		}
		text := strings.Join(strings.Fields(row.Text()), " ")
		for _, w := range tt.want {
			if !strings.Contains(text, w) {
				t.Errorf("source %s row lacks %q: %s", tt.source, w, text)
			}
		}
	}
	summary := strings.Join(strings.Fields(doc.Find("dl.summary").Text()), " ")
	for _, w := range []string{"ready", "6 draws", "Alerts pending"} {
		if !strings.Contains(summary, w) {
			t.Errorf("summary lacks %q: %s", w, summary)
		}
	}
}

// TestServeShutdown runs the real listener on loopback and checks that
// cancelling the context stops it cleanly.
func TestServeShutdown(t *testing.T) {
	s := newTestServer(t, newTestStore(t), testNow, true)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(b, []byte("ok\n")) {
		t.Errorf("healthz over TCP: %d %q", resp.StatusCode, b)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve after cancel: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after its context was cancelled")
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Errorf("still serving after shutdown")
	}
}

func TestListenAndServePortTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	s := NewServer(Options{})
	err = s.ListenAndServe(context.Background(), ln.Addr().String())
	var opErr *net.OpError
	if !errors.As(err, &opErr) || !strings.Contains(err.Error(), ln.Addr().String()) {
		t.Errorf("want a wrapped listen error naming the address, got %v", err)
	}
}
