package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/google/go-cmp/cmp"
)

// fakeOutbox is an in-memory Outbox with the store's semantics: pending
// alerts are due when NextTry <= now; MarkRetry counts an attempt.
type fakeOutbox struct {
	mu     sync.Mutex
	alerts map[int64]*drawwatch.Alert
	refs   map[int64]string
	nextID int64
	// failMarks makes that many MarkSent calls fail, as on a full disk.
	failMarks int
	marks     int // MarkSent calls
}

func newFakeOutbox() *fakeOutbox {
	return &fakeOutbox{alerts: map[int64]*drawwatch.Alert{}, refs: map[int64]string{}}
}

func (o *fakeOutbox) add(a drawwatch.Alert) int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.nextID++
	a.ID = o.nextID
	a.Status = drawwatch.AlertPending
	o.alerts[a.ID] = &a
	return a.ID
}

func (o *fakeOutbox) get(id int64) drawwatch.Alert {
	o.mu.Lock()
	defer o.mu.Unlock()
	return *o.alerts[id]
}

func (o *fakeOutbox) DueTargets(ctx context.Context, now time.Time) ([]string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []string
	for _, a := range o.alerts {
		if a.Status == drawwatch.AlertPending && !a.NextTry.After(now) && !slices.Contains(out, a.Target) {
			out = append(out, a.Target)
		}
	}
	slices.Sort(out)
	return out, ctx.Err()
}

func (o *fakeOutbox) DueAlertsFor(ctx context.Context, target string, now time.Time, limit int) ([]drawwatch.Alert, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []drawwatch.Alert
	for _, a := range o.alerts {
		if a.Target == target && a.Status == drawwatch.AlertPending && !a.NextTry.After(now) {
			out = append(out, *a)
		}
	}
	slices.SortFunc(out, func(a, b drawwatch.Alert) int { return int(a.ID - b.ID) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, ctx.Err()
}

func (o *fakeOutbox) MarkSent(ctx context.Context, id int64, ref string, at time.Time) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.marks++
	if o.failMarks > 0 {
		o.failMarks--
		return errors.New("database or disk is full")
	}
	a := o.alerts[id]
	if a.Status != drawwatch.AlertPending {
		return fmt.Errorf("alert %d is %s, not pending", id, a.Status)
	}
	a.Status, a.SentAt = drawwatch.AlertSent, at
	a.Attempts++
	o.refs[id] = ref
	return nil
}

func (o *fakeOutbox) MarkRetry(ctx context.Context, id int64, errMsg string, next time.Time) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	a := o.alerts[id]
	a.Attempts++
	a.LastError, a.NextTry = errMsg, next
	return nil
}

func (o *fakeOutbox) MarkDead(ctx context.Context, id int64, errMsg string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	a := o.alerts[id]
	a.Attempts++
	a.Status, a.LastError = drawwatch.AlertDead, errMsg
	return nil
}

func (o *fakeOutbox) NextDueFor(ctx context.Context, target string) (time.Time, bool, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var next time.Time
	found := false
	for _, a := range o.alerts {
		if a.Target == target && a.Status == drawwatch.AlertPending && (!found || a.NextTry.Before(next)) {
			next, found = a.NextTry, true
		}
	}
	return next, found, nil
}

// scriptNotifier answers each Send with the next scripted result; after
// the script it succeeds. delivered counts successful sends.
type scriptNotifier struct {
	name      string
	mu        sync.Mutex
	script    []error
	calls     int
	delivered []int64
	onSend    func(ctx context.Context, a drawwatch.Alert) error
}

func (n *scriptNotifier) Name() string { return n.name }

func (n *scriptNotifier) Send(ctx context.Context, a drawwatch.Alert) (string, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.calls++
	if n.onSend != nil {
		if err := n.onSend(ctx, a); err != nil {
			return "", err
		}
	}
	if len(n.script) > 0 {
		err := n.script[0]
		n.script = n.script[1:]
		if err != nil {
			return "", err
		}
	}
	n.delivered = append(n.delivered, a.ID)
	return fmt.Sprintf("ref-%d", a.ID), nil
}

// fakeSleep records waits without waiting.
type fakeSleep struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (f *fakeSleep) sleep(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.waits = append(f.waits, d)
	return ctx.Err()
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

var t0 = time.Date(2024, 2, 6, 15, 0, 0, 0, time.UTC)

func retryable(msg string) error { return &SendError{Target: "t", Err: errors.New(msg)} }
func permanent(msg string) error {
	return &SendError{Target: "t", Permanent: true, Err: errors.New(msg)}
}
func rateLimited(d time.Duration) error {
	return &SendError{Target: "t", RetryAfter: d, Err: errors.New("slack rate limit exceeded")}
}

func TestDrainOutcomes(t *testing.T) {
	tests := []struct {
		name        string
		target      string
		attempts    int
		script      []error
		wantCalls   int
		wantStatus  drawwatch.AlertStatus
		wantWaits   []time.Duration
		wantNextTry time.Time
		wantErrText string
		sent, fail  int
	}{
		{name: "ok", target: "t", wantCalls: 1, wantStatus: drawwatch.AlertSent, sent: 1},
		{name: "500 three times then ok", target: "t", script: []error{retryable("500"), retryable("500"), retryable("500")},
			wantCalls: 4, wantStatus: drawwatch.AlertSent, wantWaits: []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second}, sent: 1},
		{name: "429 retry-after 2s then ok", target: "t", script: []error{rateLimited(2 * time.Second)},
			wantCalls: 2, wantStatus: drawwatch.AlertSent, wantWaits: []time.Duration{2 * time.Second}, sent: 1},
		{name: "always 500", target: "t", script: []error{retryable("500"), retryable("500"), retryable("500"), retryable("500")},
			wantCalls: 4, wantStatus: drawwatch.AlertPending, wantWaits: []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second},
			wantNextTry: t0.Add(30 * time.Second), wantErrText: "500", fail: 1},
		{name: "retry-after beyond inline limit goes back to the outbox", target: "t", script: []error{rateLimited(90 * time.Second)},
			wantCalls: 1, wantStatus: drawwatch.AlertPending, wantNextTry: t0.Add(90 * time.Second), wantErrText: "rate limit", fail: 1},
		{name: "backoff grows with attempts", target: "t", attempts: 3, script: []error{rateLimited(time.Minute)},
			wantCalls: 1, wantStatus: drawwatch.AlertPending, wantNextTry: t0.Add(240 * time.Second), wantErrText: "rate limit", fail: 1},
		{name: "permanent", target: "t", script: []error{permanent("invalid_auth")},
			wantCalls: 1, wantStatus: drawwatch.AlertDead, wantErrText: "invalid_auth", fail: 1},
		{name: "too many attempts", target: "t", attempts: 9, script: []error{rateLimited(time.Minute)},
			wantCalls: 1, wantStatus: drawwatch.AlertDead, wantErrText: "gave up after 10 attempts", fail: 1},
		{name: "target removed", target: "gone", wantCalls: 0, wantStatus: drawwatch.AlertDead,
			wantErrText: `target "gone" is not configured any more`, fail: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ob := newFakeOutbox()
			id := ob.add(drawwatch.Alert{Target: tt.target, Attempts: tt.attempts, Event: hcpFeb6Event()})
			n := &scriptNotifier{name: "t", script: tt.script}
			var fs fakeSleep
			d := NewDispatcher(ob, []Notifier{n}, WithClock(func() time.Time { return t0 }), WithSleep(fs.sleep),
				WithBackoff(30*time.Second, time.Hour, 0), WithLogger(quietLogger()))
			sent, failed, err := d.Drain(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if sent != tt.sent || failed != tt.fail {
				t.Errorf("sent, failed = %d, %d; want %d, %d", sent, failed, tt.sent, tt.fail)
			}
			got := ob.get(id)
			if got.Status != tt.wantStatus || n.calls != tt.wantCalls {
				t.Errorf("status %s after %d calls; want %s after %d", got.Status, n.calls, tt.wantStatus, tt.wantCalls)
			}
			if diff := cmp.Diff(tt.wantWaits, fs.waits); diff != "" {
				t.Errorf("in-process waits (-want +got):\n%s", diff)
			}
			if tt.wantStatus == drawwatch.AlertPending && !got.NextTry.Equal(tt.wantNextTry) {
				t.Errorf("next try %v, want %v", got.NextTry, tt.wantNextTry)
			}
			if !strings.Contains(got.LastError, tt.wantErrText) {
				t.Errorf("last error %q, want it to contain %q", got.LastError, tt.wantErrText)
			}
			if tt.wantStatus == drawwatch.AlertSent && ob.refs[id] != fmt.Sprintf("ref-%d", id) {
				t.Errorf("ref %q not stored", ob.refs[id])
			}
			// A second drain at the same instant sends nothing more.
			sent, _, _ = d.Drain(context.Background())
			if sent != 0 || len(n.delivered) > 1 {
				t.Errorf("second drain sent %d; delivered %v", sent, n.delivered)
			}
		})
	}
}

// TestDrainCrashBeforeSend stops the dispatcher at the moment it would
// send: the alert stays pending with no attempt counted, and a new
// dispatcher on the same outbox delivers it exactly once.
func TestDrainCrashBeforeSend(t *testing.T) {
	ob := newFakeOutbox()
	id := ob.add(drawwatch.Alert{Target: "t", Event: hcpFeb6Event()})
	other := ob.add(drawwatch.Alert{Target: "t", Event: newsEvent()})

	ctx, crash := context.WithCancel(context.Background())
	n := &scriptNotifier{name: "t", onSend: func(sctx context.Context, a drawwatch.Alert) error {
		crash()
		return sctx.Err()
	}}
	d1 := NewDispatcher(ob, []Notifier{n}, WithLogger(quietLogger()))
	if _, _, err := d1.Drain(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("drain after crash: err = %v, want context.Canceled", err)
	}
	for _, x := range []int64{id, other} {
		if a := ob.get(x); a.Status != drawwatch.AlertPending || a.Attempts != 0 || a.LastError != "" {
			t.Fatalf("alert %d after crash: %+v, want untouched pending", x, a)
		}
	}

	n.onSend = nil
	d2 := NewDispatcher(ob, []Notifier{n}, WithLogger(quietLogger()))
	for range 3 {
		if _, _, err := d2.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff([]int64{id, other}, n.delivered); diff != "" {
		t.Errorf("deliveries after restart (-want +got):\n%s", diff)
	}
	if a := ob.get(id); a.Status != drawwatch.AlertSent {
		t.Errorf("status %s, want sent", a.Status)
	}
}

// TestBackoff: the exponential itself is tested in retry
// (retry_test.go:TestExponential, with the cases that were here); this
// checks the dispatcher's jitter on top of it.
func TestBackoff(t *testing.T) {
	d := NewDispatcher(newFakeOutbox(), nil, WithBackoff(time.Second, time.Hour, 0.5))
	for range 100 {
		if w := d.withJitter(time.Minute); w < time.Minute || w > 90*time.Second {
			t.Fatalf("jittered wait %v outside [1m, 1m30s]", w)
		}
	}
}

// TestRun checks Run wakes on a signal and on the next due time, and
// returns nil when its context ends.
func TestRun(t *testing.T) {
	ob := newFakeOutbox()
	delivered := make(chan int64, 4)
	n := &scriptNotifier{name: "t", onSend: func(_ context.Context, a drawwatch.Alert) error {
		delivered <- a.ID
		return nil
	}}
	d := NewDispatcher(ob, []Notifier{n}, WithPollInterval(time.Hour), WithLogger(quietLogger()))
	wake := make(chan struct{}, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx, wake) }()

	id := ob.add(drawwatch.Alert{Target: "t", Event: newsEvent()})
	wake <- struct{}{}
	if got := waitID(t, delivered); got != id {
		t.Errorf("delivered %d, want %d", got, id)
	}

	// Due soon, no wake: Run must come back by itself via NextDue. Wake
	// once so Run re-reads NextDue after the alert exists.
	later := ob.add(drawwatch.Alert{Target: "t", Event: newsEvent(), NextTry: time.Now().Add(300 * time.Millisecond)})
	wake <- struct{}{}
	if got := waitID(t, delivered); got != later {
		t.Errorf("delivered %d, want %d", got, later)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run returned %v, want nil on shutdown", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop after cancel")
	}
}

func waitID(t *testing.T, ch <-chan int64) int64 {
	t.Helper()
	select {
	case id := <-ch:
		return id
	case <-time.After(5 * time.Second):
		t.Fatal("no delivery within 5s")
		return 0
	}
}

// TestTargetsAreIsolated: one target answering 500 and another hanging on
// its first send never delay a third target's alerts; the failing target
// pauses (its other alerts wait untried, no attempt counted) and backs off
// longer after each failure.
func TestTargetsAreIsolated(t *testing.T) {
	ob := newFakeOutbox()
	clock := t0
	var ids = map[string][]int64{}
	for i := range 5 {
		for _, target := range []string{"failing", "slow", "ok"} {
			ev := newsEvent()
			ev.Message = fmt.Sprint(i)
			ids[target] = append(ids[target], ob.add(drawwatch.Alert{Target: target, Event: ev}))
		}
	}
	okDone := make(chan struct{})
	failing := &scriptNotifier{name: "failing", onSend: func(context.Context, drawwatch.Alert) error { return retryable("500 Internal Server Error") }}
	ok := &scriptNotifier{name: "ok", onSend: func(_ context.Context, a drawwatch.Alert) error {
		if a.ID == ids["ok"][4] {
			close(okDone)
		}
		return nil
	}}
	// slow's first send returns only once every "ok" alert is delivered:
	// if targets were drained one after another this would time out.
	slow := &scriptNotifier{name: "slow", onSend: func(ctx context.Context, a drawwatch.Alert) error {
		if a.ID == ids["slow"][0] {
			select {
			case <-okDone:
			case <-time.After(5 * time.Second):
				t.Error("the slow target's send held up the ok target")
			}
		}
		return nil
	}}
	var fs fakeSleep
	d := NewDispatcher(ob, []Notifier{failing, slow, ok}, WithClock(func() time.Time { return clock }),
		WithSleep(fs.sleep), WithBackoff(30*time.Second, time.Hour, 0), WithLogger(quietLogger()))
	rep, err := d.DrainTargets(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Sent() != 10 || rep.Failed() != 1 {
		t.Errorf("sent %d failed %d, want 10 and 1", rep.Sent(), rep.Failed())
	}
	if diff := cmp.Diff(ids["ok"], ok.delivered); diff != "" {
		t.Errorf("ok target deliveries (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(ids["slow"], slow.delivered); diff != "" {
		t.Errorf("slow target deliveries (-want +got):\n%s", diff)
	}
	if failing.calls != 4 {
		t.Errorf("failing target called %d times, want 4 (one alert, 3 in-process retries)", failing.calls)
	}
	for i, id := range ids["failing"] {
		a := ob.get(id)
		wantAttempts := 0
		if i == 0 {
			wantAttempts = 1
		}
		if a.Status != drawwatch.AlertPending || a.Attempts != wantAttempts {
			t.Errorf("failing alert %d: %s, %d attempts; want pending, %d", i, a.Status, a.Attempts, wantAttempts)
		}
	}
	var fr TargetReport
	for _, tr := range rep.Targets {
		if tr.Target == "failing" {
			fr = tr
		}
	}
	if !fr.Paused || !fr.Until.Equal(t0.Add(30*time.Second)) || !strings.Contains(fr.Error, "500") {
		t.Errorf("failing target report %+v, want paused until +30s with the 500", fr)
	}

	// Still paused at +10s: not called although its other alerts are due.
	clock = t0.Add(10 * time.Second)
	if _, err := d.DrainTargets(context.Background()); err != nil || failing.calls != 4 {
		t.Errorf("paused target called during its pause: %d calls, err %v", failing.calls, err)
	}
	// After the pause it is tried again, and the next pause is longer.
	clock = t0.Add(31 * time.Second)
	rep, _ = d.DrainTargets(context.Background())
	if failing.calls != 8 || len(rep.Targets) != 1 || !rep.Targets[0].Until.Equal(clock.Add(60*time.Second)) {
		t.Errorf("after the pause: %d calls, report %+v; want 8 calls and a 60s pause", failing.calls, rep.Targets)
	}
}

// TestSentMarkFailureNeverResends: the target accepts the alert but the
// sent mark cannot be stored. The outcome is kept in memory: this process
// never sends the alert again, retries the mark first, and holds the
// target's other alerts until the mark is stored.
func TestSentMarkFailureNeverResends(t *testing.T) {
	ob := newFakeOutbox()
	first := ob.add(drawwatch.Alert{Target: "t", Event: hcpFeb6Event()})
	second := ob.add(drawwatch.Alert{Target: "t", Event: newsEvent()})
	n := &scriptNotifier{name: "t"}
	var fs fakeSleep
	d := NewDispatcher(ob, []Notifier{n}, WithClock(func() time.Time { return t0 }), WithSleep(fs.sleep), WithLogger(quietLogger()))

	ob.failMarks = markTries + 1 // this drain's tries and the next drain's retry fail
	sent, failed, err := d.Drain(context.Background())
	if err == nil || !strings.Contains(err.Error(), "marking it sent failed") || sent != 1 || failed != 0 {
		t.Fatalf("drain with a failing mark: sent %d failed %d err %v", sent, failed, err)
	}
	if d.Unmarked() != 1 || ob.marks != markTries {
		t.Errorf("unmarked %d after %d mark tries; want 1 after %d", d.Unmarked(), ob.marks, markTries)
	}
	// The store still has it pending, but it is not sent again; the mark
	// retry fails once more, so the second alert waits.
	if _, _, err := d.Drain(context.Background()); err == nil {
		t.Error("second drain: want the failing mark reported")
	}
	if diff := cmp.Diff([]int64{first}, n.delivered); diff != "" {
		t.Errorf("deliveries while the mark fails (-want +got):\n%s", diff)
	}
	// The store recovers: the mark is stored first, then the second alert goes.
	sent, _, err = d.Drain(context.Background())
	if err != nil || sent != 1 || d.Unmarked() != 0 {
		t.Fatalf("drain after recovery: sent %d err %v unmarked %d", sent, err, d.Unmarked())
	}
	if diff := cmp.Diff([]int64{first, second}, n.delivered); diff != "" {
		t.Errorf("deliveries (-want +got):\n%s", diff)
	}
	if a := ob.get(first); a.Status != drawwatch.AlertSent || ob.refs[first] != fmt.Sprintf("ref-%d", first) {
		t.Errorf("first alert %s ref %q, want sent with its ref", a.Status, ob.refs[first])
	}
}

func (o *fakeOutbox) DeadCount(ctx context.Context, target string) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, a := range o.alerts {
		if a.Status == drawwatch.AlertDead && (target == "" || a.Target == target) {
			n++
		}
	}
	return n, nil
}

func (o *fakeOutbox) MarkDeadReporting(ctx context.Context, id int64, errMsg string, report drawwatch.Event, targets []string, dedupeKey string) (bool, error) {
	if err := o.MarkDead(ctx, id, errMsg); err != nil {
		return false, err
	}
	if n, _ := o.DeadCount(ctx, o.get(id).Target); n > 1 {
		return false, nil
	}
	for _, t := range targets {
		o.add(drawwatch.Alert{Target: t, Event: report})
	}
	return len(targets) > 0, nil
}

// TestDeadAlertRaisesOneOpsAlert: alerts that die raise one ops alert per
// target episode, through the other ops targets only, delivered in the same
// drain; the dead alert's error does not claim it will be retried.
func TestDeadAlertRaisesOneOpsAlert(t *testing.T) {
	ob := newFakeOutbox()
	var dying []int64
	for range 3 {
		dying = append(dying, ob.add(drawwatch.Alert{Target: "slack", Attempts: 9, Event: hcpFeb6Event()}))
	}
	slack := &scriptNotifier{name: "slack", onSend: func(context.Context, drawwatch.Alert) error {
		return &SendError{Target: "slack", Err: errors.New("post webhook: 500 Internal Server Error")}
	}}
	ops, mail := &scriptNotifier{name: "ops"}, &scriptNotifier{name: "mail"}
	var routed []drawwatch.Event
	route := func(ev drawwatch.Event) []string {
		routed = append(routed, ev)
		return []string{"slack", "ops"} // the ops route: the dying target is in it too
	}
	clock := t0
	d := NewDispatcher(ob, []Notifier{slack, ops, mail}, WithClock(func() time.Time { return clock }), WithSleep((&fakeSleep{}).sleep),
		WithMaxAttempts(10), WithDeadAlertOps(route), WithLogger(quietLogger()))
	rep, err := d.DrainTargets(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Dead() != 1 {
		t.Fatalf("dead in the first drain = %d, want 1 (the target pauses after it)", rep.Dead())
	}
	// The other two die on later drains, after the pause: no more ops alerts.
	for range 2 {
		clock = clock.Add(2 * time.Hour)
		if _, err := d.DrainTargets(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range dying {
		a := ob.get(id)
		if a.Status != drawwatch.AlertDead || !strings.Contains(a.LastError, "gave up after 10 attempts") || !strings.Contains(a.LastError, "500") {
			t.Errorf("alert %d: %s %q, want dead after 10 attempts with the 500", id, a.Status, a.LastError)
		}
		if strings.Contains(a.LastError, "will retry") || strings.Contains(a.LastError, "retryable") {
			t.Errorf("dead alert %d says it will be retried: %q", id, a.LastError)
		}
	}
	if len(routed) == 0 || len(ops.delivered) != 1 || len(mail.delivered) != 0 || slack.calls != 12 {
		t.Fatalf("routed %d ops events, ops got %d, mail %d, slack called %d; want routing, 1, 0, 12", len(routed), len(ops.delivered), len(mail.delivered), slack.calls)
	}
	ev := ob.get(ops.delivered[0]).Event
	if ev.Type != drawwatch.EventDeadAlerts || ev.Target != "slack" || !strings.Contains(ev.Message, fmt.Sprintf("drawwatch outbox retry %d", dying[0])) {
		t.Errorf("ops alert %+v, want dead_alerts about slack naming the re-queue command", ev)
	}
	// Re-queued and dead again: a new episode, a new ops alert.
	ob.mu.Lock()
	for _, id := range dying {
		ob.alerts[id].Status, ob.alerts[id].Attempts, ob.alerts[id].NextTry = drawwatch.AlertPending, 9, clock
	}
	ob.mu.Unlock()
	clock = clock.Add(2 * time.Hour)
	if _, err := d.DrainTargets(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(ops.delivered) != 2 {
		t.Errorf("ops alerts after a new episode = %d, want 2", len(ops.delivered))
	}
}
