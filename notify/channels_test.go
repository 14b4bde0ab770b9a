package notify

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch"
)

// hostileTitle is page text written to act in some channel: a Slack and
// Discord broadcast, a script, markdown and HTML control characters, and a
// CRLF that would start a new header or line of markup.
const hostileTitle = "<!channel> @everyone @here <script>alert(1)</script> **bold** _it_ ~~x~~ `code` [click](https://evil.example) <b>&amp;</b> | # > \r\nBcc: x@evil.example"

// hostileAlert is the 6 Feb 2024 HCP draw with hostile page text.
func hostileAlert(target string) drawwatch.Alert {
	ev := hcpFeb6Event()
	an := *ev.Announcement
	an.Draws = append([]drawwatch.Draw(nil), an.Draws...)
	an.Title = hostileTitle
	an.Draws[0].Category = "<@123456> nurses *now*"
	an.Draws[0].NOCs = append([]drawwatch.NOC(nil), an.Draws[0].NOCs...)
	an.Draws[0].NOCs[0].Title = "<script>x</script> @everyone"
	ev.Announcement = &an
	return drawwatch.Alert{ID: 41, Target: target, Event: ev, CreatedAt: time.Date(2024, 2, 6, 15, 4, 1, 0, time.UTC)}
}

// hcpAlert is the plain 6 Feb 2024 HCP draw alert for target.
func hcpAlert(target string, id int64) drawwatch.Alert {
	return drawwatch.Alert{ID: id, Target: target, Event: hcpFeb6Event(), CreatedAt: time.Date(2024, 2, 6, 15, 4, 1, 0, time.UTC)}
}

// seenRequest is one request a stand-in target received.
type seenRequest struct {
	method, path, query string
	header              http.Header
	body                []byte
}

// reply is one scripted answer of a stand-in target.
type reply struct {
	status int
	header map[string]string
	body   string
}

// standIn is an httptest target that records every request and answers
// from a script, in turn (the last answer repeats). check, when set,
// inspects each request before it is answered and may refuse it.
type standIn struct {
	t      *testing.T
	mu     sync.Mutex
	seen   []seenRequest
	script []reply
	check  func(r seenRequest) (status int, msg string)
}

func newStandIn(t *testing.T, script ...reply) (*standIn, *httptest.Server) {
	s := &standIn{t: t, script: script}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

func (s *standIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		s.t.Errorf("read body: %v", err)
	}
	req := seenRequest{method: r.Method, path: r.URL.Path, query: r.URL.RawQuery, header: r.Header.Clone(), body: body}
	s.mu.Lock()
	n := len(s.seen)
	s.seen = append(s.seen, req)
	rep := s.script[min(n, len(s.script)-1)]
	s.mu.Unlock()
	if s.check != nil {
		if status, msg := s.check(req); status != 0 {
			http.Error(w, msg, status)
			return
		}
	}
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	if rep.body != "" && w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(rep.status)
	io.WriteString(w, rep.body)
}

func (s *standIn) requests() []seenRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seenRequest(nil), s.seen...)
}

// sendInTurn sends a once per scripted answer and returns the errors.
func sendInTurn(t *testing.T, n Notifier, a drawwatch.Alert, times int) []error {
	t.Helper()
	errs := make([]error, times)
	for i := range errs {
		_, errs[i] = n.Send(context.Background(), a)
	}
	return errs
}

// checkClassified asserts the 200, 429, 5xx, 4xx sequence was classified:
// delivered, retryable with the hint, retryable, permanent.
func checkClassified(t *testing.T, errs []error, wantRetryAfter time.Duration, secrets ...string) {
	t.Helper()
	if errs[0] != nil {
		t.Errorf("200: %v", errs[0])
	}
	if errs[1] == nil || IsPermanent(errs[1]) || retryAfter(errs[1]) != wantRetryAfter {
		t.Errorf("429: want retryable after %s, got %v (retry after %s)", wantRetryAfter, errs[1], retryAfter(errs[1]))
	}
	if errs[2] == nil || IsPermanent(errs[2]) {
		t.Errorf("5xx: want retryable, got %v", errs[2])
	}
	if errs[3] == nil || !IsPermanent(errs[3]) {
		t.Errorf("4xx: want permanent, got %v", errs[3])
	}
	for _, err := range errs {
		if err == nil {
			continue
		}
		for _, s := range secrets {
			if s != "" && containsFold(err.Error(), s) {
				t.Errorf("error quotes a secret: %v", err)
			}
		}
	}
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// TestChannelsRenderEveryEventType: every event kind, EE rounds and
// corrections included, lays out in each new target without losing its
// title or breaking a limit.
func TestChannelsRenderEveryEventType(t *testing.T) {
	ee := round434()
	news := newsEvent()
	events := map[string]drawwatch.Event{
		"new":         hcpFeb6Event(),
		"changed":     changedEvent(),
		"news":        news,
		"ee round":    {Type: drawwatch.EventNew, Announcement: &ee},
		"ops":         {Type: drawwatch.EventOps, Source: "updates", Message: "3 fetches failed: HTTP 503", DetectedAt: time.Date(2024, 2, 6, 15, 0, 0, 0, time.UTC)},
		"recovery":    {Type: drawwatch.EventRecovery, Source: "updates", Message: "reads normally"},
		"warning":     {Type: drawwatch.EventWarning, Source: "ita", Message: "a table row is no draw"},
		"dead_alerts": {Type: drawwatch.EventDeadAlerts, Target: "office", Message: "HTTP 404"},
		"summary":     {Type: drawwatch.EventSummary, Message: "312 new announcements on https://www.ontario.ca/page/x: see the status page"},
		"test":        {Type: drawwatch.EventTest, Message: "drawwatch test message"},
		"digest": {Type: drawwatch.EventDigest, DetectedAt: time.Date(2026, 6, 11, 12, 0, 0, 0, time.UTC),
			Digest: []drawwatch.Event{news, hcpFeb6Event()}},
	}
	for name, ev := range events {
		t.Run(name, func(t *testing.T) {
			a := drawwatch.Alert{ID: 1, Target: "x", Event: ev}
			d := renderDoc(a, nil, time.UTC)
			subject := cleanHeader(d.subject)
			if subject == "" {
				t.Fatal("no subject")
			}
			card, err := TeamsPayload(d)
			if err != nil || len(card) > maxTeamsBytes || !strings.Contains(string(card), `"AdaptiveCard"`) {
				t.Errorf("teams: %d bytes, %v", len(card), err)
			}
			msgs := TelegramMessages(d)
			if len(msgs) == 0 || strings.TrimSpace(msgs[0]) == "" {
				t.Errorf("telegram: %q", msgs)
			}
			embed := DiscordPayload(d)["embeds"].([]any)[0].(map[string]any)
			if embed["title"] == "" {
				t.Errorf("discord: no title: %v", embed)
			}
			if ev.Type == drawwatch.EventDigest {
				held := news.Announcement.Title
				if !strings.Contains(string(card), held) || !strings.Contains(strings.Join(msgs, "\n"), held) ||
					!strings.Contains(fmt.Sprint(embed["description"]), held) {
					t.Errorf("digest: a target lacks the held item %q", held)
				}
			}
			body, err := marshalJSON(NewWebhookPayload(a, time.UTC))
			if err != nil || !strings.Contains(string(body), `"event":"`+string(ev.Type)+`"`) {
				t.Errorf("webhook: %v %s", err, firstBytes(body, 200))
			}
		})
	}
}
