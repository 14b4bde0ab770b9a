package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch"
)

// testOutboxHoldAndDigest: held alerts wait until their time, keep their
// hold across a restart, and a digest folds exactly the due digest-held
// alerts of one target into one alert, once.
func testOutboxHoldAndDigest(t *testing.T, f Factory) {
	ctx := context.Background()
	clock := Spring2024
	now := func() time.Time { return clock }
	open := f(t)
	s := open(t, now)
	enqueue := func(target string, ev drawwatch.Event, key string) int64 {
		t.Helper()
		id, _, err := s.Enqueue(ctx, target, ev, key)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	news := enqueue("slack", drawwatch.Event{Type: drawwatch.EventNews, Message: "news", DetectedAt: clock}, "h1")
	ops := enqueue("slack", drawwatch.Event{Type: drawwatch.EventOps, Message: "ops", DetectedAt: clock}, "h2")
	quiet := enqueue("slack", drawwatch.Event{Type: drawwatch.EventNews, Message: "quiet", DetectedAt: clock}, "h3")
	other := enqueue("email", drawwatch.Event{Type: drawwatch.EventNews, Message: "other", DetectedAt: clock}, "h4")
	digestAt, quietEnd := clock.Add(20*time.Hour), clock.Add(10*time.Hour)
	for _, h := range []struct {
		id    int64
		until time.Time
		why   string
	}{{news, digestAt, drawwatch.HoldDigest}, {ops, digestAt, drawwatch.HoldDigest}, {quiet, quietEnd, drawwatch.HoldQuiet}, {other, digestAt, drawwatch.HoldDigest}} {
		if held, err := s.HoldAlert(ctx, h.id, h.until, h.why); !held || err != nil {
			t.Fatalf("HoldAlert(%d) = %v, %v", h.id, held, err)
		}
	}
	if held, err := s.HoldAlert(ctx, news, clock.Add(time.Hour), drawwatch.HoldQuiet); held || err != nil {
		t.Errorf("second HoldAlert = %v, %v; want false (held once)", held, err)
	}
	if due, _ := s.DueAlertsFor(ctx, "slack", clock, 0); len(due) != 0 {
		t.Errorf("due while held: %d alerts", len(due))
	}
	if next, ok, _ := s.NextDueFor(ctx, "slack"); !ok || !next.Equal(quietEnd) {
		t.Errorf("NextDueFor = %v %v, want %v", next, ok, quietEnd)
	}

	s.Close() // a restart: the holds live in the store
	s = open(t, now)
	pending, err := s.Alerts(ctx, drawwatch.AlertPending)
	if err != nil || len(pending) != 4 {
		t.Fatalf("pending after reopen = %d, %v", len(pending), err)
	}
	for _, a := range pending {
		if a.HeldUntil.IsZero() || a.Hold == "" || !a.NextTry.Equal(a.HeldUntil) {
			t.Errorf("alert %d after reopen: held_until %v hold %q next_try %v", a.ID, a.HeldUntil, a.Hold, a.NextTry)
		}
	}
	if id, n, err := s.FoldDigest(ctx, "slack", digestAt.Add(-time.Second)); id != 0 || n != 0 || err != nil {
		t.Errorf("FoldDigest before its time = %d, %d, %v; want nothing", id, n, err)
	}

	clock = quietEnd
	if due, _ := s.DueAlertsFor(ctx, "slack", clock, 0); len(due) != 1 || due[0].ID != quiet {
		t.Errorf("due at the end of quiet hours: %+v, want alert %d alone", due, quiet)
	}

	clock = digestAt
	id, n, err := s.FoldDigest(ctx, "slack", clock)
	if err != nil || n != 2 || id == 0 {
		t.Fatalf("FoldDigest = %d, %d, %v; want one digest of 2", id, n, err)
	}
	if again, n, err := s.FoldDigest(ctx, "slack", clock); again != 0 || n != 0 || err != nil {
		t.Errorf("second FoldDigest = %d, %d, %v; want nothing (folded once)", again, n, err)
	}
	due, err := s.DueAlertsFor(ctx, "slack", clock, 0)
	if err != nil {
		t.Fatal(err)
	}
	var digest *drawwatch.Alert
	for i, a := range due {
		if a.ID == news || a.ID == ops {
			t.Errorf("folded alert %d still due", a.ID)
		}
		if a.ID == id {
			digest = &due[i]
		}
	}
	if digest == nil || digest.Event.Type != drawwatch.EventDigest || len(digest.Event.Digest) != 2 ||
		digest.Event.Digest[0].Message != "news" || digest.Event.Digest[1].Message != "ops" {
		t.Fatalf("digest alert = %+v, want the news and ops events in order", digest)
	}
	folded, _ := s.Alerts(ctx, drawwatch.AlertDigested)
	if len(folded) != 2 {
		t.Errorf("digested alerts = %d, want 2", len(folded))
	}
	// Re-queueing a held alert drops its hold: due now, decided afresh
	// (a held alert due now would otherwise wait for a digest not yet due).
	later := enqueue("slack", drawwatch.Event{Type: drawwatch.EventNews, Message: "later", DetectedAt: clock}, "h5")
	if _, err := s.HoldAlert(ctx, later, clock.Add(24*time.Hour), drawwatch.HoldDigest); err != nil {
		t.Fatal(err)
	}
	if err := s.Requeue(ctx, later); err != nil {
		t.Fatal(err)
	}
	if due, _ := s.DueAlertsFor(ctx, "slack", clock, 0); len(due) == 0 || due[len(due)-1].ID != later || !due[len(due)-1].HeldUntil.IsZero() {
		t.Errorf("re-queued held alert: due %+v, want alert %d due with no hold", due, later)
	}
	if held, err := s.HoldAlert(ctx, later, clock.Add(time.Hour), drawwatch.HoldQuiet); !held || err != nil {
		t.Errorf("HoldAlert after Requeue = %v, %v; want held again", held, err)
	}
	// The email target's digest is its own.
	if _, n, err := s.FoldDigest(ctx, "email", clock); n != 1 || err != nil {
		t.Errorf("email FoldDigest = %d, %v; want 1", n, err)
	}
}
