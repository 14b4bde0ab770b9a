package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"

	"github.com/drawwatch/drawwatch"
)

// TelegramConfig configures one Telegram chat posted to by a bot. APIURL
// overrides https://api.telegram.org (tests pass an httptest URL). ChatID is
// a numeric id ("-1001234567890") or "@channelname".
type TelegramConfig struct {
	Name    string
	Token   string
	ChatID  string
	APIURL  string
	Timeout time.Duration
}

// maxTelegramUnits is sendMessage's limit: 4,096 characters of text after
// entities are parsed. The raw HTML is measured in UTF-16 units (as
// Telegram counts), which is never less than the parsed text.
const maxTelegramUnits = 4096

// maxTelegramSpan caps one span of page text, so a single absurd line can
// never exceed a message on its own.
const maxTelegramSpan = 1000

// Telegram sends alerts with the Bot API's sendMessage, HTML formatted.
type Telegram struct {
	cfg       TelegramConfig
	post      poster
	highlight Highlighter
	zone      *time.Location

	mu sync.Mutex
	// sent counts the messages of a split alert already accepted, so a
	// retry in this process resumes with the first one not sent.
	sent map[int64]sentParts
}

type sentParts struct {
	n   int
	ref string
}

// TelegramOption changes a Telegram notifier.
type TelegramOption func(*Telegram)

// WithTelegramHighlight sets how the NOC codes to list first are chosen.
func WithTelegramHighlight(h Highlighter) TelegramOption {
	return func(t *Telegram) { t.highlight = h }
}

// WithTelegramZone sets the zone times are shown in (default UTC).
func WithTelegramZone(loc *time.Location) TelegramOption {
	return func(t *Telegram) {
		if loc != nil {
			t.zone = loc
		}
	}
}

// NewTelegram checks cfg and returns a Telegram notifier. Errors never
// quote the token.
func NewTelegram(cfg TelegramConfig, opts ...TelegramOption) (*Telegram, error) {
	if cfg.Token == "" || cfg.ChatID == "" {
		return nil, fmt.Errorf("telegram target %s: token and chat_id are required", cfg.Name)
	}
	if cfg.APIURL == "" {
		cfg.APIURL = "https://api.telegram.org"
	}
	cfg.APIURL = strings.TrimSuffix(cfg.APIURL, "/")
	if _, err := checkTargetURL("telegram", cfg.Name, "api_url", cfg.APIURL); err != nil {
		return nil, err
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	t := &Telegram{cfg: cfg, highlight: func(drawwatch.Alert) []string { return nil }, zone: time.UTC,
		sent: map[int64]sentParts{},
		post: poster{target: cfg.Name, client: &http.Client{Timeout: cfg.Timeout}, secrets: redactor{cfg.Token}}}
	for _, o := range opts {
		o(t)
	}
	return t, nil
}

// Name is the target name alerts are queued under.
func (t *Telegram) Name() string { return t.cfg.Name }

// telegramAnswer is the Bot API's answer document.
type telegramAnswer struct {
	OK          bool   `json:"ok"`
	Description string `json:"description"`
	Result      struct {
		MessageID int64 `json:"message_id"`
	} `json:"result"`
	Parameters struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// Send posts one alert, split into as many messages as the 4,096-character
// limit needs (at line boundaries). The ref is the first message's id;
// corrections reply to a.ThreadRef.
func (t *Telegram) Send(ctx context.Context, a drawwatch.Alert) (string, error) {
	msgs := TelegramMessages(renderDoc(a, t.highlight(a), t.zone))
	t.mu.Lock()
	done := t.sent[a.ID]
	t.mu.Unlock()
	for i := done.n; i < len(msgs); i++ {
		id, err := t.sendOne(ctx, msgs[i], a.ThreadRef)
		if err != nil {
			return "", err
		}
		if i == 0 {
			done.ref = strconv.FormatInt(id, 10)
		}
		done.n = i + 1
		if a.ID != 0 && done.n < len(msgs) {
			t.mu.Lock()
			t.sent[a.ID] = done
			t.mu.Unlock()
		}
	}
	t.mu.Lock()
	delete(t.sent, a.ID)
	t.mu.Unlock()
	return done.ref, nil
}

func (t *Telegram) sendOne(ctx context.Context, text, replyTo string) (int64, error) {
	req := map[string]any{
		"chat_id":              t.cfg.ChatID,
		"text":                 text,
		"parse_mode":           "HTML",
		"link_preview_options": map[string]bool{"is_disabled": true},
	}
	if id, err := strconv.ParseInt(replyTo, 10, 64); err == nil && id > 0 {
		req["reply_parameters"] = map[string]any{"message_id": id, "allow_sending_without_reply": true}
	}
	body, err := marshalJSON(req)
	if err != nil {
		return 0, &SendError{Target: t.cfg.Name, Permanent: true, Err: err}
	}
	ans, err := t.post.postJSON(ctx, t.cfg.APIURL+"/bot"+t.cfg.Token+"/sendMessage", nil, body)
	if err != nil {
		return 0, err
	}
	var doc telegramAnswer
	_ = json.Unmarshal(ans.body, &doc) // a proxy's HTML page: classified by status alone
	if ans.status/100 == 2 && !doc.OK {
		ans.status = http.StatusBadGateway // 200 without ok: not Telegram answering
	}
	hint := time.Duration(doc.Parameters.RetryAfter) * time.Second
	if err := t.post.classify(ans, hint, doc.Description); err != nil {
		return 0, err
	}
	return doc.Result.MessageID, nil
}

// TelegramMessages lays d out as sendMessage HTML texts, each within the
// 4,096-character limit, split between lines.
func TelegramMessages(d doc) []string {
	var msgs []string
	var cur strings.Builder
	units := 0
	add := func(s string) {
		n := len(utf16.Encode([]rune(s)))
		if units > 0 && units+n > maxTelegramUnits {
			msgs = append(msgs, strings.Trim(cur.String(), "\n"))
			cur.Reset()
			units = 0
		}
		cur.WriteString(s)
		units += n
	}
	for i, p := range d.parts {
		if len(p.lines) == 0 {
			continue
		}
		if i > 0 && units > 0 {
			add("\n")
		}
		for _, l := range p.lines {
			add(telegramLine(l) + "\n")
		}
	}
	if s := strings.Trim(cur.String(), "\n"); s != "" {
		msgs = append(msgs, s)
	}
	return msgs
}

// telegramLine is one line as Telegram HTML: page text escaped (only
// &lt; &gt; &amp; &quot; are needed), bold as <b>, http(s) links as <a>.
func telegramLine(l line) string {
	var b strings.Builder
	if l.bullet {
		b.WriteString("• ")
	} else if l.codes > 0 {
		b.WriteString("  ")
	}
	for _, s := range l.spans {
		text := inline(s.text)
		if r := []rune(text); len(r) > maxTelegramSpan {
			text = string(r[:maxTelegramSpan-1]) + "…"
		}
		t := html.EscapeString(text)
		switch u := safeURL(s.href); {
		case u != "":
			fmt.Fprintf(&b, `<a href="%s">%s</a>`, html.EscapeString(u), t)
		case s.bold && strings.TrimSpace(t) != "":
			b.WriteString("<b>" + t + "</b>")
		default:
			b.WriteString(t)
		}
	}
	return b.String()
}
