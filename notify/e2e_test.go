package notify_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/notify"
	"github.com/drawwatch/drawwatch/store"
)

// TestChangeToSlackLatency runs the real path from a change being recorded
// (store.Apply commits the change and its outbox row) to the Slack webhook
// request arriving, 100 times, and reports median and worst. Each change
// must arrive exactly once.
func TestChangeToSlackLatency(t *testing.T) {
	var mu sync.Mutex
	var arrivals []time.Time
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		arrivals = append(arrivals, time.Now())
		bodies = append(bodies, string(b))
		mu.Unlock()
		io.WriteString(w, "ok")
	}))
	defer srv.Close()

	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "drawwatch.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	slack, err := notify.NewSlack(notify.SlackConfig{Name: "team", WebhookURL: srv.URL + "/services/T/B/x"})
	if err != nil {
		t.Fatal(err)
	}
	router, err := notify.NewRouter([]notify.Route{{Targets: []string{"team"}, Kinds: []string{"draw"}}}, []string{"team"})
	if err != nil {
		t.Fatal(err)
	}
	disp := notify.NewDispatcher(st, []notify.Notifier{slack}, notify.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))

	const pageURL = "https://www.ontario.ca/page/2026-ontario-immigrant-nominee-program-updates"
	now := time.Now()
	page := &drawwatch.Page{Kind: drawwatch.PageUpdates, URL: pageURL}
	addDraw := func(i int) {
		date := now.AddDate(0, 0, -i%5).Format(time.DateOnly)
		text := fmt.Sprintf("On %s, we issued %d notifications of interest, CRS %d-%d.", date, 100+i, 400+i, 450+i)
		min, max, n := 400+i, 450+i, 100+i
		page.Announcements = append(page.Announcements, drawwatch.Announcement{
			ID: fmt.Sprintf("draw-%d", i), Posted: date, Anchor: fmt.Sprintf("draw-%d", i),
			Title: fmt.Sprintf("Express Entry Human Capital Priorities stream: draw %d", i), Kind: drawwatch.KindDraw,
			Text: text, Hash: drawwatch.ContentHash(text), SourceURL: pageURL + fmt.Sprintf("#draw-%d", i),
			Draws: []drawwatch.Draw{{Program: drawwatch.Program, Stream: drawwatch.StreamHCP, Category: fmt.Sprintf("Round %d", i),
				Date: date, Invitation: drawwatch.InvitationNOI, ScoreKind: drawwatch.ScoreCRS, ScoreMin: &min, ScoreMax: &max, Invitations: &n}},
		})
	}
	apply := func() {
		if _, err := st.Apply(ctx, page, store.ApplyOptions{Source: "updates", Now: time.Now(), BacklogDays: 0, Route: router.Targets}); err != nil {
			t.Fatal(err)
		}
	}
	addDraw(1000) // the first read of a page
	apply()
	if _, _, err := disp.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	arrivals, bodies = nil, nil
	mu.Unlock()

	const runs = 100
	latency := make([]time.Duration, 0, runs)
	for i := range runs {
		addDraw(i)
		apply()
		recorded := time.Now()
		sent, failed, err := disp.Drain(ctx)
		if err != nil || sent != 1 || failed != 0 {
			t.Fatalf("run %d: sent %d failed %d err %v", i, sent, failed, err)
		}
		mu.Lock()
		latency = append(latency, arrivals[len(arrivals)-1].Sub(recorded))
		mu.Unlock()
	}
	if sent, _, _ := disp.Drain(ctx); sent != 0 {
		t.Errorf("a second drain re-sent %d alerts", sent)
	}
	if len(bodies) != runs {
		t.Fatalf("%d Slack requests for %d changes", len(bodies), runs)
	}
	for i, b := range bodies {
		if !strings.Contains(b, fmt.Sprintf("draw %d", i)) {
			t.Errorf("request %d is not about change %d", i, i)
		}
	}
	sort.Slice(latency, func(i, j int) bool { return latency[i] < latency[j] })
	t.Logf("change recorded → Slack request received, %d changes: median %v, worst %v", runs, latency[runs/2], latency[runs-1])
}
