package storetest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/store"
	"github.com/google/go-cmp/cmp"
)

// mergedView is the part of a stored draw that shows which halves merged.
type mergedView struct {
	Key         string
	Announcment string
	Invitations int
	Profiles    string
	NOCs        int
	Anchor      bool
}

func view(t *testing.T, s store.Backend, stream string) []mergedView {
	t.Helper()
	ds, err := s.Draws(context.Background(), store.DrawFilter{Kind: drawwatch.KindDraw, Stream: stream})
	if err != nil {
		t.Fatal(err)
	}
	var out []mergedView
	for _, d := range ds {
		v := mergedView{Key: d.Key(), Announcment: d.AnnouncementID, Profiles: d.ProfilesFrom + ".." + d.ProfilesTo,
			NOCs: len(d.NOCs), Anchor: strings.Contains(d.SourceURL, "#")}
		if d.Invitations != nil {
			v.Invitations = *d.Invitations
		}
		out = append(out, v)
	}
	return out
}

func testMergeTableAndUpdatesBothOrders(t *testing.T, f Factory) {
	want := []mergedView{
		{"2024-02-08|hcp|tech-occupations", "february8-0", 2118, "2023-02-08..2024-02-08", 15, true},
		{"2024-02-06|hcp|health-occupations", "february6-0", 2086, "2023-02-06..2024-02-06", 43, true},
		{"2024-01-18|fssw|", "noi-2024-01-18-fssw", 984, "2023-01-18..2024-01-18", 0, false},
		{"2024-01-11|skilled-trades|", "january11-0", 2552, "2023-01-11..2024-01-11", 4, true},
	}
	tests := []struct {
		name       string
		first      string
		second     string
		wantSecond []string // new announcements of the second apply
		// updates announcements the second apply's table rows complete
		// (count and/or profile window): each one changed alert
		wantFilled []string
	}{
		{"updates first", "updates-2024.json", "noi-2024.json", []string{"noi-2024-01-18-fssw"}, []string{"february6-0", "february8-0", "january11-0"}},
		{"table first", "noi-2024.json", "updates-2024.json", []string{"february5-0", "february6-0", "february8-0", "january11-0"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openNew(t, f)
			opt := store.ApplyOptions{Now: Spring2024, BacklogDays: 365, Route: ToAll("slack")}
			MustApply(t, s, LoadPage(t, tt.first), opt)
			res := MustApply(t, s, LoadPage(t, tt.second), opt)
			if diff := cmp.Diff(tt.wantSecond, changeIDs(res)[drawwatch.ChangeNew]); diff != "" {
				t.Errorf("second apply new (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantFilled, changeIDs(res)[drawwatch.ChangeChanged]); diff != "" {
				t.Errorf("second apply changed (-want +got):\n%s", diff)
			}
			if res.Alerts != len(tt.wantSecond)+len(tt.wantFilled) || len(res.Unmerged) != 0 {
				t.Errorf("alerts = %d, unmerged = %v", res.Alerts, res.Unmerged)
			}
			if diff := cmp.Diff(want, view(t, s, "")); diff != "" {
				t.Errorf("merged draws (-want +got):\n%s", diff)
			}
			if _, nd, _ := s.Counts(context.Background()); nd != len(want) {
				t.Errorf("Counts draws = %d, want %d", nd, len(want))
			}
			// Re-applying both leaves the links alone.
			for _, name := range []string{tt.first, tt.second} {
				if res := MustApply(t, s, LoadPage(t, name), opt); res.Alerts != 0 || len(res.Changes) != 0 {
					t.Errorf("re-apply %s: %d alerts, changes %v", name, res.Alerts, changeIDs(res))
				}
			}
			if diff := cmp.Diff(want, view(t, s, "")); diff != "" {
				t.Errorf("after re-apply (-want +got):\n%s", diff)
			}
		})
	}
}

func testMergeRegionalForeignWorkerDraws(t *testing.T, f Factory) {
	// 11 Dec 2025: four Foreign Worker draws on one day, one per region,
	// Eastern and Southwestern both at score 52: only the region tells
	// them apart ("GTA" on the updates page, "Greater Toronto Area" in the table).
	want := []mergedView{
		{"2025-12-11|ejo-foreign-worker|eastern-ontario-region", "december11-0", 97, "2025-06-11..2025-12-11", 1, true},
		{"2025-12-11|ejo-foreign-worker|gta", "december11-0", 412, "2025-06-11..2025-12-11", 2, true},
		{"2025-12-11|ejo-foreign-worker|northern-ontario-region", "december11-0", 61, "2025-06-11..2025-12-11", 1, true},
		{"2025-12-11|ejo-foreign-worker|southwestern-ontario-region", "december11-0", 133, "2025-06-11..2025-12-11", 2, true},
	}
	for _, order := range [][]string{{"ita-2025-12.json", "updates-2025-12.json"}, {"updates-2025-12.json", "ita-2025-12.json"}} {
		t.Run(order[0]+" first", func(t *testing.T) {
			s := openNew(t, f)
			opt := store.ApplyOptions{Now: Dec2025, BacklogDays: 30}
			for _, name := range order {
				if res := MustApply(t, s, LoadPage(t, name), opt); len(res.Unmerged) != 0 {
					t.Errorf("%s: unmerged %v", name, res.Unmerged)
				}
			}
			got := view(t, s, "ejo-foreign-worker")
			// Same date: order by key for a stable comparison.
			if diff := cmp.Diff(want, got, cmpSortByKey); diff != "" {
				t.Errorf("merged draws (-want +got):\n%s", diff)
			}
		})
	}
}

var cmpSortByKey = cmp.Transformer("sortByKey", func(in []mergedView) []mergedView {
	out := append([]mergedView(nil), in...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j].Key < out[i].Key {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
})

func testMergeAmbiguousAndBandMismatch(t *testing.T, f Factory) {
	const noiURL = "https://www.ontario.ca/page/oinp-express-entry-notifications-interest"
	row := func(id string, count int, lo, hi *int) drawwatch.Announcement {
		text := "2024-02-08 row " + id
		return drawwatch.Announcement{ID: id, Posted: "2024-02-08", Kind: drawwatch.KindDraw, Text: text, Hash: drawwatch.ContentHash(text),
			Draws: []drawwatch.Draw{{Program: drawwatch.Program, Stream: drawwatch.StreamHCP, Date: "2024-02-08", Invitation: "NOI",
				ScoreKind: "CRS", ScoreMin: lo, ScoreMax: hi, Invitations: &count, SourceURL: noiURL}}}
	}
	n := func(v int) *int { return &v }
	tests := []struct {
		name         string
		rows         []drawwatch.Announcement
		wantUnmerged int
		wantDraws    int // hcp draws on 2024-02-08 in the merged view
	}{
		{"two rows, no band", []drawwatch.Announcement{row("noi-a", 1000, nil, nil), row("noi-b", 1118, nil, nil)}, 1, 3},
		{"band tells them apart", []drawwatch.Announcement{row("noi-a", 1000, n(400), n(420)), row("noi-b", 1118, n(471), n(480))}, 0, 2},
		{"band differs", []drawwatch.Announcement{row("noi-a", 1000, n(400), n(420))}, 0, 2},
	}
	for _, tt := range tests {
		for _, tableFirst := range []bool{false, true} {
			name := tt.name + map[bool]string{false: ", updates first", true: ", table first"}[tableFirst]
			t.Run(name, func(t *testing.T) {
				s := openNew(t, f)
				opt := store.ApplyOptions{Now: Spring2024, BacklogDays: 365, Route: ToAll("slack")}
				updates := LoadPage(t, "updates-2024.json")
				table := &drawwatch.Page{Kind: drawwatch.PageNOI, URL: noiURL, Announcements: tt.rows}
				pages := []*drawwatch.Page{updates, table}
				if tableFirst {
					pages = []*drawwatch.Page{table, updates}
				}
				var unmerged []string
				for _, p := range pages {
					res := MustApply(t, s, p, opt)
					unmerged = append(unmerged, res.Unmerged...)
				}
				if len(unmerged) != tt.wantUnmerged {
					t.Errorf("unmerged = %q, want %d", unmerged, tt.wantUnmerged)
				}
				for _, u := range unmerged {
					if !strings.Contains(u, "noi-a") || !strings.Contains(u, "noi-b") || !strings.Contains(u, "february8-0") {
						t.Errorf("unmerged description %q does not name the draws involved", u)
					}
				}
				ds, err := s.Draws(context.Background(), store.DrawFilter{Stream: "hcp", Since: "2024-02-08"})
				if err != nil {
					t.Fatal(err)
				}
				if len(ds) != tt.wantDraws {
					t.Errorf("hcp draws on 8 Feb = %d, want %d", len(ds), tt.wantDraws)
				}
			})
		}
	}
}

const (
	fillKey = "2024-02-06|hcp|health-occupations"
	noiURL  = "https://www.ontario.ca/page/oinp-express-entry-notifications-interest"
	feb6Ref = "1707220000.000100" // the Slack ts of the 6 Feb message
)

func fillRow(id string, count int, lo, hi *int, from, to string) drawwatch.Announcement {
	text := "2024-02-06 row " + id
	return drawwatch.Announcement{ID: id, Posted: "2024-02-06", Kind: drawwatch.KindDraw, Text: text, Hash: drawwatch.ContentHash(text),
		Draws: []drawwatch.Draw{{Program: drawwatch.Program, Stream: drawwatch.StreamHCP, Date: "2024-02-06", Invitation: "NOI",
			ScoreKind: "CRS", ScoreMin: lo, ScoreMax: hi, Invitations: &count, ProfilesFrom: from, ProfilesTo: to, SourceURL: noiURL}}}
}

// fixtureRow is the fixture's 6 Feb table row: 2086 invitations, profiles
// 2023-02-06..2024-02-06.
func fixtureRow(t *testing.T) []drawwatch.Announcement {
	for _, a := range LoadPage(t, "noi-2024.json").Announcements {
		if a.ID == "noi-2024-02-06-hcp" {
			return []drawwatch.Announcement{a}
		}
	}
	t.Fatal("no 6 Feb row in noi-2024.json")
	return nil
}

type tableFillCase struct {
	name         string
	rows         func(t *testing.T) []drawwatch.Announcement
	keepCount    bool // the updates page states the count itself
	wantFields   []drawwatch.FieldChange
	wantUnmerged int
	wantNew      []string // table rows left apart alert as draws of their own, as before
}

// testTableRowCompletesUpdatesDraw: the count and profile window a table
// row brings reach the alert of the updates draw it is linked to, whichever
// page comes first.
func testTableRowCompletesUpdatesDraw(t *testing.T, f Factory) {
	n := func(v int) *int { return &v }
	filled := []drawwatch.FieldChange{
		{Field: fillKey + ".invitations", Old: "", New: "2086"},
		{Field: fillKey + ".profiles_from", Old: "", New: "2023-02-06"},
		{Field: fillKey + ".profiles_to", Old: "", New: "2024-02-06"},
	}
	tests := []tableFillCase{
		{"table adds count and profiles", fixtureRow, false, filled, 0, nil},
		{"table adds nothing", func(*testing.T) []drawwatch.Announcement {
			return []drawwatch.Announcement{fillRow("noi-same", 2086, n(379), n(430), "", "")}
		}, true, nil, 0, nil},
		{"ambiguous table rows", func(*testing.T) []drawwatch.Announcement {
			return []drawwatch.Announcement{fillRow("noi-a", 1000, nil, nil, "2023-02-06", "2024-02-06"), fillRow("noi-b", 1086, nil, nil, "2023-02-06", "2024-02-06")}
		}, false, nil, 1, []string{"noi-a", "noi-b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkTableFill(t, f, tt) })
	}
	t.Run("table first", func(t *testing.T) { checkTableFirst(t, f) })
}

// checkTableFill applies the updates page (its 6 Feb message sent), then
// the table rows of tt.
func checkTableFill(t *testing.T, f Factory, tt tableFillCase) {
	ctx := context.Background()
	s := openNew(t, f)
	opt := store.ApplyOptions{Now: Spring2024, BacklogDays: 365, Route: ToAll("slack")}
	updates := LoadPage(t, "updates-2024.json")
	if !tt.keepCount {
		stripCount(updates, fillKey)
	}
	table := &drawwatch.Page{Kind: drawwatch.PageNOI, URL: noiURL, Announcements: tt.rows(t)}

	MustApply(t, s, updates, opt)
	// The slack message about 6 Feb went out: a follow-up threads under it.
	alerts, err := s.Alerts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range alerts {
		if a.Event.Announcement.ID == "february6-0" {
			if err := s.MarkSent(ctx, a.ID, feb6Ref, opt.Now); err != nil {
				t.Fatal(err)
			}
		}
	}
	before := outboxCount(t, s)

	opt.Now = Spring2024.Add(time.Hour)
	res := MustApply(t, s, table, opt)
	if len(res.Unmerged) != tt.wantUnmerged {
		t.Errorf("unmerged = %q, want %d", res.Unmerged, tt.wantUnmerged)
	}
	var changed []drawwatch.Change
	for _, c := range res.Changes {
		if c.Type == drawwatch.ChangeChanged {
			changed = append(changed, c)
		}
	}
	if tt.wantFields == nil {
		if diff := cmp.Diff(tt.wantNew, changeIDs(res)[drawwatch.ChangeNew]); diff != "" {
			t.Errorf("new (-want +got):\n%s", diff)
		}
		if res.Alerts != len(tt.wantNew) || len(changed) != 0 || outboxCount(t, s) != before+len(tt.wantNew) {
			t.Errorf("alerts = %d, changed = %+v; want no alert about february6-0", res.Alerts, changed)
		}
		return
	}
	if res.Alerts != 1 || len(changed) != 1 || changed[0].Announcement.ID != "february6-0" {
		t.Fatalf("alerts = %d, changed = %v; want one change and alert for february6-0", res.Alerts, changeIDs(res))
	}
	if diff := cmp.Diff(tt.wantFields, changed[0].Fields); diff != "" {
		t.Errorf("change fields (-want +got):\n%s", diff)
	}
	checkFillAlert(t, s, opt.Now, tt.wantFields)

	// Re-applying both pages queues nothing more.
	opt.Now = opt.Now.Add(time.Hour)
	for _, p := range []*drawwatch.Page{updates, table} {
		if res := MustApply(t, s, p, opt); res.Alerts != 0 || len(res.Changes) != 0 {
			t.Errorf("re-apply %s: %d alerts, changes %v", p.Kind, res.Alerts, changeIDs(res))
		}
	}
	if outboxCount(t, s) != before+1 {
		t.Errorf("outbox rows = %d, want %d", outboxCount(t, s), before+1)
	}
}

// checkFillAlert checks the one changed alert a table row queued: its
// fields, its thread under the 6 Feb message, the merged draw.
func checkFillAlert(t *testing.T, s store.Backend, now time.Time, wantFields []drawwatch.FieldChange) {
	ctx := context.Background()
	due, err := s.DueAlerts(ctx, now, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []drawwatch.Alert
	for _, a := range due {
		if a.Event.Type == drawwatch.EventChanged {
			got = append(got, a)
		}
	}
	if len(got) != 1 {
		t.Fatalf("changed alerts = %d, want 1", len(got))
	}
	a := got[0]
	if diff := cmp.Diff(wantFields, a.Event.Fields); diff != "" {
		t.Errorf("alert fields (-want +got):\n%s", diff)
	}
	if a.ThreadRef != feb6Ref {
		t.Errorf("ThreadRef = %q, want %q (threaded under the 6 Feb message)", a.ThreadRef, feb6Ref)
	}
	checkFilled(t, a.Event, fillKey)
	if hist, err := s.History(ctx, "february6-0"); err != nil || len(hist) != 1 {
		t.Errorf("history = %d versions, %v; want the page's one version", len(hist), err)
	}
}

// checkTableFirst: the table row stored first, the updates draw's own new
// alert carries its count.
func checkTableFirst(t *testing.T, f Factory) {
	s := openNew(t, f)
	opt := store.ApplyOptions{Now: Spring2024, BacklogDays: 365, Route: ToAll("slack")}
	MustApply(t, s, &drawwatch.Page{Kind: drawwatch.PageNOI, URL: noiURL, Announcements: fixtureRow(t)}, opt)
	updates := LoadPage(t, "updates-2024.json")
	stripCount(updates, fillKey)
	res := MustApply(t, s, updates, opt)
	if diff := cmp.Diff([]string{"february5-0", "february6-0", "february8-0", "january11-0"}, changeIDs(res)[drawwatch.ChangeNew]); diff != "" {
		t.Errorf("new (-want +got):\n%s", diff)
	}
	due, err := s.DueAlerts(context.Background(), opt.Now, 0)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, a := range due {
		if a.Event.Type == drawwatch.EventNew && a.Event.Announcement.ID == "february6-0" {
			checkFilled(t, a.Event, fillKey)
			found++
		}
	}
	if found != 1 {
		t.Errorf("new alerts for february6-0 = %d, want 1", found)
	}
}

// stripCount drops the invitation count of the updates draw with key k, as
// updates pages often leave it out.
func stripCount(p *drawwatch.Page, k string) {
	for i := range p.Announcements {
		for j := range p.Announcements[i].Draws {
			if p.Announcements[i].Draws[j].Key() == k {
				p.Announcements[i].Draws[j].Invitations = nil
			}
		}
	}
}

// checkFilled checks that ev's draw k carries the 6 Feb table row's count
// and profile window along with the updates page's NOCs.
func checkFilled(t *testing.T, ev drawwatch.Event, k string) {
	t.Helper()
	if ev.Announcement == nil {
		t.Fatal("event without announcement")
	}
	for _, d := range ev.Announcement.Draws {
		if d.Key() != k {
			continue
		}
		if d.Invitations == nil || *d.Invitations != 2086 || d.ProfilesFrom != "2023-02-06" || d.ProfilesTo != "2024-02-06" || len(d.NOCs) != 43 {
			t.Errorf("event draw %s: invitations %q, profiles %s..%s, %d NOCs; want 2086, 2023-02-06..2024-02-06, 43",
				k, intString(d.Invitations), d.ProfilesFrom, d.ProfilesTo, len(d.NOCs))
		}
		if len(ev.Previous) != len(ev.Announcement.Draws) && ev.Previous != nil {
			t.Errorf("Previous has %d entries for %d draws", len(ev.Previous), len(ev.Announcement.Draws))
		}
		return
	}
	t.Errorf("event has no draw %s", k)
}

// testPassHoldsAndFolds: alerts queued in a pass are held until it ends,
// and a table row read later in the pass folds its count into the held
// new-draw alert instead of queueing a second message.
func testPassHoldsAndFolds(t *testing.T, f Factory) {
	ctx := context.Background()
	const k = "2024-02-06|hcp|health-occupations"
	s := openNew(t, f)
	pass := Spring2024
	opt := store.ApplyOptions{Now: pass, BacklogDays: 365, Route: ToAll("slack")}
	// The store knows the pages as they were the day before.
	old := LoadPage(t, "updates-2024.json")
	old.Announcements = slices.DeleteFunc(old.Announcements, func(a drawwatch.Announcement) bool { return a.ID == "february6-0" })
	MustApply(t, s, old, opt)
	sent, err := s.DueAlerts(ctx, pass, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range sent {
		if err := s.MarkSent(ctx, a.ID, "", pass); err != nil {
			t.Fatal(err)
		}
	}
	base := outboxCount(t, s)

	pass = Spring2024.Add(24 * time.Hour)
	opt.Now, opt.Pass = pass, pass
	updates := LoadPage(t, "updates-2024.json")
	stripCount(updates, k)
	if res := MustApply(t, s, updates, opt); res.Alerts != 1 {
		t.Fatalf("updates page: %d alerts, want 1 (the new draw)", res.Alerts)
	}
	if due, err := s.DueAlerts(ctx, pass.Add(time.Minute), 0); err != nil || len(due) != 0 {
		t.Fatalf("due during the pass: %d alerts, %v; want none (held)", len(due), err)
	}
	opt.Now = pass.Add(time.Second)
	res := MustApply(t, s, LoadPage(t, "noi-2024.json"), opt)
	if n, err := s.ReleasePass(ctx, pass); err != nil || n != res.Alerts+1 {
		t.Fatalf("ReleasePass = %d, %v; want the pass's %d alerts", n, err, res.Alerts+1)
	}
	due, err := s.DueAlerts(ctx, opt.Now, 0)
	if err != nil {
		t.Fatal(err)
	}
	feb6 := 0
	for _, a := range due {
		if a.Event.Announcement != nil && (a.Event.Announcement.ID == "february6-0" || a.Event.Announcement.ID == "noi-2024-02-06-hcp") {
			feb6++
			if a.Event.Type != drawwatch.EventNew {
				t.Errorf("alert about 6 Feb is %s, want the new-draw alert", a.Event.Type)
			}
			checkFilled(t, a.Event, k)
		}
	}
	if feb6 != 1 || outboxCount(t, s) != base+1+res.Alerts {
		t.Errorf("alerts about the 6 Feb draw = %d, want 1 carrying the table's count", feb6)
	}
}
