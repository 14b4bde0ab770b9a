package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/store"
)

func testOutboxSurvivesReopen(t *testing.T, f Factory) {
	// Alerts are committed with the change: a process that dies right
	// after Apply, before any delivery, finds them pending on restart.
	ctx := context.Background()
	open := f(t)
	s := open(t, time.Now)
	res := MustApply(t, s, LoadPage(t, "updates-2024.json"), store.ApplyOptions{Now: Spring2024, BacklogDays: 365, Route: ToAll("slack")})
	s.Close() // no delivery happened

	s = open(t, time.Now)
	due, err := s.DueAlerts(ctx, Spring2024, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != res.Alerts || len(due) != 4 {
		t.Fatalf("pending after reopen = %d, want %d", len(due), res.Alerts)
	}
	for _, a := range due {
		if a.Status != drawwatch.AlertPending || a.Event.Announcement == nil || a.Target != "slack" || !a.CreatedAt.Equal(Spring2024) {
			t.Errorf("alert %+v: want a pending slack alert with its announcement", a)
		}
	}
	if n, err := s.PendingCount(ctx); n != 4 || err != nil {
		t.Errorf("PendingCount = %d, %v", n, err)
	}
}

func testOutboxLifecycle(t *testing.T, f Factory) {
	ctx := context.Background()
	clock := Spring2024
	s := f(t)(t, func() time.Time { return clock })
	ev := drawwatch.Event{Type: drawwatch.EventTest, Message: "test alert", DetectedAt: clock}

	if _, ok, err := s.NextDue(ctx); ok || err != nil {
		t.Fatalf("NextDue on empty outbox = %v, %v", ok, err)
	}
	id1, queued, err := s.Enqueue(ctx, "slack", ev, "test|1")
	if err != nil || !queued {
		t.Fatalf("Enqueue: %v %v", queued, err)
	}
	again, queued, err := s.Enqueue(ctx, "slack", ev, "test|1")
	if err != nil || queued || again != id1 {
		t.Errorf("duplicate Enqueue = %d %v %v, want the existing id, not queued", again, queued, err)
	}
	clock = clock.Add(time.Minute)
	id2, _, _ := s.Enqueue(ctx, "email", ev, "test|2")

	steps := []struct {
		name    string
		do      func() error
		at      time.Time
		wantDue []int64
		wantErr error
	}{
		{"both due, oldest first", func() error { return nil }, clock, []int64{id1, id2}, nil},
		{"retry later", func() error { return s.MarkRetry(ctx, id1, "503", clock.Add(time.Hour)) }, clock, []int64{id2}, nil},
		{"retry due", func() error { return nil }, clock.Add(time.Hour), []int64{id1, id2}, nil},
		{"sent", func() error { return s.MarkSent(ctx, id2, "", clock) }, clock.Add(time.Hour), []int64{id1}, nil},
		{"dead", func() error { return s.MarkDead(ctx, id1, "invalid webhook") }, clock.Add(time.Hour), nil, nil},
		{"retry of dead refused", func() error { return s.MarkRetry(ctx, id1, "x", clock) }, clock.Add(time.Hour), nil, store.ErrNotFound},
		{"requeue sent refused", func() error { return s.Requeue(ctx, id2) }, clock.Add(time.Hour), nil, store.ErrNotFound},
		{"requeue unknown", func() error { return s.Requeue(ctx, 999) }, clock.Add(time.Hour), nil, store.ErrNotFound},
		{"requeue dead", func() error { return s.Requeue(ctx, id1) }, clock, []int64{id1}, nil},
		{"dead again", func() error { return s.MarkDead(ctx, id1, "invalid webhook") }, clock, nil, nil},
		{"requeue all", func() error {
			n, err := s.RequeueAll(ctx)
			if err == nil && n != 1 {
				t.Errorf("RequeueAll = %d, want 1", n)
			}
			return err
		}, clock, []int64{id1}, nil},
	}
	for _, st := range steps {
		if err := st.do(); !errors.Is(err, st.wantErr) {
			t.Fatalf("%s: err = %v, want %v", st.name, err, st.wantErr)
		}
		due, err := s.DueAlerts(ctx, st.at, 10)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, a := range due {
			ids = append(ids, a.ID)
		}
		if len(ids) != len(st.wantDue) || (len(ids) > 0 && ids[0] != st.wantDue[0]) {
			t.Errorf("%s: due = %v, want %v", st.name, ids, st.wantDue)
		}
	}
	all, err := s.Alerts(ctx, drawwatch.AlertPending)
	if err != nil || len(all) != 1 || all[0].ID != id1 || all[0].Attempts != 0 || all[0].LastError != "invalid webhook" {
		t.Errorf("pending = %+v, %v; want alert %d requeued with attempts reset", all, err, id1)
	}
	sent, _ := s.Alerts(ctx, drawwatch.AlertSent, drawwatch.AlertDead)
	if len(sent) != 1 || sent[0].ID != id2 || !sent[0].SentAt.Equal(clock) || sent[0].Event.Message != "test alert" {
		t.Errorf("sent = %+v", sent)
	}
	if next, ok, err := s.NextDue(ctx); !ok || err != nil || !next.Equal(clock) {
		t.Errorf("NextDue = %v %v %v, want %v", next, ok, err, clock)
	}
}

func testOutboxThreadRefAndPrevious(t *testing.T, f Factory) {
	ctx := context.Background()
	s := openNew(t, f)
	opt := store.ApplyOptions{Now: Spring2024, BacklogDays: 365, Route: ToAll("slack", "email")}
	MustApply(t, s, LoadPage(t, "noi-2024.json"), opt)
	MustApply(t, s, LoadPage(t, "updates-2024.json"), opt)
	due, err := s.DueAlerts(ctx, opt.Now, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range due {
		if a.Target == "slack" && a.Event.Announcement.ID == "february6-0" {
			if err := s.MarkSent(ctx, a.ID, "1707220000.000100", opt.Now); err != nil {
				t.Fatal(err)
			}
		}
	}

	opt.Now = opt.Now.Add(time.Hour)
	edited := LoadPage(t, "updates-2024-edited.json")
	// A later trades draw: its alert shows the 11 Jan draw as previous,
	// with the table's count merged in.
	later := drawwatch.Announcement{ID: "february20-0", Posted: "2024-02-20", Title: "Skilled Trades draw", Kind: drawwatch.KindDraw,
		Text: "On February 20, 2024 ...", Draws: []drawwatch.Draw{{Stream: drawwatch.StreamSkilledTrades, Date: "2024-02-20"}}}
	later.Hash = drawwatch.ContentHash(later.Text)
	edited.Announcements = append(edited.Announcements, later)
	if res := MustApply(t, s, edited, opt); res.Alerts != 4 {
		t.Fatalf("alerts = %d, want 2 events x 2 targets", res.Alerts)
	}

	due, err = s.DueAlerts(ctx, opt.Now, 0)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, a := range due {
		switch id := a.Event.Announcement.ID; {
		case id == "february6-0" && a.Event.Type == drawwatch.EventChanged:
			want := map[string]string{"slack": "1707220000.000100", "email": ""}[a.Target]
			if a.ThreadRef != want {
				t.Errorf("%s changed alert ThreadRef = %q, want %q", a.Target, a.ThreadRef, want)
			}
			checked++
		case id == "february20-0":
			p := a.Event.Previous
			if len(p) != 1 || p[0] == nil || p[0].Date != "2024-01-11" || p[0].Invitations == nil || *p[0].Invitations != 2552 {
				t.Errorf("Previous = %+v, want the merged 11 Jan trades draw", p)
			}
			if a.ThreadRef != "" {
				t.Errorf("new announcement threaded under %q", a.ThreadRef)
			}
			checked++
		}
	}
	if checked != 4 {
		t.Errorf("checked %d alerts, want 4", checked)
	}
}

// testOutboxPerTargetQueues: each target's queue is read on its own, so a
// target whose alerts wait never hides another target's due alerts.
func testOutboxPerTargetQueues(t *testing.T, f Factory) {
	ctx := context.Background()
	clock := Spring2024
	s := f(t)(t, func() time.Time { return clock })
	ev := drawwatch.Event{Type: drawwatch.EventTest, Message: "test alert", DetectedAt: clock}
	var slackIDs []int64
	for i := range 3 {
		id, _, err := s.Enqueue(ctx, "slack", ev, fmt.Sprintf("slack|%d", i))
		if err != nil {
			t.Fatal(err)
		}
		slackIDs = append(slackIDs, id)
	}
	mailID, _, err := s.Enqueue(ctx, "mail", ev, "mail|0")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.MarkRetry(ctx, slackIDs[0], "500", clock.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}

	targets, err := s.DueTargets(ctx, clock)
	if err != nil || fmt.Sprint(targets) != "[mail slack]" {
		t.Errorf("DueTargets = %v, %v; want [mail slack]", targets, err)
	}
	due, err := s.DueAlertsFor(ctx, "slack", clock, 0)
	if err != nil || len(due) != 2 || due[0].ID != slackIDs[1] || due[1].ID != slackIDs[2] {
		t.Errorf("DueAlertsFor(slack) = %v, %v; want alerts %v", due, err, slackIDs[1:])
	}
	due, err = s.DueAlertsFor(ctx, "mail", clock, 1)
	if err != nil || len(due) != 1 || due[0].ID != mailID || due[0].Target != "mail" {
		t.Errorf("DueAlertsFor(mail) = %v, %v", due, err)
	}
	if next, ok, err := s.NextDueFor(ctx, "slack"); !ok || err != nil || !next.Equal(clock) {
		t.Errorf("NextDueFor(slack) = %v %v %v, want %v", next, ok, err, clock)
	}
	if _, ok, err := s.NextDueFor(ctx, "nobody"); ok || err != nil {
		t.Errorf("NextDueFor(nobody) = %v, %v; want none", ok, err)
	}

	// Dead alerts are counted per target and in all.
	if err := s.MarkDead(ctx, slackIDs[1], "gave up"); err != nil {
		t.Fatal(err)
	}
	for target, want := range map[string]int{"slack": 1, "mail": 0, "": 1} {
		if n, err := s.DeadCount(ctx, target); n != want || err != nil {
			t.Errorf("DeadCount(%q) = %d, %v; want %d", target, n, err, want)
		}
	}

	// A death reports only when it opens its target's episode, in the
	// same transaction as the mark.
	report := drawwatch.Event{Type: drawwatch.EventDeadAlerts, Target: "slack", Message: "alerts to slack were given up on", DetectedAt: clock}
	if reported, err := s.MarkDeadReporting(ctx, slackIDs[2], "gave up", report, []string{"ops"}, "dead|slack|2"); err != nil || reported {
		t.Errorf("second slack death reported = %v, %v; want no report (episode open)", reported, err)
	}
	report.Target = "mail"
	if reported, err := s.MarkDeadReporting(ctx, mailID, "gave up", report, []string{"ops"}, "dead|mail|0"); err != nil || !reported {
		t.Errorf("first mail death reported = %v, %v; want a report", reported, err)
	}
	ops, err := s.DueAlertsFor(ctx, "ops", clock, 0)
	if err != nil || len(ops) != 1 || ops[0].Event.Type != drawwatch.EventDeadAlerts || ops[0].Event.Target != "mail" {
		t.Errorf("ops queue = %+v, %v; want the one report about mail", ops, err)
	}
	if _, err := s.MarkDeadReporting(ctx, mailID, "again", report, []string{"ops"}, "dead|mail|1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("marking a dead alert dead again: %v, want ErrNotFound", err)
	}
}
