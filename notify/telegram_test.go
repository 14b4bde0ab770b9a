package notify

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"golang.org/x/net/html"

	"github.com/drawwatch/drawwatch"
)

const testTelegramToken = "123456:AAE-SECRET-telegram-token"

type telegramRequest struct {
	ChatID          string          `json:"chat_id"`
	Text            string          `json:"text"`
	ParseMode       string          `json:"parse_mode"`
	LinkPreview     map[string]bool `json:"link_preview_options"`
	ReplyParameters *struct {
		MessageID int64 `json:"message_id"`
		AllowNo   bool  `json:"allow_sending_without_reply"`
	} `json:"reply_parameters"`
}

func decodeTelegram(t *testing.T, r seenRequest) telegramRequest {
	t.Helper()
	if r.method != http.MethodPost || r.path != "/bot"+testTelegramToken+"/sendMessage" || r.header.Get("Content-Type") != "application/json" {
		t.Errorf("request: %s %s %q", r.method, r.path, r.header.Get("Content-Type"))
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(r.body, &keys); err != nil {
		t.Fatal(err)
	}
	for k := range keys {
		if !slices.Contains([]string{"chat_id", "text", "parse_mode", "link_preview_options", "reply_parameters"}, k) {
			t.Errorf("unexpected key %q", k)
		}
	}
	var req telegramRequest
	if err := json.Unmarshal(r.body, &req); err != nil {
		t.Fatal(err)
	}
	if req.ChatID != "-1001234567890" || req.ParseMode != "HTML" || !req.LinkPreview["is_disabled"] {
		t.Errorf("request fields: %+v", req)
	}
	if n := len(utf16.Encode([]rune(req.Text))); n > 4096 {
		t.Errorf("text is %d UTF-16 units, limit 4096", n)
	}
	return req
}

// telegramTags parses a message as HTML and returns its tags and text:
// Telegram's HTML mode takes b, a (and a few more we never send).
func telegramTags(t *testing.T, s string) (tags []string, text string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			return tags, b.String()
		case html.StartTagToken:
			name, _ := z.TagName()
			tags = append(tags, string(name))
		case html.TextToken:
			b.Write(z.Text())
		}
	}
}

func TestTelegramRequestAndClassification(t *testing.T) {
	target, srv := newStandIn(t,
		reply{status: 200, body: `{"ok":true,"result":{"message_id":501}}`},
		reply{status: 429, body: `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 17","parameters":{"retry_after":17}}`},
		reply{status: 500, body: `{"ok":false,"error_code":500,"description":"Internal Server Error"}`},
		reply{status: 400, body: `{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`},
	)
	tg, err := NewTelegram(TelegramConfig{Name: "tg", Token: testTelegramToken, ChatID: "-1001234567890", APIURL: srv.URL + "/"})
	if err != nil {
		t.Fatal(err)
	}
	errs := sendInTurn(t, tg, hcpAlert("tg", 5), 4)
	checkClassified(t, errs, 17*time.Second, testTelegramToken, "AAE-SECRET")
	if !strings.Contains(errs[3].Error(), "chat not found") {
		t.Errorf("permanent error does not say why: %v", errs[3])
	}
	req := decodeTelegram(t, target.requests()[0])
	tags, text := telegramTags(t, req.Text)
	for _, tag := range tags {
		if tag != "b" && tag != "a" {
			t.Errorf("tag <%s> sent", tag)
		}
	}
	for _, want := range []string{"Express Entry Human Capital Priorities stream: health occupations invited", "Score: CRS 379–430", "NOIs issued: 2,086", "31301"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(req.Text, `<a href="`+hcpFeb6().SourceURL+`">`) {
		t.Errorf("no source link:\n%s", req.Text)
	}

	// A correction replies to the first message.
	ch := drawwatch.Alert{ID: 6, Target: "tg", Event: changedEvent(), ThreadRef: "501"}
	target.mu.Lock()
	target.script = []reply{{status: 200, body: `{"ok":true,"result":{"message_id":502}}`}}
	target.mu.Unlock()
	ref, err := tg.Send(t.Context(), ch)
	if err != nil || ref != "502" {
		t.Fatalf("correction: ref %q err %v", ref, err)
	}
	reqs := target.requests()
	if r := decodeTelegram(t, reqs[len(reqs)-1]); r.ReplyParameters == nil || r.ReplyParameters.MessageID != 501 || !r.ReplyParameters.AllowNo {
		t.Errorf("correction does not reply to 501: %+v", r.ReplyParameters)
	}
}

func TestTelegramHostileTextInert(t *testing.T) {
	msgs := TelegramMessages(renderDoc(hostileAlert("tg"), nil, time.UTC))
	tags, text := telegramTags(t, strings.Join(msgs, "\n"))
	for _, tag := range tags {
		if tag != "b" && tag != "a" {
			t.Errorf("page text became a <%s> tag", tag)
		}
	}
	if slices.Contains(tags, "script") || strings.Contains(msgs[0], "<script>") {
		t.Error("<script> not escaped")
	}
	// The title reads as written, on one line.
	first := strings.SplitN(text, "\n", 2)[0]
	if !strings.Contains(first, "<!channel> @everyone @here <script>alert(1)</script> **bold**") || !strings.Contains(first, "Bcc: x@evil.example") {
		t.Errorf("title line: %q", first)
	}
}

func TestTelegramSplitsLongListsAndResumes(t *testing.T) {
	an := hcpFeb6()
	an.Draws[0].NOCs = nil
	const total = 3000
	for i := range total {
		an.Draws[0].NOCs = append(an.Draws[0].NOCs, drawwatch.NOC{Code: fmt.Sprintf("%05d", 20000+i), Title: "Occupation & <title>"})
	}
	a := drawwatch.Alert{ID: 77, Target: "tg", Event: drawwatch.Event{Type: drawwatch.EventNew, Announcement: &an}}
	msgs := TelegramMessages(renderDoc(a, nil, time.UTC))
	if len(msgs) < 2 {
		t.Fatalf("%d messages for %d codes", len(msgs), total)
	}
	// Messages 1 and 2 go through, 3 fails, then the rest: the retry must
	// not send 1 and 2 again.
	script := []reply{{status: 200, body: `{"ok":true,"result":{"message_id":900}}`}, {status: 200, body: `{"ok":true,"result":{"message_id":901}}`},
		{status: 503, body: `{"ok":false,"error_code":503,"description":"busy"}`}}
	for i := 0; i < len(msgs); i++ {
		script = append(script, reply{status: 200, body: fmt.Sprintf(`{"ok":true,"result":{"message_id":%d}}`, 910+i)})
	}
	target, srv := newStandIn(t, script...)
	tg, err := NewTelegram(TelegramConfig{Name: "tg", Token: testTelegramToken, ChatID: "-1001234567890", APIURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tg.Send(t.Context(), a); err == nil || IsPermanent(err) {
		t.Fatalf("first try: want a retryable error, got %v", err)
	}
	ref, err := tg.Send(t.Context(), a)
	if err != nil || ref != "900" {
		t.Fatalf("retry: ref %q err %v", ref, err)
	}
	reqs := target.requests()
	if len(reqs) != len(msgs)+1 {
		t.Fatalf("%d requests for %d messages and one failure", len(reqs), len(msgs))
	}
	var all strings.Builder
	for i, r := range reqs {
		if i == 2 {
			continue // the failed attempt, sent again next
		}
		all.WriteString(decodeTelegram(t, r).Text + "\n")
	}
	_, text := telegramTags(t, all.String())
	for i := range total {
		if code := fmt.Sprintf("%05d", 20000+i); strings.Count(text, code) != 1 {
			t.Fatalf("code %s appears %d times across the messages", code, strings.Count(text, code))
		}
	}
	t.Logf("%d NOC codes: %d messages", total, len(msgs))
}
