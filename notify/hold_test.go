package notify_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // America/Toronto without a system zone database

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/hold"
	"github.com/drawwatch/drawwatch/notify"
	"github.com/drawwatch/drawwatch/store"
	"github.com/robfig/cron/v3"
)

// recordingNotifier keeps every message it is asked to send, rendered.
type recordingNotifier struct {
	name string
	mu   sync.Mutex
	got  []notify.Message
}

func (n *recordingNotifier) Name() string { return n.name }
func (n *recordingNotifier) Send(_ context.Context, a drawwatch.Alert) (string, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.got = append(n.got, notify.Render(a, nil))
	return "", nil
}

func (n *recordingNotifier) take() []notify.Message {
	n.mu.Lock()
	defer n.mu.Unlock()
	got := n.got
	n.got = nil
	return got
}

func toronto(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/Toronto")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// holdRig is a store with an injected clock, a router and a dispatcher
// over recording notifiers; reopen stands for a restart.
type holdRig struct {
	t       *testing.T
	path    string
	clock   time.Time
	st      *store.Store
	router  *notify.Router
	targets map[string]*recordingNotifier
	disp    *notify.Dispatcher
}

func newHoldRig(t *testing.T, start time.Time, routes []notify.Route, targets ...string) *holdRig {
	t.Helper()
	r := &holdRig{t: t, path: filepath.Join(t.TempDir(), "drawwatch.db"), clock: start, targets: map[string]*recordingNotifier{}}
	var err error
	if r.router, err = notify.NewRouter(routes, targets); err != nil {
		t.Fatal(err)
	}
	for _, name := range targets {
		r.targets[name] = &recordingNotifier{name: name}
	}
	r.reopen()
	t.Cleanup(func() { r.st.Close() })
	return r
}

func (r *holdRig) reopen() {
	r.t.Helper()
	if r.st != nil {
		if err := r.st.Close(); err != nil {
			r.t.Fatal(err)
		}
	}
	st, err := store.Open(context.Background(), r.path, store.WithClock(func() time.Time { return r.clock }))
	if err != nil {
		r.t.Fatal(err)
	}
	r.st = st
	ns := make([]notify.Notifier, 0, len(r.targets))
	for _, n := range r.targets {
		ns = append(ns, n)
	}
	r.disp = notify.NewDispatcher(st, ns, notify.WithHolds(r.router), notify.WithClock(func() time.Time { return r.clock }),
		notify.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
}

// queue enqueues ev for every target the router picks.
func (r *holdRig) queue(key string, ev drawwatch.Event) {
	r.t.Helper()
	ev.DetectedAt = r.clock
	for _, target := range r.router.Targets(ev) {
		if _, _, err := r.st.Enqueue(context.Background(), target, ev, target+"|"+key); err != nil {
			r.t.Fatal(err)
		}
	}
}

// drainAt sets the clock and drains, returning how many messages went out.
func (r *holdRig) drainAt(at time.Time) int {
	r.t.Helper()
	r.clock = at
	sent, failed, err := r.disp.Drain(context.Background())
	if err != nil || failed != 0 {
		r.t.Fatalf("drain at %s: failed %d, %v", at, failed, err)
	}
	return sent
}

func drawEvent(title string, stream drawwatch.Stream) drawwatch.Event {
	return drawwatch.Event{Type: drawwatch.EventNew, Announcement: &drawwatch.Announcement{
		ID: title, Title: title, Kind: drawwatch.KindDraw, SourceURL: "https://www.ontario.ca/page/x#" + title,
		Draws: []drawwatch.Draw{{Stream: stream, Date: "2026-06-08"}},
	}}
}

func newsEvent(title string) drawwatch.Event {
	return drawwatch.Event{Type: drawwatch.EventNews, Announcement: &drawwatch.Announcement{ID: title, Title: title, Kind: drawwatch.KindNews}}
}

func opsEvent(msg string) drawwatch.Event {
	return drawwatch.Event{Type: drawwatch.EventOps, Source: "updates", Message: msg}
}

func mustCron(t *testing.T, spec string) cron.Schedule {
	t.Helper()
	s, err := cron.ParseStandard(spec)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A weekday 08:00 digest holds what comes in the evening, survives a
// restart, and sends one message per target at 08:00 local, grouped by
// kind and stream; then nothing more.
func TestDigestFiresAtLocalTimeOnePerTarget(t *testing.T) {
	loc := toronto(t)
	digest := hold.Policy{Deliver: hold.DeliverDigest, Digest: mustCron(t, "CRON_TZ=America/Toronto 0 8 * * MON-FRI")}
	r := newHoldRig(t, time.Date(2026, 6, 8, 22, 0, 0, 0, loc), // a Monday evening
		[]notify.Route{{Targets: []string{"team", "boss"}, Kinds: []string{"draw", "news"}, Hold: digest}}, "team", "boss")
	r.queue("hcp", drawEvent("HCP draw", drawwatch.StreamHCP))
	r.queue("news", newsEvent("Program intake paused"))
	r.queue("trades", drawEvent("Trades draw", drawwatch.StreamSkilledTrades))
	r.queue("hcp2", drawEvent("HCP second draw", drawwatch.StreamHCP))
	if n := r.drainAt(r.clock); n != 0 {
		t.Fatalf("sent %d at queue time, want all held", n)
	}
	pending, _ := r.st.Alerts(context.Background(), drawwatch.AlertPending)
	want := time.Date(2026, 6, 9, 8, 0, 0, 0, loc)
	for _, a := range pending {
		if a.Hold != drawwatch.HoldDigest || !a.HeldUntil.Equal(want) {
			t.Errorf("alert %d held %q until %s, want digest until %s", a.ID, a.Hold, a.HeldUntil.In(loc), want)
		}
	}
	if n := r.drainAt(want.Add(-time.Minute)); n != 0 {
		t.Fatalf("sent %d at 07:59", n)
	}
	r.reopen() // a restart overnight
	if n := r.drainAt(want); n != 2 {
		t.Fatalf("sent %d at 08:00, want one digest per target", n)
	}
	for _, name := range []string{"team", "boss"} {
		got := r.targets[name].take()
		if len(got) != 1 {
			t.Fatalf("%s got %d messages, want 1", name, len(got))
		}
		m := got[0]
		if m.Subject != "drawwatch digest: 3 draw alerts, 1 news item" {
			t.Errorf("%s subject %q", name, m.Subject)
		}
		order := []string{"Draws: Express Entry Human Capital Priorities", "HCP draw", "HCP second draw", "Draws: Express Entry Skilled Trades", "Trades draw", "News", "Program intake paused"}
		at := 0
		for _, s := range order {
			i := strings.Index(m.Text[at:], s)
			if i < 0 {
				t.Fatalf("%s digest lacks %q after byte %d (grouped by kind, then stream):\n%s", name, s, at, m.Text)
			}
			at += i + len(s)
		}
	}
	if n := r.drainAt(want.Add(time.Hour)); n != 0 {
		t.Errorf("sent %d more after the digest", n)
	}
	if left, _ := r.st.Alerts(context.Background(), drawwatch.AlertPending); len(left) != 0 {
		t.Errorf("%d alerts still pending after the digest", len(left))
	}
}

// A digest with nothing held sends nothing; alerts of a "now" route to
// another target are not swept into it.
func TestEmptyDigestSendsNothing(t *testing.T) {
	loc := toronto(t)
	digest := hold.Policy{Deliver: hold.DeliverDigest, Digest: mustCron(t, "CRON_TZ=America/Toronto 0 8 * * *")}
	r := newHoldRig(t, time.Date(2026, 6, 9, 7, 0, 0, 0, loc), []notify.Route{
		{Targets: []string{"morning"}, Kinds: []string{"news"}, Hold: digest},
		{Targets: []string{"live"}, Kinds: []string{"draw"}},
	}, "morning", "live")
	r.queue("hcp", drawEvent("HCP draw", drawwatch.StreamHCP))
	if n := r.drainAt(r.clock); n != 1 {
		t.Fatalf("sent %d, want the draw at once to live", n)
	}
	for _, at := range []time.Time{time.Date(2026, 6, 9, 8, 0, 0, 0, loc), time.Date(2026, 6, 10, 8, 0, 0, 0, loc)} {
		if n := r.drainAt(at); n != 0 {
			t.Errorf("sent %d at %s with nothing held", n, at)
		}
	}
	if got := r.targets["morning"].take(); len(got) != 0 {
		t.Errorf("morning got %d messages, want none", len(got))
	}
}

// Across both 2026 daylight-saving changes in Toronto, a daily 08:00
// digest goes at 08:00 local, and 21:00-07:30 quiet hours end at 07:30
// local, with a restart in between.
func TestHoldsAcrossDaylightSaving(t *testing.T) {
	loc := toronto(t)
	quiet, err := hold.ParseWindow("21:00-07:30")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name       string
		evening    time.Time
		digestUTC  time.Time // 08:00 local on the day of the change
		quietEndUT time.Time // 07:30 local
	}{
		{"spring forward", time.Date(2026, 3, 7, 22, 0, 0, 0, loc),
			time.Date(2026, 3, 8, 12, 0, 0, 0, time.UTC), time.Date(2026, 3, 8, 11, 30, 0, 0, time.UTC)},
		{"fall back", time.Date(2026, 10, 31, 22, 0, 0, 0, loc),
			time.Date(2026, 11, 1, 13, 0, 0, 0, time.UTC), time.Date(2026, 11, 1, 12, 30, 0, 0, time.UTC)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := newHoldRig(t, tt.evening, []notify.Route{
				{Targets: []string{"digest"}, Kinds: []string{"news"}, Hold: hold.Policy{Deliver: hold.DeliverDigest, Digest: mustCron(t, "CRON_TZ=America/Toronto 0 8 * * *")}},
				{Targets: []string{"quiet"}, Kinds: []string{"news"}, Hold: hold.Policy{Quiet: &quiet, Zone: loc}},
			}, "digest", "quiet")
			r.queue("news", newsEvent("Intake update"))
			if n := r.drainAt(r.clock); n != 0 {
				t.Fatalf("sent %d in the evening", n)
			}
			r.reopen()
			if n := r.drainAt(tt.quietEndUT.Add(-time.Second)); n != 0 {
				t.Fatalf("sent %d before 07:30 local", n)
			}
			if n := r.drainAt(tt.quietEndUT); n != 1 || len(r.targets["quiet"].take()) != 1 {
				t.Fatalf("sent %d at 07:30 local, want the quiet target's news", n)
			}
			if n := r.drainAt(tt.digestUTC.Add(-time.Second)); n != 0 {
				t.Fatalf("sent %d before 08:00 local", n)
			}
			if n := r.drainAt(tt.digestUTC); n != 1 {
				t.Fatalf("sent %d at 08:00 local, want the digest", n)
			}
			if got := r.targets["digest"].take(); len(got) != 1 || !strings.HasPrefix(got[0].Subject, "drawwatch digest: 1 news item") {
				t.Errorf("digest target got %+v", got)
			}
		})
	}
}

// Quiet hours across midnight hold news until 07:30; draws and ops go at
// once, unless quiet_for names draws.
func TestQuietHoursDrawsBypassUnlessQuietFor(t *testing.T) {
	loc := toronto(t)
	quiet, _ := hold.ParseWindow("21:00-07:30")
	r := newHoldRig(t, time.Date(2026, 6, 8, 23, 30, 0, 0, loc), []notify.Route{
		{Targets: []string{"team"}, Kinds: []string{"draw", "news", "ops"}, Hold: hold.Policy{Quiet: &quiet, Zone: loc}},
		{Targets: []string{"strict"}, Kinds: []string{"draw", "news", "ops"}, Hold: hold.Policy{Quiet: &quiet, Zone: loc, QuietFor: []string{"draw"}}},
	}, "team", "strict")
	r.queue("hcp", drawEvent("HCP draw", drawwatch.StreamHCP))
	r.queue("news", newsEvent("Intake update"))
	r.queue("ops", opsEvent("page unreachable"))
	if n := r.drainAt(r.clock); n != 3 {
		t.Fatalf("sent %d at 23:30, want team's draw and ops, strict's ops", n)
	}
	subjects := func(name string) (out []string) {
		for _, m := range r.targets[name].take() {
			out = append(out, m.Subject)
		}
		return out
	}
	if got := subjects("team"); len(got) != 2 || !strings.Contains(got[0], "HCP") {
		t.Errorf("team at night: %q, want the draw and the ops alert", got)
	}
	if got := subjects("strict"); len(got) != 1 || !strings.Contains(got[0], "not reading normally") {
		t.Errorf("strict at night: %q, want the ops alert only", got)
	}
	if n := r.drainAt(time.Date(2026, 6, 9, 7, 29, 0, 0, loc)); n != 0 {
		t.Fatalf("sent %d at 07:29", n)
	}
	if n := r.drainAt(time.Date(2026, 6, 9, 7, 30, 0, 0, loc)); n != 3 {
		t.Fatalf("sent %d at 07:30, want team's news, strict's draw and news, one message each", n)
	}
	if got := subjects("strict"); len(got) != 2 {
		t.Errorf("strict at 07:30: %q", got)
	}
}

// When several routes take one alert to one target, a "now" route sends
// it at once, else the earliest release wins; routes to other targets do
// not count.
func TestReleaseAcrossRoutes(t *testing.T) {
	loc := toronto(t)
	quiet, _ := hold.ParseWindow("21:00-07:30")
	digest := hold.Policy{Deliver: hold.DeliverDigest, Digest: mustCron(t, "CRON_TZ=America/Toronto 0 8 * * *")}
	quietP := hold.Policy{Quiet: &quiet, Zone: loc}
	night := time.Date(2026, 6, 10, 23, 0, 0, 0, loc)
	for _, tt := range []struct {
		name   string
		routes []notify.Route
		until  time.Time
		why    string
	}{
		{"digest and now", []notify.Route{{Targets: []string{"team"}, Hold: digest}, {Targets: []string{"team"}}}, night, ""},
		{"digest and quiet: quiet ends first", []notify.Route{{Targets: []string{"team"}, Hold: digest}, {Targets: []string{"team"}, Hold: quietP}},
			time.Date(2026, 6, 11, 7, 30, 0, 0, loc), drawwatch.HoldQuiet},
		{"a now route to another target does not count", []notify.Route{{Targets: []string{"team"}, Hold: digest}, {Targets: []string{"other"}}},
			time.Date(2026, 6, 11, 8, 0, 0, 0, loc), drawwatch.HoldDigest},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, err := notify.NewRouter(tt.routes, []string{"team", "other"})
			if err != nil {
				t.Fatal(err)
			}
			until, why := r.Release(newsEvent("Intake paused"), "team", night)
			if why != tt.why || !until.Equal(tt.until) {
				t.Errorf("Release = %s %q, want %s %q", until.In(loc), why, tt.until, tt.why)
			}
		})
	}
	// Test messages and digests are never held.
	r, _ := notify.NewRouter([]notify.Route{{Targets: []string{"team"}, Kinds: []string{"news"}, Hold: digest}}, []string{"team"})
	for _, ty := range []drawwatch.EventType{drawwatch.EventTest, drawwatch.EventDigest} {
		if _, why := r.Release(drawwatch.Event{Type: ty}, "team", night); why != "" {
			t.Errorf("%s event held (%q)", ty, why)
		}
	}
}
