package store

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch"
)

// twoHolders opens two handles on one file with one shared clock; A holds
// the lease, then B takes it over as stale.
func twoHolders(t *testing.T, ttl time.Duration) (a, b *Store, clock *time.Time) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "drawwatch.db")
	a, b = openAt(t, path), openAt(t, path)
	now := spring2024
	a.now = func() time.Time { return now }
	b.now = func() time.Time { return now }
	if _, err := a.TryLock(ctx, "daemon-a", ttl); err != nil {
		t.Fatal(err)
	}
	return a, b, &now
}

// A holder whose lease was taken over can write nothing, learns so from
// its first write, and its LeaseLost channel closes.
func TestLeaseFencesEveryWriteAfterTakeover(t *testing.T) {
	ctx := context.Background()
	const ttl = 15 * time.Second
	a, b, clock := twoHolders(t, ttl)
	ev := drawwatch.Event{Type: drawwatch.EventTest, Message: "m"}
	queued, _, err := a.Enqueue(ctx, "slack", ev, "k1")
	if err != nil {
		t.Fatal(err)
	}
	if got := a.LeaseGeneration(); got != 1 {
		t.Fatalf("generation = %d, want 1", got)
	}

	*clock = clock.Add(ttl) // A is silent for a whole TTL (paused)
	if _, err := b.TryLock(ctx, "daemon-b", ttl); err != nil {
		t.Fatalf("takeover: %v", err)
	}
	if got := b.LeaseGeneration(); got != 2 {
		t.Errorf("generation after takeover = %d, want 2", got)
	}
	select {
	case <-a.LeaseLost():
		t.Fatal("A learnt of the loss before any write")
	default:
	}

	opt := ApplyOptions{Source: "a", Now: *clock, BacklogDays: 9999, Route: toAll("slack")}
	writes := []struct {
		name string
		do   func() error
	}{
		{"apply", func() error { _, err := a.Apply(ctx, loadPage(t, "updates-2024.json"), opt); return err }},
		{"save fetch", func() error { return a.SaveFetch(ctx, FetchRecord{Source: "a", URL: "u", Outcome: OutcomeFetched}) }},
		{"save health", func() error { return a.SaveSourceHealth(ctx, SourceHealth{Source: "a", Healthy: true}) }},
		{"enqueue", func() error { _, _, err := a.Enqueue(ctx, "slack", ev, "k2"); return err }},
		{"claim", func() error { _, _, err := a.ClaimAlert(ctx, queued); return err }},
		{"mark retry", func() error { return a.MarkRetry(ctx, queued, "x", *clock) }},
		{"mark dead", func() error { return a.MarkDead(ctx, queued, "x") }},
		{"heartbeat", func() error { return a.Heartbeat(ctx, "daemon-a") }},
	}
	for _, w := range writes {
		err := w.do()
		if !errors.Is(err, ErrLeaseLost) {
			t.Errorf("%s by the old holder: %v, want ErrLeaseLost", w.name, err)
		}
		if w.name == "apply" && (err == nil || !strings.Contains(err.Error(), `"daemon-b"`) || !strings.Contains(err.Error(), "generation 2")) {
			t.Errorf("apply error does not name the new holder: %v", err)
		}
	}
	select {
	case <-a.LeaseLost():
	default:
		t.Error("LeaseLost not closed after a fenced write failed")
	}

	// Nothing A tried landed.
	na, _, err := b.Counts(ctx)
	if err != nil || na != 0 {
		t.Errorf("announcements after fenced apply = %d, %v; want 0", na, err)
	}
	alerts, _ := b.Alerts(ctx)
	if len(alerts) != 1 || alerts[0].Attempts != 0 || alerts[0].Status != drawwatch.AlertPending {
		t.Errorf("outbox after fenced writes = %+v, want the one pending alert untouched", alerts)
	}
	if hs, _ := b.SourceHealths(ctx); len(hs) != 0 {
		t.Errorf("health written by the old holder: %+v", hs)
	}
	// B's writes go through.
	if _, err := b.Apply(ctx, loadPage(t, "updates-2024.json"), opt); err != nil {
		t.Errorf("apply by the new holder: %v", err)
	}
}

// A claim made before a takeover does not let the old holder send after
// it, and only the generation that claimed an alert may record it.
func TestClaimFencesSends(t *testing.T) {
	ctx := context.Background()
	const ttl = 20 * time.Second
	a, b, clock := twoHolders(t, ttl)
	id, _, err := a.Enqueue(ctx, "slack", drawwatch.Event{Type: drawwatch.EventTest, Message: "m"}, "k1")
	if err != nil {
		t.Fatal(err)
	}
	ok, held, err := a.ClaimAlert(ctx, id)
	if err != nil || !ok || held() != nil {
		t.Fatalf("claim by the holder: %v %v", ok, err)
	}

	// A pauses between claim and send past half the TTL, nobody took
	// over: held() confirms the lease in the store and lets A send.
	*clock = clock.Add(ttl/2 + time.Second)
	if err := held(); err != nil {
		t.Errorf("held() after a pause with no takeover: %v", err)
	}
	// A pauses again, for a whole TTL, and B takes over meanwhile: held()
	// refuses.
	*clock = clock.Add(ttl + time.Second)
	if _, err := b.TryLock(ctx, "daemon-b", ttl); err != nil {
		t.Fatal(err)
	}
	if err := held(); !errors.Is(err, ErrLeaseLost) {
		t.Errorf("held() after a takeover: %v, want ErrLeaseLost", err)
	}
	okB, heldB, err := b.ClaimAlert(ctx, id)
	if err != nil || !okB || heldB() != nil {
		t.Fatalf("claim by the new holder: %v %v", okB, err)
	}
	if err := a.MarkSent(ctx, id, "ts-a", *clock); !errors.Is(err, ErrLeaseLost) {
		t.Errorf("old generation marking the re-claimed alert sent: %v, want refused", err)
	}
	if err := b.MarkSent(ctx, id, "ts-b", *clock); err != nil {
		t.Fatal(err)
	}
	if ok, _, err := b.ClaimAlert(ctx, id); ok || err != nil {
		t.Errorf("claim of a sent alert = %v, %v; want not claimed", ok, err)
	}
	sent, _ := b.Alerts(ctx, drawwatch.AlertSent)
	if len(sent) != 1 || sent[0].ThreadRef != "" || sent[0].Attempts != 1 {
		t.Errorf("sent = %+v", sent)
	}
}

// A holder that sent under its claim but lost the lease meanwhile still
// records the send (so the next holder does not repeat it), as long as no
// newer generation claimed the alert.
func TestMarkSentAfterLeaseLossKeepsTheSendRecorded(t *testing.T) {
	ctx := context.Background()
	const ttl = 20 * time.Second
	a, b, clock := twoHolders(t, ttl)
	id, _, _ := a.Enqueue(ctx, "slack", drawwatch.Event{Type: drawwatch.EventTest, Message: "m"}, "k1")
	if ok, _, err := a.ClaimAlert(ctx, id); !ok || err != nil {
		t.Fatal(ok, err)
	}
	*clock = clock.Add(2 * ttl)
	if _, err := b.TryLock(ctx, "daemon-b", ttl); err != nil {
		t.Fatal(err)
	}
	if err := a.MarkSent(ctx, id, "ts-a", *clock); err != nil {
		t.Errorf("mark sent under the old claim: %v", err)
	}
	if ok, _, err := b.ClaimAlert(ctx, id); ok || err != nil {
		t.Errorf("new holder claimed an alert already sent: %v %v", ok, err)
	}
}

func TestGenerationGrowsAcrossReleases(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	for want := int64(1); want <= 3; want++ {
		unlock, err := s.TryLock(ctx, "scrape --once", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.LeaseGeneration(); got != want {
			t.Errorf("generation = %d, want %d", got, want)
		}
		if err := unlock(ctx); err != nil {
			t.Fatal(err)
		}
		if s.LeaseGeneration() != 0 || s.LeaseLost() != nil {
			t.Error("released handle still reports a lease")
		}
	}
}

// A holder on this host whose process is gone is taken over at once; a
// live one, or one on another host with a fresh heartbeat, is not. The
// refusal names the holder once.
func TestTryLockTakesOverDeadLocalProcess(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("process identity needs /proc (Linux)")
	}
	ctx := context.Background()
	host, _ := os.Hostname()
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	self, _ := processIdentity(os.Getpid())
	cases := []struct {
		name      string
		pid       int
		host      string
		process   string
		wantTaken bool
	}{
		{"exited process on this host", dead.Process.Pid, host, "boot/1", true},
		{"pid reused by another process", os.Getpid(), host, "other-boot/123", true},
		{"live process on this host", os.Getpid(), host, self, false},
		{"live process, identity not recorded", os.Getpid(), host, "", false},
		{"other host", dead.Process.Pid, "elsewhere.example", "boot/1", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := openTest(t)
			now := s.now()
			if _, err := s.db.Exec(`INSERT INTO run_lock (name, owner, token, pid, host, process, acquired_at, heartbeat, generation)
				VALUES ('writer', 'drawwatch run', 'tok', ?, ?, ?, ?, ?, 7)`, c.pid, c.host, c.process, toNanos(now), toNanos(now)); err != nil {
				t.Fatal(err)
			}
			_, err := s.TryLock(ctx, "drawwatch run", time.Hour)
			if c.wantTaken {
				if err != nil || s.LeaseGeneration() != 8 {
					t.Errorf("TryLock = %v (generation %d), want taken over at once as generation 8", err, s.LeaseGeneration())
				}
				return
			}
			if !errors.Is(err, ErrLocked) {
				t.Fatalf("TryLock = %v, want ErrLocked", err)
			}
			msg := err.Error()
			if n := strings.Count(msg, `"drawwatch run"`); n != 1 {
				t.Errorf("holder named %d times: %s", n, msg)
			}
			if n := strings.Count(msg, "pid "); n != 1 || !strings.Contains(msg, c.host) {
				t.Errorf("message should give the pid and host once: %s", msg)
			}
		})
	}
}
