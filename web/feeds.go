package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/gorilla/feeds"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/match"
	"github.com/drawwatch/drawwatch/store"
)

// historyReader is what the feed and the announcement endpoint read beyond
// Data: when an announcement was first seen and last corrected.
type historyReader interface {
	History(ctx context.Context, announcementID string) ([]store.AnnouncementVersion, error)
}

// feedEntries caps the Atom feed: readers poll it, they do not page it.
const feedEntries = 50

// calendar serves one all-day event per stated application deadline and
// per profile-window end. UIDs come from the announcement and the draw's
// key, so a corrected date moves the same event in a subscribed calendar.
func (s *Server) calendar(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.DrawFilter{Kind: drawwatch.KindDraw, Stream: q.Get("stream")}
	if _, known := drawwatch.LookupStream(drawwatch.Stream(f.Stream)); f.Stream != "" && !known {
		http.Error(w, fmt.Sprintf("stream %q is not a stream slug (%s)", f.Stream, strings.Join(drawwatch.StreamSlugs(), ", ")), http.StatusBadRequest)
		return
	}
	var client *match.Index
	if id := q.Get("client"); id != "" {
		c, status, msg := s.rosterClient(id)
		if status != http.StatusOK {
			http.Error(w, msg, status)
			return
		}
		client = match.NewIndex([]drawwatch.Client{c})
	}
	draws, err := s.opts.Data.Draws(r.Context(), f)
	if err != nil {
		s.storeFailed(w, r, "calendar: list draws", err)
		return
	}
	cal := ics.NewCalendarFor("drawwatch")
	cal.SetProductId("-//drawwatch//OINP deadlines//EN")
	cal.SetMethod(ics.MethodPublish)
	cal.SetXWRCalName("drawwatch: OINP deadlines")
	cal.SetRefreshInterval("PT1H")
	cal.SetXPublishedTTL("PT1H")
	now := s.opts.Now()
	for _, d := range draws {
		var m *drawwatch.ClientMatch
		if client != nil {
			res := client.Draw(d.Draw)
			switch {
			case len(res.Matches) > 0:
				m = &res.Matches[0]
			case len(res.Possible) > 0:
				m = &res.Possible[0]
			default:
				continue
			}
		}
		addDeadlineEvents(cal, d, m, now)
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="drawwatch.ics"`)
	if err := cal.SerializeTo(w, ics.WithNewLine("\r\n")); err != nil { // RFC 5545 lines end in CRLF
		logWrite(r, err)
	}
}

// rosterClient finds a roster client for a feed filter; client data is
// served only behind the token.
func (s *Server) rosterClient(id string) (drawwatch.Client, int, string) {
	if !s.servesClientData() {
		return drawwatch.Client{}, http.StatusForbidden, "client filters need [http] token_file set and the daemon's [clients] roster: client data is never served without a token"
	}
	ix := s.opts.Roster()
	if ix == nil {
		return drawwatch.Client{}, http.StatusNotFound, "no client roster is loaded"
	}
	c, ok := ix.Client(id)
	if !ok {
		return drawwatch.Client{}, http.StatusNotFound, fmt.Sprintf("no client %q in the roster", id)
	}
	return c, http.StatusOK, ""
}

func addDeadlineEvents(cal *ics.Calendar, d store.StoredDraw, m *drawwatch.ClientMatch, now time.Time) {
	title := drawTitle(d.Draw)
	for _, ev := range []struct{ kind, date, what string }{
		{"deadline", d.Deadline, "Apply by"},
		{"profiles-end", d.ProfilesTo, "Profile window ends"},
	} {
		day, err := time.Parse(time.DateOnly, ev.date)
		if err != nil {
			continue // not stated (or not a date): no event
		}
		e := cal.AddEvent(ev.kind + "." + d.AnnouncementID + "." + drawwatch.Slug(d.Key()) + "@drawwatch")
		e.SetDtStampTime(now)
		e.SetAllDayStartAt(day)
		e.SetAllDayEndAt(day.AddDate(0, 0, 1))
		e.SetSummary(ev.what + ": " + title)
		e.SetTimeTransparency(ics.TransparencyTransparent)
		if d.SourceURL != "" {
			e.SetURL(d.SourceURL)
		}
		e.SetDescription(drawFacts(d.Draw, m))
	}
}

// drawTitle names a draw by stream and date: "Skilled Trades draw, 17 Oct 2024".
func drawTitle(d drawwatch.Draw) string {
	name := d.Stream.Label()
	if d.ProgramOf() == drawwatch.ProgramEE {
		name = "Express Entry " + drawwatch.EECategoryName(d.Category)
	}
	if name == "" {
		name = "OINP"
	}
	if day, err := time.Parse(time.DateOnly, d.Date); err == nil {
		return name + " draw, " + day.Format("2 Jan 2006")
	}
	return name + " draw"
}

// drawFacts is a one-paragraph summary: category, band, count, NOCs,
// dates, and the client's match when the feed is for one client.
func drawFacts(d drawwatch.Draw, m *drawwatch.ClientMatch) string {
	var parts []string
	if d.Category != "" {
		parts = append(parts, d.Category)
	}
	if band := d.ScoreBand(); band != "" {
		parts = append(parts, strings.TrimSpace(d.ScoreKind+" "+band))
	}
	if d.Invitations != nil {
		parts = append(parts, strconv.Itoa(*d.Invitations)+" "+strings.TrimSpace(d.Invitation+" invitations"))
	}
	if n := len(d.NOCs); n > 0 {
		parts = append(parts, fmt.Sprintf("%d NOC codes", n))
	}
	if d.ProfilesFrom != "" || d.ProfilesTo != "" {
		parts = append(parts, "profiles created "+d.ProfilesFrom+" – "+d.ProfilesTo)
	}
	if d.Deadline != "" {
		parts = append(parts, "apply by "+d.Deadline)
	}
	if m != nil {
		who := strings.TrimSpace(m.ClientID + " " + m.Label)
		switch {
		case m.Possible:
			parts = append(parts, who+" may match ("+m.Reason+")")
		case m.Score != nil:
			parts = append(parts, fmt.Sprintf("%s matches (%s %d)", who, m.ScoreKind, *m.Score))
		default:
			parts = append(parts, who+" matches")
		}
	}
	if d.SourceURL != "" {
		parts = append(parts, d.SourceURL)
	}
	return strings.Join(parts, "; ")
}

// atom serves draws and news, one entry per announcement, newest first.
// An entry's id is its announcement's link on ontario.ca, which does not
// change; updated moves when the store records a correction.
func (s *Server) atom(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.DrawFilter{Stream: q.Get("stream"), Program: strings.ToUpper(q.Get("program"))}
	if _, known := drawwatch.LookupStream(drawwatch.Stream(f.Stream)); f.Stream != "" && !known {
		http.Error(w, fmt.Sprintf("stream %q is not a stream slug (%s)", f.Stream, strings.Join(drawwatch.StreamSlugs(), ", ")), http.StatusBadRequest)
		return
	}
	if f.Program != "" && drawwatch.ProgramName(f.Program) == f.Program {
		http.Error(w, fmt.Sprintf("program %q is not OINP or EE", q.Get("program")), http.StatusBadRequest)
		return
	}
	if f.Program != "" && f.Stream == "" {
		f.Kind = drawwatch.KindDraw // news belongs to no program
	}
	feed, err := s.buildFeed(r.Context(), f)
	if err != nil {
		s.storeFailed(w, r, "feed: read announcements", err)
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	out, err := feeds.ToXML(feed)
	if err != nil {
		s.storeFailed(w, r, "feed: encode", err)
		return
	}
	if _, err := w.Write([]byte(out)); err != nil {
		logWrite(r, err)
	}
}

func (s *Server) buildFeed(ctx context.Context, f store.DrawFilter) (*feeds.AtomFeed, error) {
	rows, err := s.opts.Data.Draws(ctx, f)
	if err != nil {
		return nil, err
	}
	hist, _ := s.opts.Data.(historyReader)
	feed := &feeds.Feed{
		Title:       "drawwatch: OINP draws and news",
		Link:        &feeds.Link{Href: "https://www.ontario.ca/page/ontario-immigrant-nominee-program-oinp"},
		Description: "Every draw and notice drawwatch read from ontario.ca, corrections included",
		Author:      &feeds.Author{Name: "drawwatch"},
	}
	var published []time.Time
	seen := map[string]bool{}
	for _, d := range rows {
		if seen[d.AnnouncementID] || len(feed.Items) == feedEntries {
			continue
		}
		seen[d.AnnouncementID] = true
		item, first, err := feedItem(ctx, hist, d, rows)
		if err != nil {
			return nil, err
		}
		feed.Items = append(feed.Items, item)
		published = append(published, first)
		if item.Updated.After(feed.Updated) {
			feed.Updated = item.Updated
		}
	}
	af := (&feeds.Atom{Feed: feed}).AtomFeed()
	af.Id = "urn:drawwatch:feed" // the feed's identity must not depend on the host it is read through
	for i, e := range af.Entries {
		e.Published = published[i].UTC().Format(time.RFC3339)
	}
	if feed.Updated.IsZero() {
		af.Updated = time.Unix(0, 0).UTC().Format(time.RFC3339)
	}
	return af, nil
}

// feedItem is one announcement's entry; rows are every listed draw, for
// the announcement's other draws.
func feedItem(ctx context.Context, hist historyReader, d store.StoredDraw, rows []store.StoredDraw) (*feeds.Item, time.Time, error) {
	first, updated := d.FirstSeen, d.FirstSeen
	text := ""
	if hist != nil {
		vs, err := hist.History(ctx, d.AnnouncementID)
		if err != nil {
			return nil, time.Time{}, err
		}
		first, updated, text = vs[0].SeenAt, vs[len(vs)-1].SeenAt, vs[len(vs)-1].Announcement.Text
	}
	var lines []string
	for _, o := range rows {
		if o.AnnouncementID == d.AnnouncementID && o.Kind == drawwatch.KindDraw {
			lines = append(lines, html.EscapeString(drawTitle(o.Draw)+": "+drawFacts(o.Draw, nil)))
		}
	}
	if len(lines) == 0 && text != "" {
		lines = append(lines, html.EscapeString(firstWords(text, 400)))
	}
	link := d.SourceURL
	item := &feeds.Item{
		Title:       d.AnnouncementTitle,
		Link:        &feeds.Link{Href: link},
		Id:          entryID(d),
		Created:     first,
		Updated:     updated,
		Description: strings.Join(lines, "<br>"),
	}
	return item, first, nil
}

// entryID is the announcement's own link, anchor included: stable across
// fetches and corrections, and an IRI as RFC 4287 wants.
func entryID(d store.StoredDraw) string {
	if strings.Contains(d.SourceURL, "#") {
		return d.SourceURL
	}
	if d.SourceURL != "" {
		return d.SourceURL + "#" + d.AnnouncementID
	}
	return "urn:drawwatch:announcement:" + d.AnnouncementID
}

func firstWords(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndex(s[:n], " ")
	if cut <= 0 {
		cut = n
	}
	return s[:cut] + " …"
}

func logWrite(r *http.Request, err error) {
	// Headers are gone by now; the reader sees a short body and retries.
	slogWarn(r, "write response", err)
}
