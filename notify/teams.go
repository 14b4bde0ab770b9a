package notify

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/drawwatch/drawwatch"
)

// TeamsConfig configures one Microsoft Teams target: a Workflows webhook
// ("Post to a channel when a webhook request is received"). The URL is a
// secret (it carries the signature).
type TeamsConfig struct {
	Name       string
	WebhookURL string
	Timeout    time.Duration
}

// Teams posts alerts as Adaptive Cards to a Teams channel.
type Teams struct {
	cfg       TeamsConfig
	post      poster
	highlight Highlighter
	zone      *time.Location
}

// TeamsOption changes a Teams notifier.
type TeamsOption func(*Teams)

// WithTeamsHighlight sets how the NOC codes to list first are chosen.
func WithTeamsHighlight(h Highlighter) TeamsOption { return func(t *Teams) { t.highlight = h } }

// WithTeamsZone sets the zone times are shown in (default UTC).
func WithTeamsZone(loc *time.Location) TeamsOption {
	return func(t *Teams) {
		if loc != nil {
			t.zone = loc
		}
	}
}

// NewTeams checks cfg and returns a Teams notifier; errors never quote the URL.
func NewTeams(cfg TeamsConfig, opts ...TeamsOption) (*Teams, error) {
	u, err := checkTargetURL("teams", cfg.Name, "webhook_url", cfg.WebhookURL)
	if err != nil {
		return nil, err
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	t := &Teams{cfg: cfg, highlight: func(drawwatch.Alert) []string { return nil }, zone: time.UTC,
		post: poster{target: cfg.Name, client: &http.Client{Timeout: cfg.Timeout}, secrets: urlSecrets(cfg.WebhookURL, u)}}
	for _, o := range opts {
		o(t)
	}
	return t, nil
}

// Name is the target name alerts are queued under.
func (t *Teams) Name() string { return t.cfg.Name }

// Send posts one alert as an Adaptive Card. Workflows answer 202 with no
// message id, so the ref is empty.
func (t *Teams) Send(ctx context.Context, a drawwatch.Alert) (string, error) {
	body, err := TeamsPayload(renderDoc(a, t.highlight(a), t.zone))
	if err != nil {
		return "", &SendError{Target: t.cfg.Name, Permanent: true, Err: err}
	}
	ans, err := t.post.postJSON(ctx, t.cfg.WebhookURL, nil, body)
	if err != nil {
		return "", err
	}
	return "", t.post.classify(ans, 0, string(firstBytes(ans.body, 200)))
}

// maxTeamsBytes keeps the whole request under the ~28 KB Teams accepts
// for a card message, with room for the envelope.
const maxTeamsBytes = 27_000

// cardBlock is one card element before it is encoded: a text block of
// lines, or a fact set; codes counts the NOC codes each line stands for,
// so a cut list can say how many were left out.
type cardBlock struct {
	style string // "title", "text", "subtle", "facts"
	lines []string
	codes []int
	facts [][2]string
	more  int // NOC codes cut to fit the size limit
}

// TeamsPayload lays d out as an Adaptive Card message within Teams' size
// limit: NOC lists are cut from the end ("… and N more NOC codes") until
// the encoded message fits.
func TeamsPayload(d doc) ([]byte, error) {
	blocks, links := cardBlocks(d)
	for {
		body, err := marshalJSON(teamsMessage(blocks, links))
		if err != nil || len(body) <= maxTeamsBytes {
			return body, err
		}
		if !cutLongestList(blocks) {
			return nil, fmt.Errorf("card is %d bytes even without NOC lists (limit %d)", len(body), maxTeamsBytes)
		}
	}
}

// cardBlocks turns the doc's parts into card blocks: runs of "Label: value"
// lines become fact sets, links become buttons.
func cardBlocks(d doc) (blocks []*cardBlock, links [][2]string) {
	for _, p := range d.parts {
		var cur *cardBlock
		emit := func(style string) *cardBlock {
			if cur == nil || cur.style != style {
				cur = &cardBlock{style: style}
				blocks = append(blocks, cur)
			}
			return cur
		}
		for i, l := range p.lines {
			if p.kind == partText && isHeading(l) && i+1 < len(p.lines) {
				if _, _, next := factOf(p.lines[i+1]); next {
					// a draw's name heads its facts: the card states it as one
					b := emit("facts")
					b.facts = append(b.facts, [2]string{"Stream", escapeCardMarkdown(l.spans[0].text)})
					continue
				}
			}
			if label, value, ok := factOf(l); ok && p.kind == partText {
				b := emit("facts")
				b.facts = append(b.facts, [2]string{label, value})
				continue
			}
			var text []string
			for _, s := range l.spans {
				if u := safeURL(s.href); u != "" {
					links = append(links, [2]string{"Open " + inline(s.text), u})
				}
				text = append(text, cardSpan(s))
			}
			style := map[partKind]string{partTitle: "title", partText: "text", partContext: "subtle"}[p.kind]
			b := emit(style)
			prefix := ""
			if l.bullet {
				prefix = "- "
			}
			b.lines = append(b.lines, prefix+cardLine(strings.Join(text, "")))
			b.codes = append(b.codes, l.codes)
		}
	}
	return blocks, links
}

// isHeading reports a line that is one bold span and nothing else.
func isHeading(l line) bool {
	return len(l.spans) == 1 && l.spans[0].bold && l.spans[0].href == "" && !l.bullet && !strings.HasSuffix(l.spans[0].text, ":")
}

// factOf reads a "Label: value" line (bold label, plain or bold value).
func factOf(l line) (label, value string, ok bool) {
	if len(l.spans) < 2 || l.bullet || !l.spans[0].bold || !strings.HasSuffix(l.spans[0].text, ": ") {
		return "", "", false
	}
	var v []string
	for _, s := range l.spans[1:] {
		v = append(v, cardSpan(s))
	}
	return escapeCardMarkdown(strings.TrimSuffix(l.spans[0].text, ": ")), strings.Join(v, ""), true
}

// cardSpan is one span as Adaptive Card markdown, page text escaped.
func cardSpan(s span) string {
	t := escapeCardMarkdown(s.text)
	if s.bold && strings.TrimSpace(t) != "" {
		return "**" + strings.TrimSpace(t) + "**" + strings.Repeat(" ", len(t)-len(strings.TrimRight(t, " ")))
	}
	return t
}

// cardMarkdown escapes what Adaptive Card markdown (a CommonMark subset)
// would act on, so page text shows as written; line breaks become spaces
// because the card separates lines itself.
var cardMarkdown = strings.NewReplacer(
	`\`, `\\`, "*", `\*`, "_", `\_`, "~", `\~`, "`", "\\`", "[", `\[`, "]", `\]`, "(", `\(`, ")", `\)`,
	"#", `\#`, ">", `\>`, "<", `\<`, "|", `\|`, "!", `\!`, "+", `\+`,
)

func escapeCardMarkdown(s string) string { return cardMarkdown.Replace(inline(s)) }

// inline puts page text on one line: CR, LF and other control characters
// become spaces, so text cannot start a list item or heading of its own.
func inline(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' || r == '\u0085' {
			return ' '
		}
		return r
	}, s)
	return s
}

// blockStart matches what would make a card line a list item or heading.
var blockStart = regexp.MustCompile(`^([-+=]|[0-9]+[.)])`)

// cardLine escapes a line start that markdown would read as a list item.
func cardLine(s string) string {
	return blockStart.ReplaceAllStringFunc(s, func(m string) string { return m[:len(m)-1] + `\` + m[len(m)-1:] })
}

// cutLongestList cuts a quarter of the text block holding the most NOC codes; the
// block then says how many it left out. false when no block holds any.
func cutLongestList(blocks []*cardBlock) bool {
	var best *cardBlock
	bestCodes := 0
	for _, b := range blocks {
		if n := sumCodes(b.codes); n > bestCodes {
			best, bestCodes = b, n
		}
	}
	if best == nil {
		return false
	}
	keep := len(best.lines) * 3 / 4
	best.more += sumCodes(best.codes[keep:])
	best.lines, best.codes = best.lines[:keep], best.codes[:keep]
	return true
}

func sumCodes(cs []int) int {
	n := 0
	for _, c := range cs {
		n += c
	}
	return n
}

// teamsMessage is the Workflows message envelope around one Adaptive Card.
func teamsMessage(blocks []*cardBlock, links [][2]string) map[string]any {
	body := make([]any, 0, len(blocks))
	for _, b := range blocks {
		switch b.style {
		case "facts":
			facts := make([]map[string]string, len(b.facts))
			for i, f := range b.facts {
				facts[i] = map[string]string{"title": f[0], "value": f[1]}
			}
			body = append(body, map[string]any{"type": "FactSet", "facts": facts})
		default:
			lines := b.lines
			if b.more > 0 {
				lines = append(lines[:len(lines):len(lines)], fmt.Sprintf("… and %d more NOC codes (see the source page)", b.more))
			}
			tb := map[string]any{"type": "TextBlock", "text": strings.Join(lines, "\r"), "wrap": true}
			switch b.style {
			case "title":
				tb["weight"], tb["size"] = "Bolder", "Medium"
			case "subtle":
				tb["isSubtle"], tb["size"] = true, "Small"
			}
			body = append(body, tb)
		}
	}
	card := map[string]any{
		"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
		"type":    "AdaptiveCard",
		"version": "1.4",
		"body":    body,
		"msteams": map[string]string{"width": "Full"},
	}
	if len(links) > 0 {
		var actions []map[string]string
		for _, l := range links {
			actions = append(actions, map[string]string{"type": "Action.OpenUrl", "title": l[0], "url": l[1]})
		}
		card["actions"] = actions
	}
	return map[string]any{
		"type": "message",
		"attachments": []map[string]any{{
			"contentType": "application/vnd.microsoft.card.adaptive",
			"contentUrl":  nil,
			"content":     card,
		}},
	}
}
