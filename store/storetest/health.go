package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/store"
)

func testSourceHealth(t *testing.T, f Factory) {
	ctx := context.Background()
	s := openNew(t, f)
	h, err := s.SourceHealth(ctx, "oinp-2024")
	if err != nil || !h.Healthy || h.Source != "oinp-2024" {
		t.Fatalf("unknown source: %+v, %v; want healthy", h, err)
	}
	down := store.SourceHealth{Source: "oinp-2024", ConsecutiveFailures: 3, LastError: "captcha", LastOK: Spring2024,
		LastChecked: Spring2024.Add(time.Hour), AlertedDown: true}
	up := store.SourceHealth{Source: "oinp-noi", Healthy: true, LastOK: Spring2024, LastChecked: Spring2024}
	for _, h := range []store.SourceHealth{{Source: "oinp-2024", Healthy: true}, down, up} {
		if err := s.SaveSourceHealth(ctx, h); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.SourceHealths(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !equalHealth(got[0], down) || !equalHealth(got[1], up) {
		t.Errorf("SourceHealths = %+v, want [%+v %+v]", got, down, up)
	}
	if h, err := s.SourceHealth(ctx, "oinp-2024"); err != nil || !equalHealth(h, down) {
		t.Errorf("SourceHealth = %+v, %v; want %+v", h, err, down)
	}
}

func equalHealth(a, b store.SourceHealth) bool {
	return a.Source == b.Source && a.Healthy == b.Healthy && a.ConsecutiveFailures == b.ConsecutiveFailures &&
		a.LastError == b.LastError && a.LastOK.Equal(b.LastOK) && a.LastChecked.Equal(b.LastChecked) && a.AlertedDown == b.AlertedDown
}

func testFetchLog(t *testing.T, f Factory) {
	ctx := context.Background()
	s := openNew(t, f)
	const u = "https://www.ontario.ca/page/2024-ontario-immigrant-nominee-program-updates"
	if _, ok, err := s.LastFetch(ctx, u); ok || err != nil {
		t.Fatalf("LastFetch on empty log = %v, %v", ok, err)
	}
	at := Spring2024
	records := []store.FetchRecord{
		{Outcome: store.OutcomeFetched, Status: 200, ETag: `"v1"`, LastModified: "Mon, 19 Feb 2024 10:00:00 GMT", Announcements: 120, Draws: 90},
		{Outcome: store.OutcomeNotModified, Status: 304, NotModified: true},
		{Outcome: store.OutcomeFetched, Status: 200, ETag: `"v2"`, Announcements: 121, Draws: 91},
		{Outcome: store.OutcomeSuspect, Status: 200, Announcements: 0, ETag: `"captcha"`},
		{Outcome: store.OutcomeFailed, Status: 503, Err: "503 Service Unavailable"},
	}
	for i, r := range records {
		r.Source, r.URL, r.At, r.Duration, r.Bytes = "oinp-2024", u, at.Add(time.Duration(i)*time.Hour), 150*time.Millisecond, 1000
		if err := s.SaveFetch(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	last, ok, err := s.LastFetch(ctx, u)
	if err != nil || !ok {
		t.Fatalf("LastFetch: %v %v", ok, err)
	}
	if last.Outcome != store.OutcomeFailed || last.Status != 503 || last.Err == "" || !last.At.Equal(at.Add(4*time.Hour)) || last.Duration != 150*time.Millisecond {
		t.Errorf("LastFetch = %+v, want the failed fetch", last)
	}
	if last.ETag != `"v2"` || last.LastModified != "" {
		t.Errorf("LastFetch validators = %q %q, want those of the last successful fetch", last.ETag, last.LastModified)
	}
	n, ok, err := s.LastAnnouncementCount(ctx, u)
	if err != nil || !ok || n != 121 {
		t.Errorf("LastAnnouncementCount = %d %v %v, want 121", n, ok, err)
	}
	if e, lm, err := s.Validators(ctx, "https://other.example/"); e != "" || lm != "" || err != nil {
		t.Errorf("Validators of unknown URL = %q %q %v", e, lm, err)
	}
}

// testLeaseTwoHandles: two handles on one database, as two processes.
func testLeaseTwoHandles(t *testing.T, f Factory) {
	ctx := context.Background()
	open := f(t)
	clock := Spring2024
	now := func() time.Time { return clock }
	a, b := open(t, now), open(t, now)
	const stale = 10 * time.Minute

	unlockA, err := a.TryLock(ctx, "daemon-a", stale)
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.TryLock(ctx, "daemon-b", stale)
	if !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), "daemon-a") || !strings.Contains(err.Error(), "2024-02-20T12:00:00Z") {
		t.Fatalf("second TryLock: %v, want ErrLocked naming daemon-a and since when", err)
	}

	// A heartbeat keeps it alive past staleAfter from acquisition.
	clock = clock.Add(8 * time.Minute)
	if err := a.Heartbeat(ctx, "daemon-a"); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(8 * time.Minute)
	if _, err := b.TryLock(ctx, "daemon-b", stale); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("TryLock with fresh heartbeat: %v, want ErrLocked", err)
	}

	// Silence past staleAfter: taken over.
	clock = clock.Add(stale)
	unlockB, err := b.TryLock(ctx, "daemon-b", stale)
	if err != nil {
		t.Fatalf("stale lock not taken over: %v", err)
	}
	if err := a.Heartbeat(ctx, "daemon-a"); !errors.Is(err, store.ErrLeaseLost) {
		t.Errorf("heartbeat of the lost lease: %v, want ErrLeaseLost", err)
	}
	// The old holder's unlock must not release the new holder's lock.
	if err := unlockA(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := a.TryLock(ctx, "daemon-a", stale); !errors.Is(err, store.ErrLocked) {
		t.Errorf("after stale unlock: %v, want still locked by daemon-b", err)
	}
	if err := unlockB(ctx); err != nil {
		t.Fatal(err)
	}
	unlockA, err = a.TryLock(ctx, "daemon-a", stale)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	unlockA(ctx)
}

// testLeaseFencesWritesAfterTakeover: once another handle took the lease
// over, every write of the old holder fails with ErrLeaseLost and lands
// nothing; the new holder's writes go through.
func testLeaseFencesWritesAfterTakeover(t *testing.T, f Factory) {
	ctx := context.Background()
	open := f(t)
	clock := Spring2024
	now := func() time.Time { return clock }
	a, b := open(t, now), open(t, now)
	const ttl = 15 * time.Second
	if _, err := a.TryLock(ctx, "daemon-a", ttl); err != nil {
		t.Fatal(err)
	}
	ev := drawwatch.Event{Type: drawwatch.EventTest, Message: "m"}
	id, _, err := a.Enqueue(ctx, "slack", ev, "k1")
	if err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(ttl + time.Second) // A was silent for a whole TTL
	if _, err := b.TryLock(ctx, "daemon-b", ttl); err != nil {
		t.Fatalf("takeover: %v", err)
	}
	opt := store.ApplyOptions{Source: "a", Now: clock, BacklogDays: 9999, Route: ToAll("slack")}
	writes := []struct {
		name string
		do   func() error
	}{
		{"apply", func() error { _, err := a.Apply(ctx, LoadPage(t, "updates-2024.json"), opt); return err }},
		{"save fetch", func() error {
			return a.SaveFetch(ctx, store.FetchRecord{Source: "a", URL: "u", Outcome: store.OutcomeFetched})
		}},
		{"save health", func() error { return a.SaveSourceHealth(ctx, store.SourceHealth{Source: "a", Healthy: true}) }},
		{"enqueue", func() error { _, _, err := a.Enqueue(ctx, "slack", ev, "k2"); return err }},
		{"mark retry", func() error { return a.MarkRetry(ctx, id, "x", clock) }},
		{"mark dead", func() error { return a.MarkDead(ctx, id, "x") }},
		{"heartbeat", func() error { return a.Heartbeat(ctx, "daemon-a") }},
	}
	for _, w := range writes {
		if err := w.do(); !errors.Is(err, store.ErrLeaseLost) {
			t.Errorf("%s by the old holder: %v, want ErrLeaseLost", w.name, err)
		}
	}
	if na, _, err := b.Counts(ctx); err != nil || na != 0 {
		t.Errorf("announcements after the fenced apply = %d, %v; want 0", na, err)
	}
	alerts, err := b.Alerts(ctx)
	if err != nil || len(alerts) != 1 || alerts[0].Attempts != 0 || alerts[0].Status != drawwatch.AlertPending {
		t.Errorf("outbox after fenced writes = %+v, %v; want the one pending alert untouched", alerts, err)
	}
	if hs, _ := b.SourceHealths(ctx); len(hs) != 0 {
		t.Errorf("health written by the old holder: %+v", hs)
	}
	if _, err := b.Apply(ctx, LoadPage(t, "updates-2024.json"), opt); err != nil {
		t.Errorf("apply by the new holder: %v", err)
	}
}
