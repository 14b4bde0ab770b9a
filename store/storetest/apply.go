package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/store"
	"github.com/google/go-cmp/cmp"
)

func testApplyNewAndReapply(t *testing.T, f Factory) {
	ctx := context.Background()
	s := openNew(t, f)
	page := LoadPage(t, "updates-2024.json")
	opt := store.ApplyOptions{Source: "oinp-2024", Now: Spring2024, BacklogDays: 365, Route: ToAll("slack", "email")}

	res := MustApply(t, s, page, opt)
	want := map[drawwatch.ChangeType][]string{drawwatch.ChangeNew: {"february5-0", "february6-0", "february8-0", "january11-0"}}
	if diff := cmp.Diff(want, changeIDs(res)); diff != "" {
		t.Errorf("first apply changes (-want +got):\n%s", diff)
	}
	if res.Alerts != 8 || outboxCount(t, s) != 8 {
		t.Errorf("alerts = %d, outbox rows = %d; want 4 announcements x 2 targets", res.Alerts, outboxCount(t, s))
	}
	alerts, err := s.Alerts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]drawwatch.EventType{}
	for _, a := range alerts {
		types[a.Event.Announcement.ID] = a.Event.Type
	}
	if types["february5-0"] != drawwatch.EventNews || types["february6-0"] != drawwatch.EventNew {
		t.Errorf("event types = %v, want news for the suspension notice and new for draws", types)
	}

	for i := range 2 { // re-apply, also later: nothing new, nothing queued
		opt.Now = Spring2024.Add(time.Duration(i+1) * time.Hour)
		res = MustApply(t, s, page, opt)
		if len(res.Changes) != 0 || res.Alerts != 0 || outboxCount(t, s) != 8 {
			t.Errorf("re-apply #%d: %d changes, %d alerts, %d outbox rows; want 0, 0, 8", i, len(res.Changes), res.Alerts, outboxCount(t, s))
		}
	}
	versions := 0
	for _, id := range want[drawwatch.ChangeNew] {
		hist, err := s.History(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		versions += len(hist)
	}
	if versions != 4 {
		t.Errorf("announcement versions = %d, want 4 (one per announcement)", versions)
	}
	na, nd, err := s.Counts(ctx)
	if err != nil || na != 4 || nd != 3 {
		t.Errorf("Counts = %d, %d, %v; want 4 announcements, 3 draws", na, nd, err)
	}
}

func testApplyEditedCopy(t *testing.T, f Factory) {
	ctx := context.Background()
	s := openNew(t, f)
	opt := store.ApplyOptions{Source: "oinp-2024", Now: Spring2024, BacklogDays: 365, Route: ToAll("slack")}
	MustApply(t, s, LoadPage(t, "updates-2024.json"), opt)

	opt.Now = Spring2024.Add(24 * time.Hour)
	edited := LoadPage(t, "updates-2024-edited.json")
	res := MustApply(t, s, edited, opt)
	if len(res.Changes) != 1 || res.Changes[0].Type != drawwatch.ChangeChanged || res.Changes[0].Announcement.ID != "february6-0" {
		t.Fatalf("changes = %+v, want one change of february6-0", changeIDs(res))
	}
	const k = "2024-02-06|hcp|health-occupations"
	want := []drawwatch.FieldChange{
		{Field: k + ".score_min", Old: "379", New: "380"},
		{Field: k + ".invitations", Old: "2086", New: "2096"},
		{Field: k + ".nocs", Old: "31103", New: ""},
	}
	if diff := cmp.Diff(want, res.Changes[0].Fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	if res.Alerts != 1 {
		t.Errorf("alerts = %d, want 1", res.Alerts)
	}
	due, err := s.DueAlerts(ctx, opt.Now, 0)
	if err != nil {
		t.Fatal(err)
	}
	last := due[len(due)-1]
	if last.Event.Type != drawwatch.EventChanged || cmp.Diff(want, last.Event.Fields) != "" {
		t.Errorf("queued alert = %s %+v, want the changed event with the three fields", last.Event.Type, last.Event.Fields)
	}

	hist, err := s.History(ctx, "february6-0")
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 || len(hist[0].Fields) != 0 || cmp.Diff(want, hist[1].Fields) != "" ||
		len(hist[1].Announcement.Draws[0].NOCs) != 42 || !hist[1].SeenAt.Equal(opt.Now) {
		t.Errorf("History = %d versions (fields %v), want 2 with the edit last", len(hist), hist)
	}
	ds, err := s.Draws(ctx, store.DrawFilter{Stream: "hcp", Since: "2024-02-06", Limit: 1})
	if err != nil || len(ds) != 1 {
		t.Fatalf("Draws = %v, %v", ds, err)
	}
	// Limit 1, newest first: the 8 Feb tech draw.
	if ds[0].Date != "2024-02-08" {
		t.Errorf("newest hcp draw = %s, want 2024-02-08", ds[0].Date)
	}
	if _, err := s.History(ctx, "no-such-announcement"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("History of unknown id: %v, want store.ErrNotFound", err)
	}
}

func testApplyTextOnlyAndTitleEdits(t *testing.T, f Factory) {
	base := LoadPage(t, "updates-2024.json")
	tests := []struct {
		name string
		edit func(a *drawwatch.Announcement)
		want []drawwatch.FieldChange
	}{{
		name: "typo fix",
		edit: func(a *drawwatch.Announcement) {
			a.Text = "Entrepreneur Stream applications suspended Effective December 4, 2023, we suspended receiving applications to the Entrepreneur Stream. No new expressions of interest or applications are accepted."
		},
		want: []drawwatch.FieldChange{{Field: "text",
			Old: "… interest or applications are being accepted.", New: "… interest or applications are accepted."}},
	}, {
		name: "title",
		edit: func(a *drawwatch.Announcement) {
			a.Title = "Entrepreneur Stream closed"
			a.Text += " Updated."
		},
		want: []drawwatch.FieldChange{{Field: "title", Old: "Entrepreneur Stream applications suspended", New: "Entrepreneur Stream closed"}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openNew(t, f)
			opt := store.ApplyOptions{Now: Spring2024, BacklogDays: 365}
			MustApply(t, s, base, opt)
			page := LoadPage(t, "updates-2024.json")
			a := &page.Announcements[2]
			tt.edit(a)
			a.Hash = drawwatch.ContentHash(a.Text)
			res := MustApply(t, s, page, opt)
			if len(res.Changes) != 1 || res.Changes[0].Type != drawwatch.ChangeChanged {
				t.Fatalf("changes = %v, want one changed", changeIDs(res))
			}
			if diff := cmp.Diff(tt.want, res.Changes[0].Fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func testApplyFirstRunBacklog(t *testing.T, f Factory) {
	tests := []struct {
		name    string
		now     time.Time
		backlog int
		wantNew []string
	}{
		{"window covers all", Spring2024, 60, []string{"february5-0", "february6-0", "february8-0", "january11-0"}},
		{"window covers february", Spring2024, 15, []string{"february5-0", "february6-0", "february8-0"}},
		{"window from feb 6", Spring2024, 14, []string{"february6-0", "february8-0"}},
		{"window too short", Spring2024, 3, nil},
		{"read a year later", Spring2024.AddDate(1, 0, 0), 30, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s := openNew(t, f)
			res := MustApply(t, s, LoadPage(t, "updates-2024.json"),
				store.ApplyOptions{Now: tt.now, BacklogDays: tt.backlog, Route: ToAll("slack")})
			if diff := cmp.Diff(tt.wantNew, changeIDs(res)[drawwatch.ChangeNew]); diff != "" {
				t.Errorf("new (-want +got):\n%s", diff)
			}
			if res.Alerts != len(tt.wantNew) {
				t.Errorf("alerts = %d, want %d", res.Alerts, len(tt.wantNew))
			}
			// Everything was recorded, alerted or not.
			if na, _, _ := s.Counts(ctx); na != 4 {
				t.Errorf("stored announcements = %d, want 4", na)
			}
			// After the first run, a new announcement is news whatever its date.
			page := LoadPage(t, "updates-2024.json")
			old := page.Announcements[3]
			old.ID, old.Posted, old.Text = "january4-0", "2024-01-04", old.Text+" (late addition)"
			old.Hash = drawwatch.ContentHash(old.Text)
			page.Announcements = append(page.Announcements, old)
			res = MustApply(t, s, page, store.ApplyOptions{Now: tt.now.Add(time.Hour), BacklogDays: tt.backlog, Route: ToAll("slack")})
			if diff := cmp.Diff([]string{"january4-0"}, changeIDs(res)[drawwatch.ChangeNew]); diff != "" || res.Alerts != 1 {
				t.Errorf("second run new (-want +got):\n%s alerts=%d", diff, res.Alerts)
			}
		})
	}
}

func testApplyRemovedAndReappearing(t *testing.T, f Factory) {
	ctx := context.Background()
	s := openNew(t, f)
	opt := store.ApplyOptions{Now: Spring2024, BacklogDays: 365, Route: ToAll("slack")}
	full := LoadPage(t, "updates-2024.json")
	MustApply(t, s, full, opt)
	queued := outboxCount(t, s)

	without := LoadPage(t, "updates-2024.json")
	without.Announcements = slices.Delete(without.Announcements, 1, 2) // drop february6-0
	opt.Now = opt.Now.Add(time.Hour)
	res := MustApply(t, s, without, opt)
	if diff := cmp.Diff(map[drawwatch.ChangeType][]string{drawwatch.ChangeRemoved: {"february6-0"}}, changeIDs(res)); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	if res.Changes[0].Announcement.Title == "" || len(res.Changes[0].Announcement.Draws) != 1 {
		t.Errorf("removed change lacks the last known announcement: %+v", res.Changes[0].Announcement)
	}
	if res.Alerts != 0 || outboxCount(t, s) != queued {
		t.Errorf("removal queued alerts: %d", res.Alerts)
	}
	ds, _ := s.Draws(ctx, store.DrawFilter{Stream: "hcp"})
	if len(ds) != 1 {
		t.Errorf("draws without removed = %d, want 1", len(ds))
	}
	ds, _ = s.Draws(ctx, store.DrawFilter{Stream: "hcp", IncludeRemoved: true})
	if len(ds) != 2 || !ds[1].Removed {
		t.Errorf("draws with removed = %+v, want 2, the 6 Feb one removed", ds)
	}
	// Never deleted; applying the page without it again changes nothing.
	if res := MustApply(t, s, without, opt); len(res.Changes) != 0 {
		t.Errorf("second apply without it: %v", changeIDs(res))
	}

	opt.Now = opt.Now.Add(time.Hour)
	res = MustApply(t, s, full, opt)
	if len(res.Changes) != 1 || res.Changes[0].Type != drawwatch.ChangeChanged || res.Changes[0].Fields[0].Field != "removed" {
		t.Errorf("reappearing: %+v, want one change of field removed", res.Changes)
	}
	if res.Alerts != 0 {
		t.Errorf("reappearing unchanged queued %d alerts", res.Alerts)
	}
	if removed := removedCount(t, s, 4); removed != 0 {
		t.Errorf("%d announcements still marked removed", removed)
	}
}

func testApplySuspectAndTruncatedPages(t *testing.T, f Factory) {
	tests := []struct {
		name      string
		page      func(*drawwatch.Page)
		wantErr   error
		wantNoRem bool
	}{
		{"zero announcements", func(p *drawwatch.Page) { p.Announcements = nil }, store.ErrSuspectPage, true},
		{"truncated", func(p *drawwatch.Page) { p.Announcements, p.Truncated = p.Announcements[:1], true }, nil, true},
		{"shorter, complete", func(p *drawwatch.Page) { p.Announcements = p.Announcements[:1] }, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openNew(t, f)
			opt := store.ApplyOptions{Now: Spring2024, BacklogDays: 365}
			MustApply(t, s, LoadPage(t, "updates-2024.json"), opt)
			p := LoadPage(t, "updates-2024.json")
			tt.page(p)
			res, err := s.Apply(context.Background(), p, opt)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			removed := removedCount(t, s, 4)
			if tt.wantNoRem && (removed != 0 || len(res.Changes) != 0) {
				t.Errorf("removed %d announcements, changes %v; want none", removed, changeIDs(res))
			}
			if !tt.wantNoRem && removed != 3 {
				t.Errorf("removed %d, want 3", removed)
			}
		})
	}
	// A page never seen before may well be empty.
	s := openNew(t, f)
	if _, err := s.Apply(context.Background(), &drawwatch.Page{Kind: drawwatch.PageUpdates, URL: "https://www.ontario.ca/page/2027"}, store.ApplyOptions{}); err != nil {
		t.Errorf("empty new page: %v", err)
	}
}

func testApplyDryRun(t *testing.T, f Factory) {
	s := openNew(t, f)
	res := MustApply(t, s, LoadPage(t, "updates-2024.json"), store.ApplyOptions{Now: Spring2024, BacklogDays: 365, Route: ToAll("slack"), DryRun: true})
	if len(res.Changes) != 4 || res.Alerts != 4 {
		t.Errorf("dry run reported %d changes, %d alerts; want 4, 4", len(res.Changes), res.Alerts)
	}
	if na, nd, _ := s.Counts(context.Background()); na != 0 || nd != 0 || outboxCount(t, s) != 0 {
		t.Errorf("dry run wrote %d announcements, %d draws, %d alerts", na, nd, outboxCount(t, s))
	}
}

func testApplyDuplicateIDs(t *testing.T, f Factory) {
	s := openNew(t, f)
	p := LoadPage(t, "updates-2024.json")
	dup := p.Announcements[0]
	dup.Text += " again"
	dup.Hash = drawwatch.ContentHash(dup.Text)
	p.Announcements = append(p.Announcements, dup)
	res := MustApply(t, s, p, store.ApplyOptions{Now: Spring2024, BacklogDays: 365})
	want := []string{"february5-0", "february6-0", "february8-0", "february8-0-2", "january11-0"}
	if diff := cmp.Diff(want, changeIDs(res)[drawwatch.ChangeNew]); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
}

func testDrawsFilter(t *testing.T, f Factory) {
	ctx := context.Background()
	s := openNew(t, f)
	opt := store.ApplyOptions{Now: Spring2024, BacklogDays: 365}
	MustApply(t, s, LoadPage(t, "updates-2024.json"), opt)
	MustApply(t, s, LoadPage(t, "noi-2024.json"), opt)
	tests := []struct {
		name string
		f    store.DrawFilter
		want []string // date|stream|announcement id
	}{
		{"all", store.DrawFilter{}, []string{"2024-02-08|hcp|february8-0", "2024-02-06|hcp|february6-0", "2024-02-05||february5-0",
			"2024-01-18|fssw|noi-2024-01-18-fssw", "2024-01-11|skilled-trades|january11-0"}},
		{"draws only", store.DrawFilter{Kind: drawwatch.KindDraw, Limit: 2}, []string{"2024-02-08|hcp|february8-0", "2024-02-06|hcp|february6-0"}},
		{"news only", store.DrawFilter{Kind: drawwatch.KindNews}, []string{"2024-02-05||february5-0"}},
		{"stream", store.DrawFilter{Stream: "skilled-trades"}, []string{"2024-01-11|skilled-trades|january11-0"}},
		{"since", store.DrawFilter{Since: "2024-02-06"}, []string{"2024-02-08|hcp|february8-0", "2024-02-06|hcp|february6-0"}},
		{"exact NOC", store.DrawFilter{NOC: "31301"}, []string{"2024-02-06|hcp|february6-0"}},
		{"NOC prefix", store.DrawFilter{NOC: "72*"}, []string{"2024-01-11|skilled-trades|january11-0"}},
		{"NOC prefix two draws", store.DrawFilter{NOC: "2*"}, []string{"2024-02-08|hcp|february8-0"}},
		{"no NOC match", store.DrawFilter{NOC: "99999"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := s.Draws(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range ds {
				got = append(got, d.Date+"|"+string(d.Stream)+"|"+d.AnnouncementID)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// testApplyMaxPerChange: a change that would queue more alerts than
// MaxPerChange queues one summary per target and one ops alert, and
// records every change; applied again it queues nothing.
func testApplyMaxPerChange(t *testing.T, f Factory) {
	ctx := context.Background()
	s := openNew(t, f)
	route := func(ev drawwatch.Event) []string {
		if ev.Type == drawwatch.EventOps {
			return []string{"ops"}
		}
		return []string{"slack", "email"}
	}
	opt := store.ApplyOptions{Source: "updates", Now: Spring2024, BacklogDays: 365, Route: route, MaxPerChange: 50}
	page := LoadPage(t, "updates-2024.json")
	MustApply(t, s, page, opt)
	base := outboxCount(t, s)
	for i := range 312 {
		text := fmt.Sprintf("Notice %d", i)
		page.Announcements = append(page.Announcements, drawwatch.Announcement{ID: fmt.Sprintf("notice-%d", i), Posted: "2024-02-19",
			Title: text, Kind: drawwatch.KindNews, Text: text, Hash: drawwatch.ContentHash(text)})
	}
	opt.Now = Spring2024.Add(time.Hour)
	res := MustApply(t, s, page, opt)
	if len(res.Changes) != 312 || res.Alerts != 3 {
		t.Fatalf("changes = %d, alerts = %d; want 312 changes, 2 summaries + 1 ops alert", len(res.Changes), res.Alerts)
	}
	all, err := s.Alerts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range all[base:] {
		want := drawwatch.EventSummary
		if a.Target == "ops" {
			want = drawwatch.EventOps
		}
		if a.Event.Type != want || (want == drawwatch.EventSummary && !strings.HasPrefix(a.Event.Message, "312 new announcements on ")) {
			t.Errorf("%s: %s %q", a.Target, a.Event.Type, a.Event.Message)
		}
	}
	if res := MustApply(t, s, page, opt); res.Alerts != 0 || len(res.Changes) != 0 {
		t.Errorf("re-apply: %d alerts, %d changes", res.Alerts, len(res.Changes))
	}
}
