package web

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/internal/realpages"
	"github.com/drawwatch/drawwatch/scraper"
	"github.com/drawwatch/drawwatch/store"
)

// realStore stores a real updates page; without ../shared it skips, except
// in CI, where the pages must be there.
func realStore(t *testing.T, rel, url string) *store.Store {
	t.Helper()
	data := realpages.Read(t, rel)
	page, err := scraper.Parse(drawwatch.PageUpdates, data, url)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "drawwatch.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Apply(ctx, page, store.ApplyOptions{Source: "oinp", Now: testNow}); err != nil {
		t.Fatal(err)
	}
	return st
}

// The 2026 page states profile windows ("profiles created between ...");
// every window's end is one all-day event on that day.
func TestCalendarOnRealPage(t *testing.T) {
	const url = "https://www.ontario.ca/page/2026-ontario-immigrant-nominee-program-updates"
	st := realStore(t, "ontario.ca/rendered/2026-updates.html", url)
	draws, err := st.Draws(context.Background(), store.DrawFilter{Kind: drawwatch.KindDraw})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{} // UID prefix -> profiles_to
	for _, d := range draws {
		if d.ProfilesTo != "" {
			want["profiles-end."+d.AnnouncementID+"."+drawwatch.Slug(d.Key())] = d.ProfilesTo
		}
	}
	if len(want) == 0 {
		t.Fatal("no profile window on the 2026 page")
	}
	h := feedServer(st, "", nil)
	events := parseICS(t, getWith(t, h, "/calendar.ics").Body.Bytes())
	got := 0
	for uid, e := range events {
		end, ok := want[strings.TrimSuffix(uid, "@drawwatch")]
		if !ok {
			continue
		}
		got++
		if e.start.Format(time.DateOnly) != end || !strings.HasPrefix(e.summary, "Profile window ends: ") || !strings.HasPrefix(e.url, url) {
			t.Errorf("event %s = %+v, want an all-day event on %s linking to the page", uid, e, end)
		}
	}
	if got != len(want) {
		t.Errorf("%d profile-window events, want %d", got, len(want))
	}
	// Its deadlines are stated relative to the invitation ("within 17
	// calendar days from the date we issued the invitation"): one "Apply
	// by" event per draw, on the day the parser counted.
	deadlines := 0
	for _, d := range draws {
		if d.Deadline == "" {
			continue
		}
		deadlines++
		e, ok := events["deadline."+d.AnnouncementID+"."+drawwatch.Slug(d.Key())+"@drawwatch"]
		if !ok || e.start.Format(time.DateOnly) != d.Deadline || !strings.HasPrefix(e.summary, "Apply by: ") {
			t.Errorf("draw %s %s: deadline %s has event %+v (found %v)", d.AnnouncementID, d.Key(), d.Deadline, e, ok)
		}
	}
	if deadlines == 0 {
		t.Error("no draw on the 2026 page has a deadline, though its announcements state one")
	}

	rec := getWith(t, h, "/feed.atom")
	feed, err := gofeed.NewParser().ParseString(rec.Body.String())
	if err != nil || rec.Code != http.StatusOK {
		t.Fatalf("feed: %d %v", rec.Code, err)
	}
	ids := map[string]bool{}
	for i, it := range feed.Items {
		if ids[it.GUID] || !strings.HasPrefix(it.GUID, url+"#") {
			t.Errorf("entry %q: id %q repeated or not the announcement's link", it.Title, it.GUID)
		}
		ids[it.GUID] = true
		if i > 0 && it.PublishedParsed == nil {
			t.Errorf("entry %q has no published date", it.Title)
		}
	}
	anns, _, err := st.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(feed.Items) != min(anns, feedEntries) {
		t.Errorf("%d entries for %d announcements (cap %d)", len(feed.Items), anns, feedEntries)
	}
}
