package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/drawwatch/drawwatch"
	"github.com/slack-go/slack"
)

// SlackConfig configures one Slack target: either an incoming webhook
// (WebhookURL) or a bot token posting with chat.postMessage (Token and
// Channel). APIURL overrides https://slack.com/api/ (tests pass an
// httptest URL + "/api/"). Timeout bounds one request; default 10s.
type SlackConfig struct {
	Name       string
	WebhookURL string
	Token      string
	Channel    string
	APIURL     string
	Timeout    time.Duration
}

// Highlighter returns the NOC filters to list first for an alert, usually
// Router.HighlightFor.
type Highlighter func(a drawwatch.Alert) []string

// SlackOption changes a Slack notifier.
type SlackOption func(*Slack)

// WithSlackHTTPClient replaces the HTTP client (its Timeout is kept as is).
func WithSlackHTTPClient(c *http.Client) SlackOption {
	return func(s *Slack) { s.client = c }
}

// WithSlackHighlight sets how the NOC codes to list first are chosen.
func WithSlackHighlight(h Highlighter) SlackOption {
	return func(s *Slack) { s.highlight = h }
}

// WithSlackZone sets the time zone alerts show times in (default UTC).
func WithSlackZone(loc *time.Location) SlackOption {
	return func(s *Slack) {
		if loc != nil {
			s.zone = loc
		}
	}
}

// Slack posts alerts to one Slack channel.
type Slack struct {
	name      string
	cfg       SlackConfig
	client    *http.Client
	api       *slack.Client
	highlight Highlighter
	zone      *time.Location
	secrets   redactor
}

// maxFallbackRunes caps the top-level text: with blocks present Slack uses
// it only for notifications, and it must stay under Slack's 40,000 limit.
const maxFallbackRunes = 3000

// NewSlack checks cfg and returns a Slack notifier. Exactly one of
// WebhookURL or Token+Channel must be set. Errors never quote the webhook
// URL or the token.
func NewSlack(cfg SlackConfig, opts ...SlackOption) (*Slack, error) {
	name := cfg.Name
	if name == "" {
		name = "slack"
	}
	hasHook := cfg.WebhookURL != ""
	hasBot := cfg.Token != "" || cfg.Channel != ""
	switch {
	case hasHook && hasBot:
		return nil, fmt.Errorf("slack target %s: both webhook_url and token/channel are set: keep exactly one", name)
	case !hasHook && !hasBot:
		return nil, fmt.Errorf("slack target %s: set webhook_url, or token and channel", name)
	case hasBot && (cfg.Token == "" || cfg.Channel == ""):
		return nil, fmt.Errorf("slack target %s: a bot token needs both token and channel", name)
	}
	secrets := redactor{cfg.Token}
	if hasHook {
		u, err := url.Parse(cfg.WebhookURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			// The URL is the secret: say what is wrong without quoting it.
			return nil, fmt.Errorf("slack target %s: webhook_url is not an http(s) URL", name)
		}
		secrets = append(secrets, cfg.WebhookURL, u.String(), u.Path, u.RawQuery)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	s := &Slack{
		name:      name,
		cfg:       cfg,
		client:    &http.Client{Timeout: cfg.Timeout},
		highlight: func(drawwatch.Alert) []string { return nil },
		zone:      time.UTC,
		secrets:   secrets,
	}
	for _, o := range opts {
		o(s)
	}
	if hasBot {
		apiOpts := []slack.Option{slack.OptionHTTPClient(&bearerClient{client: s.client, token: cfg.Token})}
		if cfg.APIURL != "" {
			apiURL := cfg.APIURL
			if !strings.HasSuffix(apiURL, "/") {
				// slack-go appends method names directly: ".../api" + "chat.postMessage" would miss.
				apiURL += "/"
			}
			apiOpts = append(apiOpts, slack.OptionAPIURL(apiURL))
		}
		s.api = slack.New(cfg.Token, apiOpts...)
	}
	return s, nil
}

// Name is the target name alerts are queued under.
func (s *Slack) Name() string { return s.name }

// Send posts one alert. With a bot token it returns the message ts and
// threads updates under a.ThreadRef, also shown in the channel; a webhook returns no ts, so the ref
// is empty and updates are posted as new messages.
func (s *Slack) Send(ctx context.Context, a drawwatch.Alert) (string, error) {
	msg := RenderIn(a, s.highlight(a), s.zone)
	text := escapeMrkdwn(msg.Text)
	if utf8.RuneCountInString(text) > maxFallbackRunes {
		text = string([]rune(text)[:maxFallbackRunes-1]) + "…"
	}
	if s.api == nil {
		// Incoming webhooks answer "ok" without a message ts, so there is
		// never a parent to thread under: updates arrive as new messages
		// (their text says "Updated:").
		wm := &slack.WebhookMessage{Text: text, Blocks: &slack.Blocks{BlockSet: msg.Blocks}}
		err := slack.PostWebhookCustomHTTPContext(ctx, s.cfg.WebhookURL, s.client, wm)
		return "", s.classify("post to webhook", err)
	}
	opts := []slack.MsgOption{slack.MsgOptionText(text, false), slack.MsgOptionBlocks(msg.Blocks...)}
	if a.ThreadRef != "" {
		// A reply alone sits under a message that may be weeks old, where
		// nobody looks: broadcast it to the channel as well.
		opts = append(opts, slack.MsgOptionTS(a.ThreadRef), slack.MsgOptionBroadcast())
	}
	_, ts, err := s.api.PostMessageContext(ctx, s.cfg.Channel, opts...)
	if err != nil {
		return "", s.classify("chat.postMessage to "+s.cfg.Channel, err)
	}
	return ts, nil
}

// Slack API error codes worth retrying; every other ok=false answer means
// the request itself is wrong (invalid_auth, channel_not_found, ...) and
// would fail the same way again.
var retryableSlackErrors = []string{"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}

func (s *Slack) classify(doing string, err error) error {
	if err == nil {
		return nil
	}
	se := &SendError{Target: s.name}
	var (
		rl  *slack.RateLimitedError
		sc  slack.StatusCodeError
		api slack.SlackErrorResponse
		ue  *url.Error
	)
	switch {
	case errors.As(err, &rl):
		se.RetryAfter = rl.RetryAfter
	case errors.As(err, &sc):
		// 429 without Retry-After arrives here, not as RateLimitedError.
		se.Permanent = sc.Code < 500 && sc.Code != http.StatusTooManyRequests && sc.Code != http.StatusRequestTimeout
	case errors.As(err, &api):
		se.Permanent = !slices.Contains(retryableSlackErrors, api.Err)
	case errors.As(err, &ue):
		// url.Error quotes the request URL, which for a webhook is the
		// secret: keep only the operation and the cause.
		err = fmt.Errorf("%s request: %w", ue.Op, ue.Err)
	}
	// Whether it is retried is the dispatcher's to say: the same error
	// ends up in a dead alert once the attempts run out.
	if se.Permanent {
		doing += " (check the Slack target's settings)"
	}
	se.Err = s.secrets.wrap(doing, err)
	return se
}

// bearerClient sends the bot token as "Authorization: Bearer", as Slack
// recommends, instead of the form field slack-go v0.35 puts in the body,
// so the token never sits in request bodies that proxies may log.
type bearerClient struct {
	client *http.Client
	token  string
}

func (b *bearerClient) Do(req *http.Request) (*http.Response, error) {
	req.Header.Set("Authorization", "Bearer "+b.token)
	if req.Body != nil && strings.HasPrefix(req.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		raw, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("read slack request body: %w", err)
		}
		vals, err := url.ParseQuery(string(raw))
		if err != nil {
			return nil, fmt.Errorf("parse slack request body: %w", err)
		}
		vals.Del("token")
		body := vals.Encode()
		req.Body = io.NopCloser(strings.NewReader(body))
		req.ContentLength = int64(len(body))
		req.Header.Set("Content-Length", strconv.Itoa(len(body)))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil }
	}
	return b.client.Do(req)
}
