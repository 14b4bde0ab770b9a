package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/drawwatch/drawwatch"
)

// WebhookVersion is the version of the webhook body (WebhookPayload). It
// changes only when a field is removed or changes meaning; new fields may
// appear within a version.
const WebhookVersion = 1

// Webhook headers. The signature is "sha256=" + hex HMAC-SHA256 of
// timestamp + "." + body under the shared secret.
const (
	HeaderTimestamp   = "X-Drawwatch-Timestamp"
	HeaderSignature   = "X-Drawwatch-Signature"
	HeaderIdempotency = "Idempotency-Key"
)

// WebhookPayload is the JSON body a generic webhook receives, documented in
// the README. Draws carry the same snake_case fields as `draws --json`.
type WebhookPayload struct {
	Version int `json:"version"`
	// ID is the alert's idempotency key (also the Idempotency-Key header):
	// the same on every retry of one alert.
	ID         string    `json:"id"`
	Event      string    `json:"event"` // new, changed, news, ops, recovery, warning, dead_alerts, summary, test
	Target     string    `json:"target"`
	DetectedAt time.Time `json:"detected_at"`
	Subject    string    `json:"subject"`
	Text       string    `json:"text"` // the alert as plain text
	// Announcement is the announcement the event is about (null for ops events).
	Announcement *WebhookAnnouncement `json:"announcement"`
	Draws        []drawwatch.Draw     `json:"draws"`
	// Previous holds, per draw (same index), the previous draw of its stream, or null.
	Previous []*drawwatch.Draw `json:"previous"`
	Changes  []WebhookChange   `json:"changes"`
	// Clients are the roster clients matched, only when the roster is on
	// and the route lets this target see them.
	Clients *drawwatch.ClientMatches `json:"clients,omitempty"`
	Source  string                   `json:"source,omitempty"`
	Message string                   `json:"message,omitempty"`
}

// WebhookAnnouncement is the announcement part of a webhook body.
type WebhookAnnouncement struct {
	ID               string         `json:"id"`
	Title            string         `json:"title"`
	Kind             drawwatch.Kind `json:"kind"`
	Posted           string         `json:"posted"`
	SourceURL        string         `json:"source_url"`
	InvitationsTotal *int           `json:"invitations_total"`
	Unparsed         []string       `json:"unparsed"`
}

// WebhookChange is one corrected field, with the line alerts show for it.
type WebhookChange struct {
	Field   string `json:"field"`
	Old     string `json:"old"`
	New     string `json:"new"`
	Summary string `json:"summary"` // in words: "Health occupations — Score: CRS 379–430 → CRS 385–430"
}

// WebhookConfig configures one generic webhook target. Secret signs every
// request; URL may itself hold a token and is treated as a secret.
type WebhookConfig struct {
	Name    string
	URL     string
	Secret  string
	Timeout time.Duration
}

// Webhook posts signed JSON alerts to an integration (a CRM, Zapier, n8n).
type Webhook struct {
	cfg  WebhookConfig
	post poster
	now  func() time.Time
	zone *time.Location
}

// WebhookOption changes a Webhook notifier.
type WebhookOption func(*Webhook)

// WithWebhookClock sets the clock the timestamp header is read from.
func WithWebhookClock(now func() time.Time) WebhookOption {
	return func(w *Webhook) { w.now = now }
}

// WithWebhookZone sets the zone of times in the body's text (default UTC).
func WithWebhookZone(loc *time.Location) WebhookOption {
	return func(w *Webhook) {
		if loc != nil {
			w.zone = loc
		}
	}
}

// NewWebhook checks cfg and returns a webhook notifier. Errors never quote
// the URL or the secret.
func NewWebhook(cfg WebhookConfig, opts ...WebhookOption) (*Webhook, error) {
	u, err := checkTargetURL("webhook", cfg.Name, "url", cfg.URL)
	if err != nil {
		return nil, err
	}
	if len(cfg.Secret) < 16 {
		return nil, fmt.Errorf("webhook target %s: the secret must be at least 16 characters (e.g. `openssl rand -hex 32`)", cfg.Name)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	w := &Webhook{cfg: cfg, now: time.Now, zone: time.UTC,
		post: poster{target: cfg.Name, client: &http.Client{Timeout: cfg.Timeout},
			secrets: append(urlSecrets(cfg.URL, u), cfg.Secret)}}
	for _, o := range opts {
		o(w)
	}
	return w, nil
}

// Name is the target name alerts are queued under.
func (w *Webhook) Name() string { return w.cfg.Name }

// Send posts one alert, signed with a fresh timestamp; the idempotency key
// stays the same on every attempt. Any 2xx is delivered.
func (w *Webhook) Send(ctx context.Context, a drawwatch.Alert) (string, error) {
	p := NewWebhookPayload(a, w.zone)
	body, err := marshalJSON(p)
	if err != nil {
		return "", &SendError{Target: w.cfg.Name, Permanent: true, Err: err}
	}
	ts := strconv.FormatInt(w.now().Unix(), 10)
	h := http.Header{}
	h.Set(HeaderTimestamp, ts)
	h.Set(HeaderSignature, SignWebhook([]byte(w.cfg.Secret), ts, body))
	h.Set(HeaderIdempotency, p.ID)
	ans, err := w.post.postJSON(ctx, w.cfg.URL, h, body)
	if err != nil {
		return "", err
	}
	if err := w.post.classify(ans, 0, string(firstBytes(ans.body, 200))); err != nil {
		return "", err
	}
	return p.ID, nil
}

// SignWebhook is the X-Drawwatch-Signature value for body sent at ts (unix
// seconds as a decimal string).
func SignWebhook(secret []byte, ts string, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(ts))
	mac.Write([]byte("."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// IdempotencyKey is stable for one alert on one target across retries and
// restarts (it is derived from the outbox row), and differs between alerts.
func IdempotencyKey(a drawwatch.Alert) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s|%d|%d", a.Target, a.ID, a.CreatedAt.UnixNano())))
	return "dw-" + hex.EncodeToString(sum[:16])
}

// NewWebhookPayload is the body a webhook receives for a.
func NewWebhookPayload(a drawwatch.Alert, zone *time.Location) WebhookPayload {
	ev := a.Event
	msg := RenderIn(a, nil, zone)
	p := WebhookPayload{
		Version: WebhookVersion, ID: IdempotencyKey(a), Event: string(ev.Type), Target: a.Target,
		DetectedAt: ev.DetectedAt.UTC(), Subject: msg.Subject, Text: msg.Text,
		Draws: []drawwatch.Draw{}, Previous: []*drawwatch.Draw{}, Changes: []WebhookChange{},
		Source: ev.Source, Message: ev.Message,
	}
	if an := ev.Announcement; an != nil {
		p.Announcement = &WebhookAnnouncement{ID: an.ID, Title: an.Title, Kind: an.Kind, Posted: an.Posted,
			SourceURL: an.SourceURL, InvitationsTotal: an.InvitationsTotal, Unparsed: an.Unparsed}
		if p.Announcement.Unparsed == nil {
			p.Announcement.Unparsed = []string{}
		}
		p.Draws = append(p.Draws, an.Draws...)
		for i := range an.Draws {
			var prev *drawwatch.Draw
			if i < len(ev.Previous) {
				prev = ev.Previous[i]
			}
			p.Previous = append(p.Previous, prev)
		}
	}
	for _, fc := range ev.Fields {
		p.Changes = append(p.Changes, WebhookChange{Field: fc.Field, Old: fc.Old, New: fc.New,
			Summary: ChangeLine(ev.Announcement, fc)})
	}
	if (ev.Type == drawwatch.EventNew || ev.Type == drawwatch.EventChanged) && !a.Clients.Empty() {
		p.Clients = a.Clients
	}
	return p
}

func firstBytes(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}
