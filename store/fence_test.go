package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/notify"
)

// slackStandIn is a webhook endpoint that records which alert each
// message carries (slack-go's real wire format, decoded as JSON).
type slackStandIn struct {
	mu    sync.Mutex
	count map[string]int
	order []string
}

var alertWord = regexp.MustCompile(`fence-alert-\d+`)

func (h *slackStandIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var msg map[string]any
	body, _ := io.ReadAll(r.Body)
	if r.Method != http.MethodPost || json.Unmarshal(body, &msg) != nil {
		http.Error(w, "want a JSON POST", http.StatusBadRequest)
		return
	}
	id := alertWord.FindString(string(body))
	h.mu.Lock()
	h.count[id]++
	h.order = append(h.order, id)
	h.mu.Unlock()
	io.WriteString(w, "ok")
}

// TestPausedHolderStopsAfterTakeover is issue 9's fencing test: holder A
// reads a batch and is paused mid-delivery past the lease TTL; B takes
// over and delivers; A resumes with the rest of its batch in memory. No
// alert reaches Slack twice, A stops with ErrLeaseLost, and the store says
// every alert was sent once.
func TestPausedHolderStopsAfterTakeover(t *testing.T) {
	ctx := context.Background()
	const ttl, alerts, pauseAfter = 15 * time.Second, 14, 4
	hook := &slackStandIn{count: map[string]int{}}
	srv := httptest.NewServer(hook)
	defer srv.Close()

	path := filepath.Join(t.TempDir(), "drawwatch.db")
	a, b := openAt(t, path), openAt(t, path)
	var clockMu sync.Mutex
	now := time.Now()
	clock := func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return now }
	a.now, b.now = clock, clock
	if _, err := a.TryLock(ctx, "daemon-a", ttl); err != nil {
		t.Fatal(err)
	}
	for i := range alerts {
		ev := drawwatch.Event{Type: drawwatch.EventTest, Message: fmt.Sprintf("fence-alert-%d", i)}
		if _, _, err := a.Enqueue(ctx, "team", ev, fmt.Sprint("k", i)); err != nil {
			t.Fatal(err)
		}
	}
	slack, err := notify.NewSlack(notify.SlackConfig{Name: "team", WebhookURL: srv.URL + "/services/T/B/x"})
	if err != nil {
		t.Fatal(err)
	}
	quiet := notify.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))

	paused, resume := make(chan struct{}), make(chan struct{})
	delivered := 0
	dispA := notify.NewDispatcher(a, []notify.Notifier{slack}, quiet, notify.WithClock(clock), notify.WithBatchSize(alerts),
		notify.WithObserver(func(string, bool) {
			if delivered++; delivered == pauseAfter {
				close(paused)
				<-resume // SIGSTOP: the rest of the batch waits in memory
			}
		}))
	aDone := make(chan error, 1)
	go func() { _, _, err := dispA.Drain(ctx); aDone <- err }()
	<-paused

	clockMu.Lock()
	now = now.Add(ttl + time.Second)
	clockMu.Unlock()
	if _, err := b.TryLock(ctx, "daemon-b", ttl); err != nil {
		t.Fatalf("takeover of the paused holder: %v", err)
	}
	dispB := notify.NewDispatcher(b, []notify.Notifier{slack}, quiet, notify.WithClock(clock))
	sentB, failedB, err := dispB.Drain(ctx)
	if err != nil || sentB != alerts-pauseAfter || failedB != 0 {
		t.Errorf("B drained %d sent, %d failed, %v; want %d sent", sentB, failedB, err, alerts-pauseAfter)
	}

	close(resume)
	errA := <-aDone
	if !errors.Is(errA, ErrLeaseLost) {
		t.Errorf("A after resuming: %v, want ErrLeaseLost", errA)
	}
	select {
	case <-a.LeaseLost():
	default:
		t.Error("A's LeaseLost is not closed")
	}

	hook.mu.Lock()
	defer hook.mu.Unlock()
	if len(hook.order) != alerts || len(hook.count) != alerts {
		t.Errorf("Slack got %d messages for %d distinct alerts, want %d each once: %v", len(hook.order), len(hook.count), alerts, hook.order)
	}
	for id, n := range hook.count {
		if n != 1 {
			t.Errorf("%s sent %d times", id, n)
		}
	}
	all, err := b.Alerts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, al := range all {
		if al.Status != drawwatch.AlertSent || al.Attempts != 1 {
			t.Errorf("alert %d: %s after %d attempts, want sent once", al.ID, al.Status, al.Attempts)
		}
	}
}
