package notify

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch"
)

const testWebhookSecret = "s3cret-s3cret-s3cret-0123456789"

// verifyWebhook is what a receiver does (the README shows the same steps):
// recompute the HMAC over timestamp + "." + body, compare in constant
// time, and refuse a timestamp more than tolerance away from its clock.
func verifyWebhook(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	ts := h.Get("X-Drawwatch-Timestamp")
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errors.New("no timestamp")
	}
	if d := now.Sub(time.Unix(secs, 0)); d > tolerance || d < -tolerance {
		return errors.New("timestamp outside the window: replayed or clock skew")
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(want), []byte(h.Get("X-Drawwatch-Signature"))) {
		return errors.New("bad signature")
	}
	return nil
}

func TestWebhookRequestAndClassification(t *testing.T) {
	clock := time.Date(2024, 2, 6, 15, 5, 0, 0, time.UTC)
	target, srv := newStandIn(t,
		reply{status: 200, body: `{"ok":true}`},
		reply{status: 429, header: map[string]string{"Retry-After": "7"}},
		reply{status: 503},
		reply{status: 400, body: `{"error":"unknown field"}`},
	)
	target.check = func(r seenRequest) (int, string) {
		if err := verifyWebhook(testWebhookSecret, r.header, r.body, clock, 5*time.Minute); err != nil {
			return http.StatusUnauthorized, err.Error()
		}
		return 0, ""
	}
	hookURL := srv.URL + "/hooks/crm-token-abcdef"
	w, err := NewWebhook(WebhookConfig{Name: "crm", URL: hookURL, Secret: testWebhookSecret},
		WithWebhookClock(func() time.Time { return clock }))
	if err != nil {
		t.Fatal(err)
	}
	a := hostileAlert("crm")
	errs := sendInTurn(t, w, a, 4)
	checkClassified(t, errs, 7*time.Second, "crm-token-abcdef", testWebhookSecret)

	reqs := target.requests()
	if len(reqs) != 4 {
		t.Fatalf("%d requests, want 4", len(reqs))
	}
	for i, r := range reqs {
		if r.method != http.MethodPost || r.path != "/hooks/crm-token-abcdef" || r.header.Get("Content-Type") != "application/json" {
			t.Errorf("request %d: %s %s %q", i, r.method, r.path, r.header.Get("Content-Type"))
		}
		if got := r.header.Get("Idempotency-Key"); got != reqs[0].header.Get("Idempotency-Key") || got == "" {
			t.Errorf("request %d: Idempotency-Key %q differs from the first attempt's %q", i, got, reqs[0].header.Get("Idempotency-Key"))
		}
	}
	checkWebhookBody(t, reqs[0].body, a)

	other := hostileAlert("crm")
	other.ID = 42
	if IdempotencyKey(other) == IdempotencyKey(a) {
		t.Error("two alerts share an idempotency key")
	}
}

// checkWebhookBody checks the documented version 1 shape: snake_case keys,
// the draw as `draws --json` prints it, page text kept as data but inert.
func checkWebhookBody(t *testing.T, body []byte, a drawwatch.Alert) {
	t.Helper()
	for _, raw := range []string{"<script>", "<!channel>", "<@123456>", "\r"} {
		if bytes.Contains(body, []byte(raw)) {
			t.Errorf("raw body carries %q unescaped", raw)
		}
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		t.Fatalf("body is not JSON: %v", err)
	}
	var keys []string
	for k := range top {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"announcement", "changes", "detected_at", "draws", "event", "id", "previous", "subject", "target", "text", "version"}
	if !slices.Equal(keys, want) {
		t.Errorf("top-level keys %v, want %v", keys, want)
	}
	var p WebhookPayload
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	if p.Version != 1 || p.Event != "new" || p.Target != "crm" || p.ID != IdempotencyKey(a) {
		t.Errorf("version %d event %q target %q id %q", p.Version, p.Event, p.Target, p.ID)
	}
	if p.Announcement == nil || p.Announcement.Title != hostileTitle {
		t.Errorf("announcement title not kept as data: %+v", p.Announcement)
	}
	if strings.ContainsAny(p.Subject, "\r\n") {
		t.Errorf("subject carries CR/LF: %q", p.Subject)
	}
	// The draw is exactly drawwatch.Draw's JSON (what `draws --json` prints).
	var draws []map[string]json.RawMessage
	if err := json.Unmarshal(top["draws"], &draws); err != nil || len(draws) != 1 {
		t.Fatalf("draws: %v %s", err, top["draws"])
	}
	wantDraw, _ := json.Marshal(a.Event.Announcement.Draws[0])
	var wantKeys map[string]json.RawMessage
	json.Unmarshal(wantDraw, &wantKeys)
	for k, v := range wantKeys {
		if !bytes.Equal(draws[0][k], v) {
			t.Errorf("draw %s = %s, want %s", k, draws[0][k], v)
		}
	}
	if len(draws[0]) != len(wantKeys) || string(draws[0]["score_min"]) != "379" || len(p.Draws[0].NOCs) != 43 {
		t.Errorf("draw keys %d want %d; score_min %s; nocs %d", len(draws[0]), len(wantKeys), draws[0]["score_min"], len(p.Draws[0].NOCs))
	}
	if len(p.Previous) != 1 || p.Previous[0] == nil || p.Previous[0].Date != "2023-09-26" {
		t.Errorf("previous: %+v", p.Previous)
	}
}

// TestWebhookReceiverRejectsTamperAndReplay: a receiver following the
// README accepts the request as sent, and refuses the same request with
// its body changed, signed with another secret, or replayed later.
func TestWebhookReceiverRejectsTamperAndReplay(t *testing.T) {
	clock := time.Date(2024, 2, 6, 15, 5, 0, 0, time.UTC)
	target, srv := newStandIn(t, reply{status: 204})
	w, err := NewWebhook(WebhookConfig{Name: "crm", URL: srv.URL, Secret: testWebhookSecret},
		WithWebhookClock(func() time.Time { return clock }))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Send(t.Context(), hcpAlert("crm", 7)); err != nil {
		t.Fatalf("204 is delivered: %v", err)
	}
	got := target.requests()[0]
	tampered := bytes.Replace(got.body, []byte(`"score_min":379`), []byte(`"score_min":300`), 1)
	if bytes.Equal(tampered, got.body) {
		t.Fatal("test did not change the body")
	}
	cases := []struct {
		name    string
		body    []byte
		secret  string
		at      time.Time
		wantErr bool
	}{
		{"as sent", got.body, testWebhookSecret, clock.Add(2 * time.Second), false},
		{"tampered body", tampered, testWebhookSecret, clock, true},
		{"another secret", got.body, "not-the-secret-0123456789", clock, true},
		{"replayed 10 minutes later", got.body, testWebhookSecret, clock.Add(10 * time.Minute), true},
		{"timestamp from the future", got.body, testWebhookSecret, clock.Add(-10 * time.Minute), true},
	}
	for _, c := range cases {
		err := verifyWebhook(c.secret, got.header, c.body, c.at, 5*time.Minute)
		if (err != nil) != c.wantErr {
			t.Errorf("%s: verify error %v, want error %v", c.name, err, c.wantErr)
		}
	}
	if sig := SignWebhook([]byte(testWebhookSecret), got.header.Get(HeaderTimestamp), got.body); sig != got.header.Get(HeaderSignature) {
		t.Errorf("SignWebhook %s disagrees with the header %s", sig, got.header.Get(HeaderSignature))
	}
}

func TestWebhookClientsOnlyWhenGiven(t *testing.T) {
	a := hcpAlert("crm", 9)
	if p := NewWebhookPayload(a, time.UTC); p.Clients != nil {
		t.Errorf("clients without a roster: %+v", p.Clients)
	}
	a.Clients = &drawwatch.ClientMatches{Matches: []drawwatch.ClientMatch{{ClientID: "A-102", Label: "Priya", NOC: "31301", Owner: "ops"}}}
	body, err := json.Marshal(NewWebhookPayload(a, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(body, []byte(`"clients":{"matches":[{"client_id":"A-102","label":"Priya","noc":"31301"`)) || bytes.Contains(body, []byte("ops")) {
		t.Errorf("clients part: %s", body)
	}
	ch := drawwatch.Alert{ID: 10, Target: "crm", Event: changedEvent()}
	p := NewWebhookPayload(ch, time.UTC)
	if len(p.Changes) != 4 || p.Changes[0].Field != "2024-02-06|hcp|health-occupations.score_min" || !strings.Contains(p.Changes[0].Summary, "379") {
		t.Errorf("changes: %+v", p.Changes)
	}
}

func TestNewWebhookRejectsBadConfig(t *testing.T) {
	for _, c := range []WebhookConfig{
		{Name: "a", URL: "ftp://x/secret-path", Secret: testWebhookSecret},
		{Name: "a", URL: "https://x.example/secret-path", Secret: "short"},
	} {
		_, err := NewWebhook(c)
		if err == nil || strings.Contains(err.Error(), "secret-path") || strings.Contains(err.Error(), "short") {
			t.Errorf("%+v: %v", c, err)
		}
	}
}
