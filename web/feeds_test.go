package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"
	"github.com/mmcdole/gofeed"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/match"
	"github.com/drawwatch/drawwatch/store"
)

const feedToken = "s3cret-token-0123456789"

// deadlinePage has a Masters Graduate draw with a profile window and a
// deadline, a Skilled Trades draw with a deadline and NOC 72010, an HCP
// draw with no dates, and a news item. deadline is the masters draw's.
func deadlinePage(deadline string) *drawwatch.Page {
	ann := func(id, posted, title string, kind drawwatch.Kind, draws ...drawwatch.Draw) drawwatch.Announcement {
		text := title
		for _, d := range draws {
			text += " " + d.Key() + " " + d.Deadline
		}
		return drawwatch.Announcement{ID: id, Posted: posted, Anchor: id, Title: title, Kind: kind, Text: text,
			Hash: drawwatch.ContentHash(text), SourceURL: updatesURL + "#" + id, Draws: draws}
	}
	return &drawwatch.Page{Kind: drawwatch.PageUpdates, URL: updatesURL, Announcements: []drawwatch.Announcement{
		ann("january10-0", "2024-01-10", "Human Capital Priorities stream draw", drawwatch.KindDraw,
			drawwatch.Draw{Program: "OINP", Stream: drawwatch.StreamHCP, Category: "General", Date: "2024-01-10",
				Invitation: "NOI", ScoreKind: "CRS", ScoreMin: ip(460), ScoreMax: ip(468), Invitations: ip(1200), SourceURL: updatesURL + "#january10-0"}),
		ann("march5-0", "2024-03-05", "Masters Graduate stream draw", drawwatch.KindDraw,
			drawwatch.Draw{Program: "OINP", Stream: drawwatch.StreamMastersGraduate, Category: "General", Date: "2024-03-05",
				Invitation: "ITA", ScoreKind: "EOI", ScoreMin: ip(50), Invitations: ip(600), ProfilesFrom: "2024-01-01",
				ProfilesTo: "2024-03-01", Deadline: deadline, SourceURL: updatesURL + "#march5-0"}),
		ann("march20-0", "2024-03-20", "Skilled Trades stream draw", drawwatch.KindDraw,
			drawwatch.Draw{Program: "OINP", Stream: drawwatch.StreamSkilledTrades, Category: "Skilled trades occupations", Date: "2024-03-20",
				Invitation: "NOI", ScoreKind: "CRS", ScoreMin: ip(405), ScoreMax: ip(435), Deadline: "2024-04-03",
				NOCs: []drawwatch.NOC{{Code: "72010"}, {Code: "72011"}}, SourceURL: updatesURL + "#march20-0"}),
		ann("april2-0", "2024-04-02", "Skilled Trades stream paused", drawwatch.KindNews),
	}}
}

// feedStore holds deadlinePage as first seen at t0; correct re-reads it at
// t1 with the masters deadline moved.
func feedStore(t *testing.T) (st *store.Store, correct func()) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "drawwatch.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	t0 := testNow.Add(-48 * time.Hour)
	if _, err := st.Apply(ctx, deadlinePage("2024-03-19"), store.ApplyOptions{Source: "oinp-2024", Now: t0}); err != nil {
		t.Fatal(err)
	}
	return st, func() {
		if _, err := st.Apply(ctx, deadlinePage("2024-03-26"), store.ApplyOptions{Source: "oinp-2024", Now: t0.Add(24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
}

func feedServer(st *store.Store, token string, roster []drawwatch.Client) http.Handler {
	opts := Options{Data: st, Now: func() time.Time { return testNow }, Token: token}
	if roster != nil {
		ix := match.NewIndex(roster)
		opts.Roster = func() *match.Index { return ix }
	}
	return NewServer(opts).Handler()
}

func getWith(t *testing.T, h http.Handler, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

type icsEvent struct {
	uid, summary, url, desc string
	start, end              time.Time
}

// parseICS reads the calendar with emersion/go-ical, an independent
// RFC 5545 implementation, and re-encodes it, which checks each event has
// exactly one UID and DTSTAMP.
func parseICS(t *testing.T, body []byte) map[string]icsEvent {
	t.Helper()
	for i, l := range bytes.SplitAfter(body, []byte("\n")) {
		if len(l) == 0 {
			continue
		}
		if !bytes.HasSuffix(l, []byte("\r\n")) || len(l) > 75+2 {
			t.Fatalf("line %d is not a folded CRLF line of at most 75 octets: %q", i+1, l)
		}
	}
	cal, err := goical.NewDecoder(bytes.NewReader(body)).Decode()
	if err != nil {
		t.Fatalf("decode calendar: %v\n%s", err, body)
	}
	// go-ical's encoder also refuses a calendar without components, which
	// a filter that matches nothing rightly produces.
	if err := goical.NewEncoder(new(bytes.Buffer)).Encode(cal); err != nil && len(cal.Children) > 0 {
		t.Fatalf("calendar is not valid iCalendar: %v", err)
	}
	if v, _ := cal.Props.Text(goical.PropVersion); v != "2.0" {
		t.Errorf("VERSION = %q", v)
	}
	out := map[string]icsEvent{}
	for _, e := range cal.Events() {
		var ev icsEvent
		ev.uid, _ = e.Props.Text(goical.PropUID)
		ev.summary, _ = e.Props.Text(goical.PropSummary)
		ev.desc, _ = e.Props.Text(goical.PropDescription)
		if u, err := e.Props.URI(goical.PropURL); err == nil && u != nil {
			ev.url = u.String()
		}
		for _, p := range []struct {
			name string
			dst  *time.Time
		}{{goical.PropDateTimeStart, &ev.start}, {goical.PropDateTimeEnd, &ev.end}} {
			prop := e.Props.Get(p.name)
			if prop == nil || prop.ValueType() != goical.ValueDate {
				t.Errorf("event %s: %s is not an all-day DATE", ev.uid, p.name)
				continue
			}
			*p.dst, _ = prop.DateTime(time.UTC)
		}
		if _, dup := out[ev.uid]; dup {
			t.Errorf("UID %s twice", ev.uid)
		}
		out[ev.uid] = ev
	}
	return out
}

func TestCalendarFeed(t *testing.T) {
	st, correct := feedStore(t)
	h := feedServer(st, "", nil)
	rec := getWith(t, h, "/calendar.ics")
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/calendar") {
		t.Fatalf("status %d, type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	events := parseICS(t, rec.Body.Bytes())
	if len(events) != 3 { // masters deadline, masters profile-window end, trades deadline
		t.Fatalf("%d events, want 3: %+v", len(events), events)
	}
	var deadline icsEvent
	for _, e := range events {
		if e.end.Sub(e.start) != 24*time.Hour {
			t.Errorf("%s: not a one-day event (%s – %s)", e.uid, e.start, e.end)
		}
		if strings.HasPrefix(e.summary, "Apply by: Masters Graduate draw, 5 Mar 2024") {
			deadline = e
		}
	}
	if deadline.uid == "" || !deadline.start.Equal(time.Date(2024, 3, 19, 0, 0, 0, 0, time.UTC)) || deadline.url != updatesURL+"#march5-0" {
		t.Fatalf("masters deadline event = %+v (events %+v)", deadline, events)
	}
	ends := 0
	for _, e := range events {
		if strings.HasPrefix(e.summary, "Profile window ends: Masters Graduate draw, 5 Mar 2024") && e.start.Equal(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)) {
			ends++
		}
	}
	if ends != 1 {
		t.Errorf("no profile-window end event on 1 Mar 2024: %+v", events)
	}

	correct()
	after := parseICS(t, getWith(t, h, "/calendar.ics").Body.Bytes())
	moved, ok := after[deadline.uid]
	if !ok || !moved.start.Equal(time.Date(2024, 3, 26, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("after the correction the event %s is %+v, want the same UID on 26 Mar", deadline.uid, moved)
	}
	if len(after) != 3 {
		t.Errorf("%d events after the correction, want the same 3", len(after))
	}

	trades := parseICS(t, getWith(t, h, "/calendar.ics?stream=skilled-trades").Body.Bytes())
	if len(trades) != 1 {
		t.Errorf("?stream=skilled-trades: %d events, want 1", len(trades))
	}
	for _, e := range trades {
		if !strings.Contains(e.summary, "Skilled Trades draw, 20 Mar 2024") {
			t.Errorf("summary %q", e.summary)
		}
	}
	if rec := getWith(t, h, "/calendar.ics?stream=tech"); rec.Code != http.StatusBadRequest {
		t.Errorf("unknown stream: %d", rec.Code)
	}
}

func TestCalendarClientFilterNeedsToken(t *testing.T) {
	st, _ := feedStore(t)
	roster := []drawwatch.Client{
		{ID: "T-1", Label: "Marco", Streams: []drawwatch.Stream{"skilled-trades"}, NOCs: []string{"72010"}, CRS: ip(420)},
		{ID: "T-2", Label: "Lena", Streams: []drawwatch.Stream{"skilled-trades"}, NOCs: []string{"72010"}, CRS: ip(400)},
	}
	if rec := getWith(t, feedServer(st, "", roster), "/calendar.ics?client=T-1"); rec.Code != http.StatusForbidden || strings.Contains(rec.Body.String(), "Marco") {
		t.Errorf("client data without a token: %d %s", rec.Code, rec.Body)
	}
	h := feedServer(st, feedToken, roster)
	if rec := getWith(t, h, "/calendar.ics?client=T-1"); rec.Code != http.StatusUnauthorized {
		t.Errorf("no token given: %d", rec.Code)
	}
	if rec := getWith(t, h, "/calendar.ics?client=T-1&token=wrong"); rec.Code != http.StatusUnauthorized {
		t.Errorf("wrong token: %d", rec.Code)
	}
	rec := getWith(t, h, "/calendar.ics?client=T-1&token="+feedToken)
	if rec.Code != http.StatusOK {
		t.Fatalf("with token: %d %s", rec.Code, rec.Body)
	}
	events := parseICS(t, rec.Body.Bytes())
	if len(events) != 1 {
		t.Fatalf("T-1 (72010, CRS 420) has %d deadlines, want the trades one: %+v", len(events), events)
	}
	for _, e := range events {
		if !strings.Contains(e.desc, "T-1 Marco matches (CRS 420)") {
			t.Errorf("description %q", e.desc)
		}
	}
	if events := parseICS(t, getWith(t, h, "/calendar.ics?client=T-2", "Authorization", "Bearer "+feedToken).Body.Bytes()); len(events) != 0 {
		t.Errorf("T-2 (CRS 400) got %d events", len(events))
	}
	if rec := getWith(t, h, "/calendar.ics?client=X&token="+feedToken); rec.Code != http.StatusNotFound {
		t.Errorf("unknown client: %d", rec.Code)
	}
}

func TestAtomFeed(t *testing.T) {
	st, correct := feedStore(t)
	h := feedServer(st, "", nil)
	read := func(target string) *gofeed.Feed {
		t.Helper()
		rec := getWith(t, h, target)
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/atom+xml") {
			t.Fatalf("%s: status %d type %q: %s", target, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
		f, err := gofeed.NewParser().ParseString(rec.Body.String())
		if err != nil {
			t.Fatalf("parse %s: %v", target, err)
		}
		if f.FeedType != "atom" {
			t.Fatalf("feed type %q", f.FeedType)
		}
		return f
	}
	before := read("/feed.atom")
	var titles []string
	for _, it := range before.Items {
		titles = append(titles, it.Title)
	}
	want := []string{"Skilled Trades stream paused", "Skilled Trades stream draw", "Masters Graduate stream draw", "Human Capital Priorities stream draw"}
	if !slices.Equal(titles, want) {
		t.Fatalf("entries %q, want newest first %q", titles, want)
	}
	masters := before.Items[2]
	if masters.GUID != updatesURL+"#march5-0" || masters.Link != updatesURL+"#march5-0" || !strings.Contains(masters.Description, "EOI 50+") {
		t.Errorf("masters entry: id %q link %q summary %q", masters.GUID, masters.Link, masters.Description)
	}

	correct()
	after := read("/feed.atom")
	for i, it := range after.Items {
		if it.GUID != before.Items[i].GUID {
			t.Errorf("entry %d id changed: %q → %q", i, before.Items[i].GUID, it.GUID)
		}
		if !it.PublishedParsed.Equal(*before.Items[i].PublishedParsed) {
			t.Errorf("entry %q published moved", it.Title)
		}
		corrected := it.Title == "Masters Graduate stream draw"
		if moved := it.UpdatedParsed.After(*before.Items[i].UpdatedParsed); moved != corrected {
			t.Errorf("entry %q: updated moved = %v, want %v", it.Title, moved, corrected)
		}
	}
	if !after.UpdatedParsed.After(*before.UpdatedParsed) {
		t.Errorf("feed updated did not move with the correction")
	}

	if trades := read("/feed.atom?stream=skilled-trades"); len(trades.Items) != 1 || trades.Items[0].Title != "Skilled Trades stream draw" {
		t.Errorf("?stream=skilled-trades: %d items", len(trades.Items))
	}
	if ee := read("/feed.atom?program=EE"); len(ee.Items) != 0 {
		t.Errorf("?program=EE on OINP-only data: %d items", len(ee.Items))
	}
	if oinp := read("/feed.atom?program=oinp"); len(oinp.Items) != 3 {
		t.Errorf("?program=oinp: %d items, want the 3 draws", len(oinp.Items))
	}
	if rec := getWith(t, h, "/feed.atom?program=PNP"); rec.Code != http.StatusBadRequest {
		t.Errorf("unknown program: %d", rec.Code)
	}
}

func TestTokenProtectsPagesFeedsAndAPI(t *testing.T) {
	st, _ := feedStore(t)
	h := feedServer(st, feedToken, nil)
	for _, path := range []string{"/", "/api/v1/draws", "/api/v1/announcements/march5-0", "/feed.atom", "/calendar.ics"} {
		if rec := getWith(t, h, path); rec.Code != http.StatusUnauthorized || rec.Header().Get("WWW-Authenticate") == "" {
			t.Errorf("%s without token: %d", path, rec.Code)
		}
		if rec := getWith(t, h, path, "Authorization", "Bearer "+feedToken); rec.Code != http.StatusOK {
			t.Errorf("%s with token: %d %s", path, rec.Code, rec.Body)
		}
	}
	if rec := getWith(t, h, "/api/v1/draws"); !strings.Contains(rec.Body.String(), `"message"`) {
		t.Errorf("API 401 is not JSON: %s", rec.Body)
	}
	// A browser opens the page once with ?token= and keeps a cookie for
	// the page's own filter links.
	first := getWith(t, h, "/?token="+feedToken)
	cookies := first.Result().Cookies()
	if first.Code != http.StatusOK || len(cookies) != 1 || !cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteStrictMode {
		t.Fatalf("status page with ?token=: %d, cookies %+v", first.Code, cookies)
	}
	if rec := getWith(t, h, "/?stream=hcp", "Cookie", cookies[0].String()); rec.Code != http.StatusOK {
		t.Errorf("status page with the cookie: %d", rec.Code)
	}
	if rec := getWith(t, h, "/?stream=hcp", "Cookie", tokenCookie+"=guess-0123456789abcdef"); rec.Code != http.StatusUnauthorized {
		t.Errorf("status page with a wrong cookie: %d", rec.Code)
	}
	if rec := getWith(t, h, "/healthz"); rec.Code != http.StatusOK {
		t.Errorf("/healthz behind the token: %d", rec.Code)
	}
	if rec := getWith(t, feedServer(st, "", nil), "/api/v1/draws"); rec.Code != http.StatusOK {
		t.Errorf("no token configured: %d", rec.Code)
	}
}

func decodeJSON(t *testing.T, rec *httptest.ResponseRecorder, v any) {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("content type %q", ct)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
		t.Fatalf("decode %s: %v", rec.Body, err)
	}
}
