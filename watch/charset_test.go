package watch

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

// toWindows1252 re-encodes a real UTF-8 page the way an old server would
// send it: windows-1252 bytes, declared only by <meta charset>; characters
// windows-1252 lacks (U+202F) become numeric references, which parse back
// to the same text.
func toWindows1252(t *testing.T, page []byte) []byte {
	t.Helper()
	s := strings.Replace(string(page), `<meta charset="utf-8" />`, `<meta charset="windows-1252" />`, 1)
	if s == string(page) {
		t.Fatal(`the capture has no <meta charset="utf-8" />: fixture changed`)
	}
	out, err := encoding.HTMLEscapeUnsupported(charmap.Windows1252.NewEncoder()).Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	if utf8.Valid(out) {
		t.Fatal("the re-encoded page is valid UTF-8: it would not test decoding")
	}
	return out
}

// TestMetaCharsetPageIsUnchanged: the real 2024 updates page stored from
// UTF-8, then served as windows-1252 with only a <meta charset> and no
// charset in Content-Type, is the same page: no change, no alert, and the
// stored text keeps its typography.
func TestMetaCharsetPageIsUnchanged(t *testing.T) {
	h := newHarness(t)
	dec := readPage(t, "captured/2024-updates.2025-12.html")
	cp1252 := toWindows1252(t, dec)
	var legacy bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			return
		}
		if legacy {
			w.Header().Set("Content-Type", "text/html") // no charset: only the <meta> says it
			w.Write(cp1252)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(dec)
	}))
	defer srv.Close()
	h.runner.Sources[0].URL = srv.URL + updatesPath
	h.runner.BacklogDays = 100000 // every announcement alerts on the first run

	first := h.run(t)
	if first.Err != nil || first.New < 40 {
		t.Fatalf("first run from UTF-8: %+v", first)
	}
	queued, err := h.store.PendingCount(context.Background())
	if err != nil || queued != first.Alerts || queued == 0 {
		t.Fatalf("first run queued %d alerts (%v), report says %d", queued, err, first.Alerts)
	}

	legacy = true
	second := h.run(t)
	if second.Err != nil || second.Outcome != OutcomeFetched {
		t.Fatalf("second run from windows-1252: %+v", second)
	}
	for _, c := range second.Changes {
		t.Errorf("%s %s after a re-encoding only: %+v", c.Type, c.Announcement.ID, c.Fields)
	}
	if second.Alerts != 0 {
		t.Errorf("second run queued %d alerts, want 0", second.Alerts)
	}
	if n, _ := h.store.PendingCount(context.Background()); n != queued {
		t.Errorf("outbox holds %d alerts after the windows-1252 run, want still %d", n, queued)
	}
	hist, err := h.store.History(context.Background(), "February6-0")
	if err != nil || len(hist) != 1 {
		t.Fatalf("history of February6-0: %d versions (%v), want 1", len(hist), err)
	}
	if text := hist[0].Announcement.Text; strings.ContainsRune(text, utf8.RuneError) || strings.Contains(text, "â€") {
		t.Errorf("stored text garbled: %.200q", text)
	}
	t.Logf("real 2024 updates page: %d announcements, %d alerts from UTF-8; windows-1252 + <meta>: %d changes, %d alerts",
		first.Announcements, first.Alerts, len(second.Changes), second.Alerts)
}

// garbled returns the real page as it reads after a wrong decoding
// upstream, as valid UTF-8 that no fetch can tell from the real thing:
// lost, windows-1252 bytes read as UTF-8 (each ’ – “ now U+FFFD); moji,
// UTF-8 read as windows-1252 (’ now â€™).
func garbled(t *testing.T, page []byte) (lost, moji []byte) {
	t.Helper()
	lost = []byte(string([]rune(string(toWindows1252(t, page)))))
	moji, err := charmap.Windows1252.NewDecoder().Bytes(page)
	if err != nil {
		t.Fatal(err)
	}
	return lost, moji
}

// TestMojibakeOnlyChangeIsUnchanged: the real page, stored clean, then
// fetched garbled by a wrong decoding upstream (or stored garbled by an
// older drawwatch, then fetched clean), is no change and no alert. A
// garbled fetch never overwrites a clean copy; a clean fetch repairs a
// garbled one. Servers that mislabel the charset are read right at fetch.
func TestMojibakeOnlyChangeIsUnchanged(t *testing.T) {
	dec := readPage(t, "captured/2024-updates.2025-12.html")
	lost, moji := garbled(t, dec)
	const utf8Header = "text/html; charset=utf-8"
	clean := serving{dec, utf8Header}
	tests := []struct {
		name        string
		first, then serving
	}{
		{"stored garbled (U+FFFD), then served clean", serving{lost, utf8Header}, clean},
		{"stored clean, then served with U+FFFD", clean, serving{lost, utf8Header}},
		{"stored clean, then served as â€™", clean, serving{moji, utf8Header}},
		{"stored as â€™, then served clean", serving{moji, utf8Header}, clean},
		{"stored clean, then windows-1252 labelled utf-8", clean, serving{toWindows1252(t, dec), utf8Header}},
		{"stored clean, then utf-8 labelled windows-1252", clean, serving{dec, "text/html; charset=windows-1252"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			cur := tt.first
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", cur.contentType)
				w.Write(cur.body)
			}))
			defer srv.Close()
			h.runner.Sources[0].URL = srv.URL + updatesPath
			h.runner.BacklogDays = 100000
			if first := h.run(t); first.Err != nil || first.New < 40 {
				t.Fatalf("first run: %+v", first)
			}
			queued, _ := h.store.PendingCount(context.Background())
			cur = tt.then
			second := h.run(t)
			if second.Err != nil {
				t.Fatal(second.Err)
			}
			for _, c := range second.Changes {
				t.Errorf("%s %s after a charset mix-up only: %+v", c.Type, c.Announcement.ID, c.Fields)
			}
			if n, _ := h.store.PendingCount(context.Background()); second.Alerts != 0 || n != queued {
				t.Errorf("second run queued %d alerts (outbox %d, was %d), want none", second.Alerts, n, queued)
			}
			hist, err := h.store.History(context.Background(), "February6-0")
			if err != nil || len(hist) == 0 {
				t.Fatalf("history: %v", err)
			}
			if last := hist[len(hist)-1].Announcement.Text; strings.ContainsRune(last, utf8.RuneError) || strings.Contains(last, "â€") {
				t.Errorf("stored text garbled after the second run: %.160q", last)
			}
		})
	}
}

type serving struct {
	body        []byte
	contentType string
}

// TestRealEditThroughMojibakeStillAlerts: the edited capture (a count, a CRS
// bound, a NOC removed) served garbled still reports its announcements as
// changed: tolerance for mojibake never hides an edit.
func TestRealEditThroughMojibakeStillAlerts(t *testing.T) {
	h := newHarness(t)
	dec := readPage(t, "captured/2024-updates.2025-12.html")
	cur := serving{dec, "text/html; charset=utf-8"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", cur.contentType)
		w.Write(cur.body)
	}))
	defer srv.Close()
	h.runner.Sources[0].URL = srv.URL + updatesPath
	if r := h.run(t); r.Err != nil {
		t.Fatal(r.Err)
	}
	_, moji := garbled(t, editCapture(t, dec))
	cur = serving{moji, "text/html; charset=utf-8"}
	second := h.run(t)
	changed := map[string]bool{}
	for _, c := range second.Changes {
		changed[c.Announcement.ID] = true
	}
	if !changed["february6-0"] || len(changed) != 2 {
		t.Errorf("changed announcements %v, want the two edited ones (february6-0 and the one with 106 → 116)", changed)
	}
}
