package engine

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/google/go-cmp/cmp"
)

const (
	updatesURL = "https://www.ontario.ca/page/2024-ontario-immigrant-nominee-program-updates"
	noiURL     = "https://www.ontario.ca/page/oinp-express-entry-notifications-interest"
)

var now = time.Date(2024, 2, 20, 12, 0, 0, 0, time.UTC)

func n(v int) *int { return &v }

func hcp(date, category string, lo, hi, count *int) drawwatch.Draw {
	return drawwatch.Draw{Program: drawwatch.ProgramOINP, Stream: drawwatch.StreamHCP, Category: category, Date: date,
		Invitation: "NOI", ScoreKind: "CRS", ScoreMin: lo, ScoreMax: hi, Invitations: count}
}

func ann(id, posted, text string, draws ...drawwatch.Draw) drawwatch.Announcement {
	a := drawwatch.Announcement{ID: id, Posted: posted, Title: "title of " + id, Kind: drawwatch.KindDraw, Text: text, Draws: draws}
	if len(draws) == 0 {
		a.Kind = drawwatch.KindNews
	}
	a.Hash = drawwatch.ContentHash(text)
	return a
}

func page(kind drawwatch.PageKind, url string, anns ...drawwatch.Announcement) Page {
	return Prepare(&drawwatch.Page{Kind: kind, URL: url, Announcements: anns})
}

// stored is the state of a page the store holds as anns, rows from 1.
func stored(anns ...drawwatch.Announcement) map[string]StoredAnnouncement {
	out := map[string]StoredAnnouncement{}
	for i, a := range anns {
		a := a
		out[a.ID] = StoredAnnouncement{Row: int64(i + 1), Hash: a.Hash, Current: &a}
	}
	return out
}

func toAll(targets ...string) func(drawwatch.Event) []string {
	return func(drawwatch.Event) []string { return targets }
}

func ids(cs []drawwatch.Change) map[drawwatch.ChangeType][]string {
	out := map[drawwatch.ChangeType][]string{}
	for _, c := range cs {
		out[c.Type] = append(out[c.Type], c.Announcement.ID)
	}
	for _, l := range out {
		slices.Sort(l)
	}
	return out
}

func kinds(ws []Write) []WriteKind {
	out := make([]WriteKind, len(ws))
	for i, w := range ws {
		out[i] = w.Kind
	}
	return out
}

func TestComputeClassifies(t *testing.T) {
	feb6 := ann("february6-0", "2024-02-06", "health draw", hcp("2024-02-06", "Health occupations", n(379), n(430), nil))
	jan11 := ann("january11-0", "2024-01-11", "trades draw", drawwatch.Draw{Stream: drawwatch.StreamSkilledTrades, Date: "2024-01-11"})
	news := ann("february5-0", "2024-02-05", "entrepreneur stream suspended")
	edited := feb6
	edited.Text, edited.Hash = "health draw, corrected", drawwatch.ContentHash("health draw, corrected")
	edited.Draws = []drawwatch.Draw{hcp("2024-02-06", "Health occupations", n(380), n(430), nil)}
	removedAt := now.Add(-time.Hour)
	goneFeb6 := stored(feb6, jan11, news)
	a := goneFeb6["february6-0"]
	a.RemovedAt = removedAt
	goneFeb6["february6-0"] = a

	tests := []struct {
		name       string
		page       Page
		stored     map[string]StoredAnnouncement
		backlog    int
		want       map[drawwatch.ChangeType][]string
		wantWrites []WriteKind
		wantEvents []drawwatch.EventType
		wantErr    error
	}{
		{"first run, backlog covers february", page(drawwatch.PageUpdates, updatesURL, feb6, jan11, news), nil, 15,
			map[drawwatch.ChangeType][]string{drawwatch.ChangeNew: {"february5-0", "february6-0"}},
			[]WriteKind{WriteInsert, WriteInsert, WriteInsert}, []drawwatch.EventType{drawwatch.EventNew, drawwatch.EventNews}, nil},
		{"first run, backlog too short", page(drawwatch.PageUpdates, updatesURL, feb6, jan11), nil, 3,
			map[drawwatch.ChangeType][]string{}, []WriteKind{WriteInsert, WriteInsert}, nil, nil},
		{"later run: new whatever its date", page(drawwatch.PageUpdates, updatesURL, feb6, jan11), stored(feb6), 3,
			map[drawwatch.ChangeType][]string{drawwatch.ChangeNew: {"january11-0"}},
			[]WriteKind{WriteTouch, WriteInsert}, []drawwatch.EventType{drawwatch.EventNew}, nil},
		{"unchanged", page(drawwatch.PageUpdates, updatesURL, feb6, jan11), stored(feb6, jan11), 3,
			map[drawwatch.ChangeType][]string{}, []WriteKind{WriteTouch, WriteTouch}, nil, nil},
		{"edited", page(drawwatch.PageUpdates, updatesURL, edited, jan11), stored(feb6, jan11), 3,
			map[drawwatch.ChangeType][]string{drawwatch.ChangeChanged: {"february6-0"}},
			[]WriteKind{WriteUpdate, WriteTouch}, []drawwatch.EventType{drawwatch.EventChanged}, nil},
		{"gone from the page", page(drawwatch.PageUpdates, updatesURL, jan11), stored(feb6, jan11), 3,
			map[drawwatch.ChangeType][]string{drawwatch.ChangeRemoved: {"february6-0"}}, []WriteKind{WriteTouch, WriteRemove}, nil, nil},
		{"back as it was", page(drawwatch.PageUpdates, updatesURL, feb6, jan11, news), goneFeb6, 3,
			map[drawwatch.ChangeType][]string{drawwatch.ChangeChanged: {"february6-0"}},
			[]WriteKind{WriteTouch, WriteTouch, WriteTouch}, nil, nil},
		{"cut off: nothing removed", func() Page { p := page(drawwatch.PageUpdates, updatesURL, jan11); p.Truncated = true; return p }(),
			stored(feb6, jan11), 3, map[drawwatch.ChangeType][]string{}, []WriteKind{WriteTouch}, nil, nil},
		{"unreadable: kept", func() Page {
			p := page(drawwatch.PageUpdates, updatesURL, jan11)
			p.Skipped = []string{"february6-0"}
			return p
		}(),
			stored(feb6, jan11), 3, map[drawwatch.ChangeType][]string{}, []WriteKind{WriteTouch}, nil, nil},
		{"empty page of a known URL", page(drawwatch.PageUpdates, updatesURL), stored(feb6), 3, nil, nil, nil, ErrSuspectPage},
		{"empty new page", page(drawwatch.PageUpdates, updatesURL), nil, 3, map[drawwatch.ChangeType][]string{}, []WriteKind{}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := Compute(tt.page, State{Announcements: tt.stored}, Options{Now: now, BacklogDays: tt.backlog, Route: toAll("slack")})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(tt.want, ids(plan.Changes)); diff != "" {
				t.Errorf("changes (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantWrites, kinds(plan.Writes)); diff != "" {
				t.Errorf("writes (-want +got):\n%s", diff)
			}
			var events []drawwatch.EventType
			for _, a := range plan.Alerts {
				events = append(events, a.Event.Type)
			}
			if diff := cmp.Diff(tt.wantEvents, events); diff != "" {
				t.Errorf("alerts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestComputeEditReportsFieldsAndDedupes(t *testing.T) {
	feb6 := ann("february6-0", "2024-02-06", "health draw", hcp("2024-02-06", "Health occupations", n(379), n(430), n(2086)))
	feb6.Draws[0].NOCs = []drawwatch.NOC{{Code: "31102"}, {Code: "31103"}}
	edited := ann("february6-0", "2024-02-06", "health draw, corrected", hcp("2024-02-06", "Health occupations", n(380), n(430), n(2096)))
	edited.Draws[0].NOCs = []drawwatch.NOC{{Code: "31102"}}
	p := page(drawwatch.PageUpdates, updatesURL+"#February6-0", edited)
	plan, err := Compute(p, State{Announcements: stored(feb6)}, Options{Now: now, Route: toAll("slack", "email")})
	if err != nil {
		t.Fatal(err)
	}
	const k = "2024-02-06|hcp|health-occupations"
	want := []drawwatch.FieldChange{
		{Field: k + ".score_min", Old: "379", New: "380"},
		{Field: k + ".invitations", Old: "2086", New: "2096"},
		{Field: k + ".nocs", Old: "31103", New: ""},
	}
	if diff := cmp.Diff(want, plan.Writes[0].Fields); diff != "" {
		t.Errorf("stored fields (-want +got):\n%s", diff)
	}
	if len(plan.Alerts) != 2 {
		t.Fatalf("alerts = %d, want one per target", len(plan.Alerts))
	}
	for _, a := range plan.Alerts {
		if cmp.Diff(want, a.Event.Fields) != "" || a.Thread != updatesURL+"|february6-0" ||
			a.Dedupe != a.Target+"|"+updatesURL+"|february6-0|"+edited.Hash+"|changed" {
			t.Errorf("alert %+v: want the changed event threaded and keyed by page, id, hash", a)
		}
	}
}

func TestDiffTextAndTitle(t *testing.T) {
	base := ann("february5-0", "2024-02-05", "No new expressions of interest or applications are being accepted.")
	tests := []struct {
		name string
		cur  drawwatch.Announcement
		want []drawwatch.FieldChange
	}{
		{"typo fix", ann("february5-0", "2024-02-05", "No new expressions of interest or applications are accepted."),
			[]drawwatch.FieldChange{{Field: "text", Old: "… interest or applications are being accepted.", New: "… interest or applications are accepted."}}},
		{"title", func() drawwatch.Announcement { a := base; a.Title = "Entrepreneur Stream closed"; return a }(),
			[]drawwatch.FieldChange{{Field: "title", Old: "title of february5-0", New: "Entrepreneur Stream closed"}}},
		{"draw added", func() drawwatch.Announcement {
			a := base
			a.Draws = []drawwatch.Draw{hcp("2024-02-05", "", nil, nil, n(900))}
			return a
		}(),
			[]drawwatch.FieldChange{{Field: "2024-02-05|hcp|", Old: "", New: "900 NOI"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Diff(base, tt.cur)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestPrepareMakesIDsUnique(t *testing.T) {
	a := ann("february8-0", "2024-02-08", "tech draw")
	b := ann("february8-0", "2024-02-08", "tech draw again")
	b.Hash = ""
	in := &drawwatch.Page{Kind: drawwatch.PageUpdates, URL: updatesURL + "#x", Announcements: []drawwatch.Announcement{a, b}}
	p := Prepare(in)
	if p.URL != updatesURL || p.Announcements[1].ID != "february8-0-2" || p.Announcements[1].Hash != drawwatch.ContentHash(b.Text) || len(p.Warnings) != 1 {
		t.Errorf("Prepare = %s %+v, warnings %v", p.URL, p.Announcements, p.Warnings)
	}
	if in.Announcements[1].ID != "february8-0" {
		t.Error("Prepare changed the caller's page")
	}
}

func TestWithinBacklog(t *testing.T) {
	tests := []struct {
		posted, drawn string
		days          int
		want          bool
	}{
		{"2024-02-06", "", 15, true},
		{"2024-02-06", "", 13, false},
		{"", "2024-02-19", 3, true},
		{"", "", 9999, false}, // no date at all: history
		{"2024-02-0", "", 9999, false},
	}
	for _, tt := range tests {
		a := drawwatch.Announcement{Posted: tt.posted, Draws: []drawwatch.Draw{{Date: tt.drawn}}}
		if got := withinBacklog(a, now, tt.days); got != tt.want {
			t.Errorf("withinBacklog(posted %q, drawn %q, %d days) = %v, want %v", tt.posted, tt.drawn, tt.days, got, tt.want)
		}
	}
}

// tableRow is a stored NOI row (row 100+i, draw id 1000+i) for the state.
func tableRow(i int, id string, d drawwatch.Draw) (drawwatch.Announcement, StoredDraw) {
	d.SourceURL = noiURL
	a := ann(id, d.Date, "row "+id, d)
	return a, StoredDraw{ID: int64(1000 + i), AnnRow: int64(100 + i), AnnID: id, PageURL: noiURL, PageKind: drawwatch.PageNOI, Key: d.Key(), Draw: d}
}

func TestComputeLinksAndMerges(t *testing.T) {
	feb6 := ann("february6-0", "2024-02-06", "health draw", hcp("2024-02-06", "Health occupations", n(379), n(430), nil))
	_, row := tableRow(0, "noi-2024-02-06-hcp", hcp("2024-02-06", "", n(379), n(430), n(2086)))
	row.Draw.ProfilesFrom, row.Draw.ProfilesTo = "2023-02-06", "2024-02-06"
	_, other := tableRow(1, "noi-b", hcp("2024-02-06", "", nil, nil, n(1000)))
	_, jan := tableRow(2, "noi-2024-01-10-hcp", hcp("2024-01-10", "Health occupations", n(350), n(400), n(900)))

	tests := []struct {
		name         string
		draws        []StoredDraw
		wantLinks    int
		wantUnmerged int
		wantCount    string // invitations of the alert's 6 Feb draw
	}{
		{"one table row: linked, count in the alert", []StoredDraw{row, jan}, 1, 0, "2086"},
		{"two candidates: left apart", []StoredDraw{row, other, jan}, 0, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := Compute(page(drawwatch.PageUpdates, updatesURL, feb6), State{Announcements: stored(ann("january1-0", "2024-01-01", "x")), Draws: tt.draws},
				Options{Now: now, Route: toAll("slack")})
			if err != nil {
				t.Fatal(err)
			}
			if len(plan.Links) != tt.wantLinks || len(plan.Unmerged) != tt.wantUnmerged {
				t.Fatalf("links %+v, unmerged %q", plan.Links, plan.Unmerged)
			}
			if tt.wantLinks == 1 && plan.Links[0] != (Link{Table: DrawRef{ID: row.ID}, Updates: DrawRef{AnnID: "february6-0", Key: "2024-02-06|hcp|health-occupations"}}) {
				t.Errorf("link = %+v", plan.Links[0])
			}
			if len(plan.Alerts) != 1 {
				t.Fatalf("alerts = %d, want 1", len(plan.Alerts))
			}
			ev := plan.Alerts[0].Event
			if got := intString(ev.Announcement.Draws[0].Invitations); got != tt.wantCount {
				t.Errorf("alert count = %q, want %q", got, tt.wantCount)
			}
			// The 10 Jan table row is the previous health draw.
			if len(ev.Previous) != 1 || ev.Previous[0] == nil || ev.Previous[0].Date != "2024-01-10" {
				t.Errorf("Previous = %+v, want the 10 Jan draw", ev.Previous)
			}
		})
	}
}

// updatesState is the store holding the 6 Feb updates draw (no count),
// alerted; row is its draw id.
func updatesState() (drawwatch.Announcement, State) {
	feb6 := ann("february6-0", "2024-02-06", "health draw", hcp("2024-02-06", "Health occupations", n(379), n(430), nil))
	d := StoredDraw{ID: 7, AnnRow: 3, AnnID: feb6.ID, PageURL: updatesURL, PageKind: drawwatch.PageUpdates, Key: feb6.Draws[0].Key(), Draw: feb6.Draws[0]}
	return feb6, State{Announcements: map[string]StoredAnnouncement{}, Draws: []StoredDraw{d}, Owners: map[int64]drawwatch.Announcement{3: feb6}}
}

func TestComputeTableRowCompletesUpdatesDraw(t *testing.T) {
	rowAnn, _ := tableRow(0, "noi-2024-02-06-hcp", hcp("2024-02-06", "", n(379), n(430), n(2086)))
	const k = "2024-02-06|hcp|health-occupations"
	thread := updatesURL + "|february6-0"
	tests := []struct {
		name        string
		held        []HeldAlert
		wantAlerts  []string // target:event
		wantAmended []int64
	}{
		{"later pass: a correction of its own", nil, []string{"slack:changed", "email:changed"}, nil},
		{"same pass: folded into the held new-draw alert", []HeldAlert{{ID: 41, Target: "slack", Thread: thread, Type: drawwatch.EventNew}},
			[]string{"email:changed"}, []int64{41}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, st := updatesState()
			st.Announcements = map[string]StoredAnnouncement{"noi-2024-01-18-fssw": {Row: 50, Hash: "x"}}
			st.Held = tt.held
			p := page(drawwatch.PageNOI, noiURL, rowAnn, ann("noi-2024-01-18-fssw", "2024-01-18", "x"))
			p.Announcements[1].Hash = "x"
			plan, err := Compute(p, st, Options{Now: now, Route: toAll("slack", "email")})
			if err != nil {
				t.Fatal(err)
			}
			want := []drawwatch.FieldChange{{Field: k + ".invitations", Old: "", New: "2086"}}
			if len(plan.Changes) != 1 || plan.Changes[0].Announcement.ID != "february6-0" || cmp.Diff(want, plan.Changes[0].Fields) != "" {
				t.Errorf("changes = %+v, want the count added to february6-0", plan.Changes)
			}
			var got []string
			for _, a := range plan.Alerts {
				got = append(got, a.Target+":"+string(a.Event.Type))
				if a.Thread != thread {
					t.Errorf("thread = %q, want %q", a.Thread, thread)
				}
			}
			if diff := cmp.Diff(tt.wantAlerts, got); diff != "" {
				t.Errorf("alerts (-want +got):\n%s", diff)
			}
			var amended []int64
			for _, a := range plan.Amends {
				amended = append(amended, a.ID)
				if a.Event.Type != drawwatch.EventNew || intString(a.Event.Announcement.Draws[0].Invitations) != "2086" {
					t.Errorf("amended event %s, count %s; want the new-draw alert with 2086", a.Event.Type, intString(a.Event.Announcement.Draws[0].Invitations))
				}
			}
			if diff := cmp.Diff(tt.wantAmended, amended); diff != "" {
				t.Errorf("amends (-want +got):\n%s", diff)
			}
		})
	}
}

func TestComputeUpdatesDrawAbsorbsHeldTableAlert(t *testing.T) {
	_, row := tableRow(0, "noi-2024-02-06-hcp", hcp("2024-02-06", "", n(379), n(430), n(2086)))
	feb6 := ann("february6-0", "2024-02-06", "health draw", hcp("2024-02-06", "Health occupations", n(379), n(430), nil))
	held := []HeldAlert{
		{ID: 5, Target: "slack", Thread: noiURL + "|noi-2024-02-06-hcp", Type: drawwatch.EventNew},
		{ID: 6, Target: "pager", Thread: noiURL + "|noi-2024-02-06-hcp", Type: drawwatch.EventNew}, // not routed the updates alert: kept
	}
	plan, err := Compute(page(drawwatch.PageUpdates, updatesURL, feb6),
		State{Announcements: stored(ann("x", "2024-01-01", "x")), Draws: []StoredDraw{row}, Held: held}, Options{Now: now, Route: toAll("slack")})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{5}, plan.Cancels); diff != "" {
		t.Errorf("cancels (-want +got):\n%s", diff)
	}
	if len(plan.Alerts) != 1 || intString(plan.Alerts[0].Event.Announcement.Draws[0].Invitations) != "2086" {
		t.Errorf("alerts = %+v, want one new-draw alert carrying the count", plan.Alerts)
	}
}

func TestComputeCapsAlertsPerChange(t *testing.T) {
	var anns []drawwatch.Announcement
	for i := range 30 {
		anns = append(anns, ann(fmt.Sprintf("a%02d", i), "2024-02-19", fmt.Sprintf("news %d", i)))
	}
	route := func(ev drawwatch.Event) []string {
		if ev.Type == drawwatch.EventOps {
			return []string{"ops"}
		}
		return []string{"slack", "email"}
	}
	tests := []struct {
		name string
		max  int
		want []string // target:event
	}{
		{"under the cap", 60, nil},
		{"no cap", 0, nil},
		{"over the cap", 50, []string{"slack:summary", "email:summary", "ops:ops"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := page(drawwatch.PageUpdates, updatesURL, anns...)
			plan, err := Compute(p, State{Announcements: stored(ann("old", "2023-01-01", "old"))}, Options{Source: "updates", Now: now, Route: route, MaxPerChange: tt.max})
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == nil {
				if len(plan.Alerts) != 60 {
					t.Errorf("alerts = %d, want 60", len(plan.Alerts))
				}
				return
			}
			var got []string
			for _, a := range plan.Alerts {
				got = append(got, a.Target+":"+string(a.Event.Type))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("alerts (-want +got):\n%s", diff)
			}
			if msg := plan.Alerts[0].Event.Message; msg != "30 new announcements on "+updatesURL+": see the status page" {
				t.Errorf("summary = %q", msg)
			}
			if msg := plan.Alerts[2].Event.Message; !strings.Contains(msg, "60 alerts") || !strings.Contains(msg, "max_per_change is 50") {
				t.Errorf("ops alert = %q", msg)
			}
			if len(ids(plan.Changes)[drawwatch.ChangeNew]) != 30 {
				t.Errorf("changes = %d: every change is still recorded", len(plan.Changes))
			}
			// The same change decided again gets the same keys: queued once.
			again, _ := Compute(p, State{Announcements: stored(ann("old", "2023-01-01", "old"))}, Options{Source: "updates", Now: now.Add(time.Hour), Route: route, MaxPerChange: tt.max})
			for i := range again.Alerts {
				if again.Alerts[i].Dedupe != plan.Alerts[i].Dedupe {
					t.Errorf("dedupe key changed: %q vs %q", again.Alerts[i].Dedupe, plan.Alerts[i].Dedupe)
				}
			}
		})
	}
}

// TestPreviousDraw: an alert shows the latest earlier draw of the same
// program, stream and category, merged with its table row; draws of
// removed announcements, linked table rows and other programs do not count.
func TestPreviousDraw(t *testing.T) {
	upd := func(id int64, annID, date string, removed bool) StoredDraw {
		d := hcp(date, "Health occupations", n(300+int(id)), n(430), nil)
		return StoredDraw{ID: id, AnnRow: id, AnnID: annID, PageURL: updatesURL + "/2023", PageKind: drawwatch.PageUpdates, Key: d.Key(), Draw: d, Removed: removed}
	}
	jan := upd(1, "january10-0", "2024-01-10", false)
	dec := upd(2, "december1-0", "2023-12-01", false)
	gone := upd(3, "january20-0", "2024-01-20", true)
	_, janRow := tableRow(0, "noi-2024-01-10-hcp", hcp("2024-01-10", "", nil, nil, n(900)))
	janRow.MergedInto = jan.ID // linked to the 10 Jan updates draw
	ee := upd(4, "round-300", "2024-01-30", false)
	ee.Draw.Program = drawwatch.ProgramEE
	later := upd(5, "march1-0", "2024-03-01", false) // after the draw: not previous

	feb6 := ann("february6-0", "2024-02-06", "health draw", hcp("2024-02-06", "Health occupations", n(379), n(430), nil))
	tests := []struct {
		name  string
		draws []StoredDraw
		want  string // date|count of the previous draw, "" for none
	}{
		{"latest earlier, merged with its table row", []StoredDraw{dec, jan, janRow, gone, ee, later}, "2024-01-10|900"},
		{"removed and other programs skipped", []StoredDraw{dec, gone, ee}, "2023-12-01|"},
		{"none", []StoredDraw{gone, later}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := Compute(page(drawwatch.PageUpdates, updatesURL, feb6),
				State{Announcements: stored(ann("x", "2024-01-01", "x")), Draws: tt.draws}, Options{Now: now, Route: toAll("slack")})
			if err != nil {
				t.Fatal(err)
			}
			if len(plan.Alerts) != 1 || len(plan.Alerts[0].Event.Previous) != 1 {
				t.Fatalf("alerts = %+v", plan.Alerts)
			}
			got := ""
			if p := plan.Alerts[0].Event.Previous[0]; p != nil {
				got = p.Date + "|" + intString(p.Invitations)
			}
			if got != tt.want {
				t.Errorf("previous = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestDroppedDrawComesApart: a draw gone from a changed announcement is
// deleted, and the table row linked to it is free to link again.
func TestDroppedDrawComesApart(t *testing.T) {
	old := ann("february6-0", "2024-02-06", "two draws", hcp("2024-02-06", "Health occupations", n(379), n(430), nil),
		hcp("2024-02-06", "Tech occupations", n(400), n(450), nil))
	health := StoredDraw{ID: 7, AnnRow: 1, AnnID: old.ID, PageURL: updatesURL, PageKind: drawwatch.PageUpdates, Key: old.Draws[0].Key(), Draw: old.Draws[0]}
	tech := StoredDraw{ID: 8, AnnRow: 1, AnnID: old.ID, PageURL: updatesURL, PageKind: drawwatch.PageUpdates, Key: old.Draws[1].Key(), Draw: old.Draws[1]}
	_, row := tableRow(0, "noi-2024-02-06-hcp", hcp("2024-02-06", "", n(400), n(450), n(1000)))
	row.MergedInto = tech.ID
	// The tech draw moves to a category of its own wording: a new key.
	cur := ann("february6-0", "2024-02-06", "two draws, reworded", old.Draws[0], hcp("2024-02-06", "Technology draw", n(400), n(450), nil))
	plan, err := Compute(page(drawwatch.PageUpdates, updatesURL, cur), State{Announcements: stored(old), Draws: []StoredDraw{health, tech, row}},
		Options{Now: now, Route: toAll("slack")})
	if err != nil {
		t.Fatal(err)
	}
	want := []Link{{Table: DrawRef{ID: row.ID}, Updates: DrawRef{AnnID: "february6-0", Key: cur.Draws[1].Key()}}}
	if diff := cmp.Diff(want, plan.Links); diff != "" {
		t.Errorf("links (-want +got):\n%s", diff)
	}
	if got := intString(plan.Alerts[0].Event.Announcement.Draws[1].Invitations); got != "1000" {
		t.Errorf("reworded draw count = %q, want the table's 1000", got)
	}
}

// TestComputeTableRowFoldsIntoHeldCorrection: the updates page corrected
// the draw earlier in this pass; the table row's count joins that held
// correction instead of a second "Updated" message.
func TestComputeTableRowFoldsIntoHeldCorrection(t *testing.T) {
	const k = "2024-02-06|hcp|health-occupations"
	rowAnn, _ := tableRow(0, "noi-2024-02-06-hcp", hcp("2024-02-06", "", n(379), n(430), n(2086)))
	_, st := updatesState()
	st.Announcements = map[string]StoredAnnouncement{"noi-2024-01-18-fssw": {Row: 50, Hash: "x"}} // not the first read
	st.Held = []HeldAlert{{ID: 9, Target: "slack", Thread: updatesURL + "|february6-0", Type: drawwatch.EventChanged,
		Fields: []drawwatch.FieldChange{{Field: k + ".score_max", Old: "431", New: "430"}, {Field: k + ".invitations", Old: "1", New: "2"}}}}
	p := page(drawwatch.PageNOI, noiURL, rowAnn)
	p.Skipped = []string{"noi-2024-01-18-fssw"}
	plan, err := Compute(p, st, Options{Now: now, Route: toAll("slack")})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Alerts) != 0 || len(plan.Amends) != 1 || plan.Amends[0].ID != 9 {
		t.Fatalf("alerts %+v, amends %+v; want the held correction amended, nothing queued", plan.Alerts, plan.Amends)
	}
	want := []drawwatch.FieldChange{{Field: k + ".score_max", Old: "431", New: "430"}, {Field: k + ".invitations", Old: "1", New: "2086"}}
	if ev := plan.Amends[0].Event; ev.Type != drawwatch.EventChanged || cmp.Diff(want, ev.Fields) != "" {
		t.Errorf("amended %s %+v, want the correction with the count folded in", ev.Type, ev.Fields)
	}
}
