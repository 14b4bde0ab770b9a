package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch"
)

// TestUnparsedOpsAlert: a page change whose alerted announcements hold
// unparsed sentences queues one ops alert, in the same Apply, naming each
// such announcement; applying the same page again queues nothing more.
func TestUnparsedOpsAlert(t *testing.T) {
	s := openTest(t)
	now := time.Date(2026, 5, 20, 12, 0, 0, 0, time.UTC)
	ann := func(id, text string, unparsed ...string) drawwatch.Announcement {
		five := 58
		return drawwatch.Announcement{ID: id, Posted: "2026-05-20", Title: "Employer Job Offer streams: " + id, Kind: drawwatch.KindDraw,
			Text: text, Hash: drawwatch.ContentHash(text), SourceURL: "https://example.test/2026#" + id, Unparsed: append([]string{}, unparsed...),
			Draws: []drawwatch.Draw{{Program: drawwatch.Program, Stream: drawwatch.StreamEJOInternationalStudent, Date: "2026-05-20",
				Category: id, ScoreMin: &five, NOCs: []drawwatch.NOC{}}}}
	}
	page := &drawwatch.Page{Kind: drawwatch.PageUpdates, URL: "https://example.test/2026", Announcements: []drawwatch.Announcement{
		ann("may20-0", "a", "Candidates scoring no fewer than 61 points were also invited under the Foreign Worker stream."),
		ann("may20-1", "b"),
		ann("may20-2", "c", "NOC 44101 - Home support workers"),
	}}
	route := func(ev drawwatch.Event) []string {
		if ev.Type == drawwatch.EventOps {
			return []string{"ops"}
		}
		return []string{"slack"}
	}
	opt := ApplyOptions{Source: "oinp-2026", Now: now, BacklogDays: 30, Route: route}
	res := mustApply(t, s, page, opt)
	alerts, err := s.Alerts(context.Background(), drawwatch.AlertPending)
	if err != nil {
		t.Fatal(err)
	}
	var ops []drawwatch.Alert
	for _, a := range alerts {
		if a.Event.Type == drawwatch.EventOps {
			ops = append(ops, a)
		}
	}
	if res.Alerts != 4 || len(ops) != 1 {
		t.Fatalf("queued %d alerts, %d ops; want 3 draw alerts and 1 ops alert", res.Alerts, len(ops))
	}
	msg := ops[0].Event.Message
	for _, want := range []string{"may20-0", "may20-2", "no fewer than 61 points", "parser"} {
		if !strings.Contains(msg, want) {
			t.Errorf("ops message does not name %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "may20-1") || ops[0].Target != "ops" || ops[0].Event.Source != "oinp-2026" {
		t.Errorf("ops alert to %s from %s names a fully read announcement or the wrong target:\n%s", ops[0].Target, ops[0].Event.Source, msg)
	}
	if again := mustApply(t, s, page, opt); again.Alerts != 0 {
		t.Errorf("re-applying the same page queued %d alerts", again.Alerts)
	}
	// the status page's read of the draws carries the sentences
	draws, err := s.Draws(context.Background(), DrawFilter{Kind: drawwatch.KindDraw})
	if err != nil {
		t.Fatal(err)
	}
	marked := 0
	for _, d := range draws {
		if len(d.Unparsed) > 0 {
			marked++
		}
	}
	if marked != 2 {
		t.Errorf("%d draws carry unparsed sentences, want 2", marked)
	}
}
