package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/slack-go/slack"
)

const (
	testToken   = "xoxb-1234-5678-SECRETTOKEN"
	webhookPath = "/services/T000/B000/HOOKSECRET42"
)

// slackReply is one scripted answer of the fake Slack.
type slackReply struct {
	status     int
	retryAfter string
	body       string
}

// slackRequest is what the fake Slack received, decoded.
type slackRequest struct {
	path    string
	auth    string
	ctype   string
	form    url.Values           // chat.postMessage
	webhook slack.WebhookMessage // webhook JSON
	raw     string
	at      time.Time
}

// fakeSlack stands in for both an incoming webhook and slack.com/api/.
type fakeSlack struct {
	t      testing.TB
	srv    *httptest.Server
	mu     sync.Mutex
	script []slackReply
	reqs   []slackRequest
	got    chan time.Time
}

func newFakeSlack(t testing.TB, script ...slackReply) *fakeSlack {
	f := &fakeSlack{t: t, script: script, got: make(chan time.Time, 1000)}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSlack) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	req := slackRequest{path: r.URL.Path, auth: r.Header.Get("Authorization"), ctype: r.Header.Get("Content-Type"), raw: string(raw), at: time.Now()}
	switch {
	case r.URL.Path == webhookPath:
		if err := json.Unmarshal(raw, &req.webhook); err != nil {
			f.t.Errorf("webhook body is not JSON: %v", err)
		}
	case r.URL.Path == "/api/chat.postMessage":
		form, err := url.ParseQuery(string(raw))
		if err != nil {
			f.t.Errorf("chat.postMessage body is not a form: %v", err)
		}
		req.form = form
	default:
		http.NotFound(w, r)
		return
	}
	f.mu.Lock()
	f.reqs = append(f.reqs, req)
	reply := slackReply{status: 200}
	if len(f.script) > 0 {
		reply, f.script = f.script[0], f.script[1:]
	}
	f.mu.Unlock()
	if reply.retryAfter != "" {
		w.Header().Set("Retry-After", reply.retryAfter)
	}
	if reply.body == "" && strings.HasPrefix(r.URL.Path, "/api/") {
		reply.body = `{"ok":true,"channel":"C0HEALTH","ts":"1707235440.000100"}`
	}
	if reply.body == "" {
		reply.body = "ok"
	}
	w.WriteHeader(reply.status)
	_, _ = io.WriteString(w, reply.body)
	if reply.status == 200 {
		f.got <- req.at
	}
}

func (f *fakeSlack) requests() []slackRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.reqs)
}

func (f *fakeSlack) webhook(t *testing.T) *Slack {
	t.Helper()
	s, err := NewSlack(SlackConfig{Name: "health-slack", WebhookURL: f.srv.URL + webhookPath, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (f *fakeSlack) bot(t *testing.T) *Slack {
	t.Helper()
	s, err := NewSlack(SlackConfig{Name: "health-bot", Token: testToken, Channel: "C0HEALTH", APIURL: f.srv.URL + "/api/", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSlackWebhookRequest(t *testing.T) {
	f := newFakeSlack(t)
	s := f.webhook(t)
	a := drawwatch.Alert{ID: 7, Target: "health-slack", Event: hcpFeb6Event(), ThreadRef: "1707235440.000100"}
	ref, err := s.Send(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	if ref != "" {
		t.Errorf("webhook ref %q, want empty (webhooks return no ts)", ref)
	}
	reqs := f.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	got := reqs[0]
	if got.ctype != "application/json" || got.webhook.ThreadTimestamp != "" {
		t.Errorf("content type %q, thread_ts %q", got.ctype, got.webhook.ThreadTimestamp)
	}
	want := Render(a, nil)
	if got.webhook.Blocks == nil || len(got.webhook.Blocks.BlockSet) != len(want.Blocks) {
		t.Fatalf("blocks = %+v, want %d", got.webhook.Blocks, len(want.Blocks))
	}
	if !strings.Contains(got.raw, "CRS 379–430") || !strings.Contains(got.webhook.Text, "NOIs issued: 2,086") {
		t.Errorf("request lacks the draw facts: %s", got.raw)
	}
}

func TestSlackBotRequest(t *testing.T) {
	f := newFakeSlack(t)
	s := f.bot(t)
	tests := []struct {
		name   string
		alert  drawwatch.Alert
		thread string
	}{
		{"new", drawwatch.Alert{ID: 1, Target: "health-bot", Event: hcpFeb6Event()}, ""},
		{"changed threads under the first message", drawwatch.Alert{ID: 2, Target: "health-bot", Event: changedEvent(), ThreadRef: "1707235440.000100"}, "1707235440.000100"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ref, err := s.Send(context.Background(), tt.alert)
			if err != nil {
				t.Fatal(err)
			}
			if ref != "1707235440.000100" {
				t.Errorf("ref %q, want the message ts", ref)
			}
			got := f.requests()[i]
			if got.auth != "Bearer "+testToken {
				t.Errorf("Authorization = %q, want the bot token as Bearer", got.auth)
			}
			if got.form.Has("token") || strings.Contains(got.raw, testToken) {
				t.Error("token sent in the request body")
			}
			if got.form.Get("channel") != "C0HEALTH" || got.form.Get("thread_ts") != tt.thread {
				t.Errorf("channel %q thread_ts %q", got.form.Get("channel"), got.form.Get("thread_ts"))
			}
			// A threaded correction is also shown in the channel; a new alert
			// is a plain channel message.
			if wantBroadcast := tt.thread != ""; (got.form.Get("reply_broadcast") == "true") != wantBroadcast {
				t.Errorf("reply_broadcast %q, want broadcast %v", got.form.Get("reply_broadcast"), wantBroadcast)
			}
			var blocks slack.Blocks
			if err := json.Unmarshal([]byte(got.form.Get("blocks")), &blocks); err != nil {
				t.Fatalf("blocks field: %v", err)
			}
			if len(blocks.BlockSet) != len(Render(tt.alert, nil).Blocks) || got.form.Get("text") == "" {
				t.Errorf("%d blocks, text %q", len(blocks.BlockSet), got.form.Get("text"))
			}
		})
	}
}

func TestSlackErrors(t *testing.T) {
	tests := []struct {
		name       string
		bot        bool
		reply      slackReply
		permanent  bool
		retryAfter time.Duration
	}{
		{"webhook 404", false, slackReply{status: 404, body: "no_service"}, true, 0},
		{"webhook 403", false, slackReply{status: 403, body: "invalid_token"}, true, 0},
		{"webhook 500", false, slackReply{status: 500}, false, 0},
		{"webhook 429 with Retry-After", false, slackReply{status: 429, retryAfter: "7"}, false, 7 * time.Second},
		{"webhook 429 without Retry-After", false, slackReply{status: 429}, false, 0},
		{"bot invalid_auth", true, slackReply{status: 200, body: `{"ok":false,"error":"invalid_auth"}`}, true, 0},
		{"bot channel_not_found", true, slackReply{status: 200, body: `{"ok":false,"error":"channel_not_found"}`}, true, 0},
		{"bot internal_error", true, slackReply{status: 200, body: `{"ok":false,"error":"internal_error"}`}, false, 0},
		{"bot 503", true, slackReply{status: 503}, false, 0},
		{"bot 429", true, slackReply{status: 429, retryAfter: "2"}, false, 2 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeSlack(t, tt.reply)
			s := f.webhook(t)
			if tt.bot {
				s = f.bot(t)
			}
			_, err := s.Send(context.Background(), drawwatch.Alert{ID: 1, Target: s.Name(), Event: newsEvent()})
			var se *SendError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want *SendError", err)
			}
			if se.Permanent != tt.permanent || IsPermanent(err) != tt.permanent || se.RetryAfter != tt.retryAfter {
				t.Errorf("permanent %v retryAfter %v, want %v %v (%v)", se.Permanent, se.RetryAfter, tt.permanent, tt.retryAfter, err)
			}
			if se.Target != s.Name() {
				t.Errorf("target %q", se.Target)
			}
			assertNoSecret(t, err.Error())
		})
	}
}

func assertNoSecret(t *testing.T, s string) {
	t.Helper()
	for _, secret := range []string{testToken, "HOOKSECRET42", webhookPath, smtpPassword} {
		if strings.Contains(s, secret) {
			t.Errorf("secret %q leaked in %q", secret, s)
		}
	}
}

// TestSlackPermanentThroughDispatcher: a permanent answer is tried once,
// marked dead and logged once.
func TestSlackPermanentThroughDispatcher(t *testing.T) {
	for _, reply := range []slackReply{
		{status: 200, body: `{"ok":false,"error":"invalid_auth"}`},
		{status: 200, body: `{"ok":false,"error":"channel_not_found"}`},
		{status: 404, body: "no_service"},
	} {
		f := newFakeSlack(t, reply, reply, reply)
		s := f.bot(t)
		if reply.status == 404 {
			s = f.webhook(t)
		}
		ob := newFakeOutbox()
		id := ob.add(drawwatch.Alert{Target: s.Name(), Event: hcpFeb6Event()})
		var logs bytes.Buffer
		d := NewDispatcher(ob, []Notifier{s}, WithLogger(slog.New(slog.NewTextHandler(&logs, nil))), WithSleep((&fakeSleep{}).sleep))
		for range 3 {
			if _, _, err := d.Drain(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		if n := len(f.requests()); n != 1 {
			t.Errorf("%s: %d requests, want 1 (not retried)", reply.body, n)
		}
		if a := ob.get(id); a.Status != drawwatch.AlertDead || !strings.Contains(a.LastError, "permanent") {
			t.Errorf("%s: alert %s %q, want dead", reply.body, a.Status, a.LastError)
		}
		if n := strings.Count(logs.String(), "alert dead"); n != 1 {
			t.Errorf("%s: logged %d times, want once:\n%s", reply.body, n, logs.String())
		}
		assertNoSecret(t, logs.String())
	}
}

// TestSlackRetryAfterHonoured waits for real: a 429 with Retry-After: 2
// then 200 delivers once, no sooner than 2s after the 429.
func TestSlackRetryAfterHonoured(t *testing.T) {
	f := newFakeSlack(t, slackReply{status: 429, retryAfter: "2"})
	s := f.webhook(t)
	ob := newFakeOutbox()
	id := ob.add(drawwatch.Alert{Target: s.Name(), Event: newsEvent()})
	d := NewDispatcher(ob, []Notifier{s}, WithLogger(quietLogger()))
	sent, _, err := d.Drain(context.Background())
	if err != nil || sent != 1 {
		t.Fatalf("sent %d, err %v", sent, err)
	}
	reqs := f.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	if gap := reqs[1].at.Sub(reqs[0].at); gap < 2*time.Second {
		t.Errorf("retried after %v, Retry-After said 2s", gap)
	}
	if a := ob.get(id); a.Status != drawwatch.AlertSent {
		t.Errorf("status %s", a.Status)
	}
}

func TestSlack500ThenOK(t *testing.T) {
	f := newFakeSlack(t, slackReply{status: 500}, slackReply{status: 500}, slackReply{status: 500})
	s := f.bot(t)
	ob := newFakeOutbox()
	id := ob.add(drawwatch.Alert{Target: s.Name(), Event: hcpFeb6Event()})
	var fs fakeSleep
	d := NewDispatcher(ob, []Notifier{s}, WithLogger(quietLogger()), WithSleep(fs.sleep))
	sent, _, err := d.Drain(context.Background())
	if err != nil || sent != 1 {
		t.Fatalf("sent %d, err %v", sent, err)
	}
	if n := len(f.requests()); n != 4 {
		t.Errorf("%d requests, want 4", n)
	}
	if a := ob.get(id); a.Status != drawwatch.AlertSent || ob.refs[id] != "1707235440.000100" {
		t.Errorf("status %s ref %q", a.Status, ob.refs[id])
	}
	if len(fs.waits) != 3 {
		t.Errorf("waits %v, want 3", fs.waits)
	}
}

// TestSlackSecretsRedacted: connection errors quote the request URL;
// neither the error nor the logs may carry the webhook URL or the token.
func TestSlackSecretsRedacted(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	hook, err := NewSlack(SlackConfig{Name: "hook", WebhookURL: closed + webhookPath, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	bot, err := NewSlack(SlackConfig{Name: "bot", Token: testToken, Channel: "C1", APIURL: closed + "/api", Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*Slack{hook, bot} {
		ob := newFakeOutbox()
		id := ob.add(drawwatch.Alert{Target: s.Name(), Event: newsEvent()})
		var logs bytes.Buffer
		d := NewDispatcher(ob, []Notifier{s}, WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
			WithSleep((&fakeSleep{}).sleep))
		if _, _, err := d.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		a := ob.get(id)
		if a.Status != drawwatch.AlertPending || a.LastError == "" {
			t.Errorf("%s: connection refused should be retryable: %+v", s.Name(), a)
		}
		assertNoSecret(t, a.LastError)
		assertNoSecret(t, logs.String())
		if !strings.Contains(a.LastError, "connect") && !strings.Contains(a.LastError, "refused") {
			t.Errorf("%s: error lost its cause: %q", s.Name(), a.LastError)
		}
	}
	// Config errors must not quote the URL either.
	_, err = NewSlack(SlackConfig{Name: "x", WebhookURL: "ftp://hooks.example/HOOKSECRET42"})
	if err == nil {
		t.Fatal("ftp webhook accepted")
	}
	assertNoSecret(t, err.Error())
}

func TestNewSlackConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  SlackConfig
		want string
	}{
		{"both", SlackConfig{Name: "a", WebhookURL: "https://hooks.slack.com/x", Token: "t", Channel: "c"}, "keep exactly one"},
		{"none", SlackConfig{Name: "a"}, "set webhook_url"},
		{"token without channel", SlackConfig{Name: "a", Token: "xoxb-1"}, "needs both token and channel"},
	}
	for _, tt := range tests {
		if _, err := NewSlack(tt.cfg); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
}

// TestSlackInjectionOnTheWire sends a hostile title through a real request.
func TestSlackInjectionOnTheWire(t *testing.T) {
	f := newFakeSlack(t)
	an := hcpFeb6()
	an.Title = "<!channel> <https://evil|click>"
	_, err := f.webhook(t).Send(context.Background(), drawwatch.Alert{Event: drawwatch.Event{Type: drawwatch.EventNew, Announcement: &an}})
	if err != nil {
		t.Fatal(err)
	}
	var body any
	if err := json.Unmarshal([]byte(f.requests()[0].raw), &body); err != nil {
		t.Fatal(err)
	}
	var texts []string
	collectStrings(body, &texts)
	for _, s := range texts {
		if strings.Contains(s, "<!channel>") || strings.Contains(s, "<https://evil") {
			t.Errorf("active mrkdwn reached Slack: %q", s)
		}
	}
	if !strings.Contains(strings.Join(texts, "\n"), "&lt;!channel&gt; &lt;https://evil|click&gt;") {
		t.Error("escaped title missing")
	}
}

func collectStrings(v any, out *[]string) {
	switch v := v.(type) {
	case string:
		*out = append(*out, v)
	case []any:
		for _, x := range v {
			collectStrings(x, out)
		}
	case map[string]any:
		for _, x := range v {
			collectStrings(x, out)
		}
	}
}

// deliveryLatency enqueues one due alert and measures from Drain's start
// to the request reaching the local Slack server.
func deliveryLatency(t testing.TB, f *fakeSlack, d *Dispatcher, ob *fakeOutbox, s *Slack) time.Duration {
	ob.add(drawwatch.Alert{Target: s.Name(), Event: hcpFeb6Event()})
	start := time.Now()
	if sent, _, err := d.Drain(context.Background()); err != nil || sent != 1 {
		t.Fatalf("sent %d, err %v", sent, err)
	}
	return (<-f.got).Sub(start)
}

func BenchmarkDeliverySlack(b *testing.B) {
	f := newFakeSlack(b)
	s, err := NewSlack(SlackConfig{Name: "bench", WebhookURL: f.srv.URL + webhookPath})
	if err != nil {
		b.Fatal(err)
	}
	ob := newFakeOutbox()
	d := NewDispatcher(ob, []Notifier{s}, WithLogger(quietLogger()))
	var total time.Duration
	for b.Loop() {
		total += deliveryLatency(b, f, d, ob, s)
	}
	b.ReportMetric(float64(total.Microseconds())/float64(b.N), "µs-to-request/op")
}

// TestDeliveryLatency measures 100 deliveries (due -> request at the local
// Slack server) and logs the median and the worst; run with -v to see them.
func TestDeliveryLatency(t *testing.T) {
	f := newFakeSlack(t)
	s := f.webhook(t)
	ob := newFakeOutbox()
	d := NewDispatcher(ob, []Notifier{s}, WithLogger(quietLogger()))
	lat := make([]time.Duration, 100)
	for i := range lat {
		lat[i] = deliveryLatency(t, f, d, ob, s)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	t.Logf("Slack delivery latency over %d alerts: median %v, worst %v", len(lat), lat[len(lat)/2], lat[len(lat)-1])
	if n := len(f.requests()); n != 100 {
		t.Errorf("%d requests, want 100", n)
	}
}
