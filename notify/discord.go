package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/drawwatch/drawwatch"
)

// DiscordConfig configures one Discord channel webhook; the URL is a
// secret (it carries the webhook token).
type DiscordConfig struct {
	Name       string
	WebhookURL string
	Timeout    time.Duration
}

// Discord embed limits (characters): title 256, description 4,096, footer
// 2,048, all text of a message's embeds together 6,000.
const (
	maxDiscordTitle       = 256
	maxDiscordDescription = 4096
	maxDiscordFooter      = 2048
	maxDiscordTotal       = 6000
)

// Discord posts alerts as one embed to a Discord channel webhook.
type Discord struct {
	cfg       DiscordConfig
	url       string // with wait=true, so the answer carries the message id
	post      poster
	highlight Highlighter
	zone      *time.Location
}

// DiscordOption changes a Discord notifier.
type DiscordOption func(*Discord)

// WithDiscordHighlight sets how the NOC codes to list first are chosen.
func WithDiscordHighlight(h Highlighter) DiscordOption { return func(d *Discord) { d.highlight = h } }

// WithDiscordZone sets the zone times are shown in (default UTC).
func WithDiscordZone(loc *time.Location) DiscordOption {
	return func(d *Discord) {
		if loc != nil {
			d.zone = loc
		}
	}
}

// NewDiscord checks cfg and returns a Discord notifier; errors never quote the URL.
func NewDiscord(cfg DiscordConfig, opts ...DiscordOption) (*Discord, error) {
	u, err := checkTargetURL("discord", cfg.Name, "webhook_url", cfg.WebhookURL)
	if err != nil {
		return nil, err
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	q := u.Query()
	q.Set("wait", "true")
	withWait := *u
	withWait.RawQuery = q.Encode()
	d := &Discord{cfg: cfg, url: withWait.String(), highlight: func(drawwatch.Alert) []string { return nil }, zone: time.UTC,
		post: poster{target: cfg.Name, client: &http.Client{Timeout: cfg.Timeout},
			secrets: append(urlSecrets(cfg.WebhookURL, u), withWait.String(), url.PathEscape(u.Path))}}
	for _, o := range opts {
		o(d)
	}
	return d, nil
}

// Name is the target name alerts are queued under.
func (d *Discord) Name() string { return d.cfg.Name }

// Send posts one alert; the ref is the message id.
func (d *Discord) Send(ctx context.Context, a drawwatch.Alert) (string, error) {
	body, err := marshalJSON(DiscordPayload(renderDoc(a, d.highlight(a), d.zone)))
	if err != nil {
		return "", &SendError{Target: d.cfg.Name, Permanent: true, Err: err}
	}
	ans, err := d.post.postJSON(ctx, d.url, nil, body)
	if err != nil {
		return "", err
	}
	var doc struct {
		ID         string  `json:"id"`
		Message    string  `json:"message"`
		RetryAfter float64 `json:"retry_after"` // seconds, fractional
	}
	_ = json.Unmarshal(ans.body, &doc)
	hint := time.Duration(doc.RetryAfter * float64(time.Second))
	if err := d.post.classify(ans, hint, doc.Message); err != nil {
		return "", err
	}
	return doc.ID, nil
}

// DiscordPayload lays d out as a webhook message with one embed, within
// Discord's embed limits, that can never mention anyone: allowed_mentions
// parses nothing, and page text is markdown-escaped as well.
func DiscordPayload(d doc) map[string]any {
	title, link := "", ""
	var lines []string
	var codes []int
	footer := ""
	for _, p := range d.parts {
		for _, l := range p.lines {
			switch {
			case p.kind == partTitle && title == "":
				// Titles render markdown too: escape, then cut.
				title = truncUnits(discordText(discordPlain(l)), maxDiscordTitle)
			case p.kind == partContext:
				for _, s := range l.spans {
					if u := safeURL(s.href); u != "" && link == "" {
						link = u
					}
				}
				footer = truncUnits(discordPlain(l), maxDiscordFooter)
			default:
				lines = append(lines, discordLine(l))
				codes = append(codes, l.codes)
			}
		}
		if p.kind == partText && len(lines) > 0 {
			lines = append(lines, "") // a blank line between parts
			codes = append(codes, 0)
		}
	}
	budget := min(maxDiscordDescription, maxDiscordTotal-units(title)-units(footer))
	embed := map[string]any{"title": title, "description": fitLines(lines, codes, budget), "color": 0x2b6cb0}
	if link != "" {
		embed["url"] = link
	}
	if footer != "" {
		embed["footer"] = map[string]string{"text": footer}
	}
	return map[string]any{
		"username":         "drawwatch",
		"embeds":           []any{embed},
		"allowed_mentions": map[string]any{"parse": []string{}},
	}
}

// fitLines joins lines within budget characters; when they do not fit,
// the tail is replaced by "… and N more NOC codes (see the source page)".
func fitLines(lines []string, codes []int, budget int) string {
	full := strings.TrimSpace(strings.Join(lines, "\n"))
	if units(full) <= budget {
		return full
	}
	const noteRoom = 80
	var b strings.Builder
	i := 0
	for ; i < len(lines); i++ {
		if units(b.String())+units(lines[i])+1 > budget-noteRoom {
			break
		}
		b.WriteString(lines[i] + "\n")
	}
	if more := sumCodes(codes[i:]); more > 0 {
		fmt.Fprintf(&b, "… and %d more NOC codes (see the source page)", more)
	} else {
		b.WriteString("… (see the source page)")
	}
	return b.String()
}

func units(s string) int { return len(utf16.Encode([]rune(s))) }

// truncUnits cuts s to at most n UTF-16 units, marking the cut.
func truncUnits(s string, n int) string {
	if units(s) <= n {
		return s
	}
	r := []rune(s)
	for units(string(r))+1 > n {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// discordMarkdown escapes what Discord markdown acts on, mentions and
// masked links included, so page text shows as written.
var discordMarkdown = strings.NewReplacer(
	`\`, `\\`, "*", `\*`, "_", `\_`, "~", `\~`, "`", "\\`", "|", `\|`, ">", `\>`, "<", `\<`, "#", `\#`,
	"[", `\[`, "]", `\]`, "(", `\(`, ")", `\)`, "@", `\@`,
)

func discordText(s string) string { return discordMarkdown.Replace(inline(s)) }

// discordPlain is a line for plain fields (title, footer), where markdown
// is not rendered: only line breaks and control characters go.
func discordPlain(l line) string {
	var b strings.Builder
	for _, s := range l.spans {
		b.WriteString(inline(s.text))
	}
	return strings.TrimSpace(b.String())
}

func discordLine(l line) string {
	var b strings.Builder
	if l.bullet {
		b.WriteString("• ")
	}
	for _, s := range l.spans {
		t := discordText(s.text)
		switch u := safeURL(s.href); {
		case u != "":
			fmt.Fprintf(&b, "[%s](<%s>)", t, strings.NewReplacer("(", "%28", ")", "%29", ">", "%3E").Replace(u))
		case s.bold && strings.TrimSpace(t) != "":
			b.WriteString("**" + strings.TrimSpace(t) + "**")
			if strings.HasSuffix(t, " ") {
				b.WriteString(" ")
			}
		default:
			b.WriteString(t)
		}
	}
	return cardLine(b.String()) // "- x" or "1. x" from the page is no list
}
