package notify

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch"
)

type discordMessage struct {
	Username        string `json:"username"`
	AllowedMentions *struct {
		Parse []string `json:"parse"`
	} `json:"allowed_mentions"`
	Embeds []struct {
		Title       string `json:"title"`
		URL         string `json:"url"`
		Description string `json:"description"`
		Footer      struct {
			Text string `json:"text"`
		} `json:"footer"`
	} `json:"embeds"`
}

// decodeDiscord checks one webhook post against Discord's limits.
func decodeDiscord(t *testing.T, body []byte) discordMessage {
	t.Helper()
	var m discordMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	if m.AllowedMentions == nil || m.AllowedMentions.Parse == nil || len(m.AllowedMentions.Parse) != 0 {
		t.Errorf("allowed_mentions must be {\"parse\": []}: %s", firstBytes(body, 400))
	}
	if !strings.Contains(string(body), `"allowed_mentions":{"parse":[]}`) {
		t.Errorf("allowed_mentions not sent as an empty list")
	}
	if len(m.Embeds) != 1 {
		t.Fatalf("%d embeds", len(m.Embeds))
	}
	e := m.Embeds[0]
	total := units(e.Title) + units(e.Description) + units(e.Footer.Text)
	if units(e.Title) > 256 || units(e.Description) > 4096 || units(e.Footer.Text) > 2048 || total > 6000 {
		t.Errorf("embed over limits: title %d description %d footer %d total %d", units(e.Title), units(e.Description), units(e.Footer.Text), total)
	}
	return m
}

func TestDiscordRequestAndClassification(t *testing.T) {
	target, srv := newStandIn(t,
		reply{status: 200, body: `{"id":"1180000000000000001","type":0}`},
		reply{status: 429, body: `{"message":"You are being rate limited.","retry_after":2.5,"global":false}`},
		reply{status: 500},
		reply{status: 404, body: `{"message":"Unknown Webhook","code":10015}`},
	)
	hookURL := srv.URL + "/api/webhooks/118/DISCORD-SECRET-TOKEN"
	dc, err := NewDiscord(DiscordConfig{Name: "disc", WebhookURL: hookURL})
	if err != nil {
		t.Fatal(err)
	}
	a := hcpAlert("disc", 8)
	ref, err := dc.Send(t.Context(), a)
	if err != nil || ref != "1180000000000000001" {
		t.Fatalf("200: ref %q err %v", ref, err)
	}
	errs := append([]error{nil}, sendInTurn(t, dc, a, 3)...)
	checkClassified(t, errs, 2500*time.Millisecond, "DISCORD-SECRET-TOKEN")
	if !strings.Contains(errs[3].Error(), "Unknown Webhook") {
		t.Errorf("permanent error does not say why: %v", errs[3])
	}
	r := target.requests()[0]
	if r.method != http.MethodPost || r.path != "/api/webhooks/118/DISCORD-SECRET-TOKEN" || r.query != "wait=true" || r.header.Get("Content-Type") != "application/json" {
		t.Errorf("request: %s %s?%s %q", r.method, r.path, r.query, r.header.Get("Content-Type"))
	}
	m := decodeDiscord(t, r.body)
	e := m.Embeds[0]
	if e.URL != hcpFeb6().SourceURL || !strings.Contains(e.Title, "Express Entry Human Capital Priorities stream") {
		t.Errorf("embed title %q url %q", e.Title, e.URL)
	}
	for _, want := range []string{`**Score:** CRS 379–430`, `**NOIs issued:** 2,086`, "31301"} {
		if !strings.Contains(e.Description, want) {
			t.Errorf("description lacks %q:\n%s", want, e.Description)
		}
	}
}

// unescapedAt finds a markdown or mention character not preceded by a backslash.
var unescapedAt = regexp.MustCompile(`(^|[^\\])[@<*_~` + "`" + `|\[]`)

func TestDiscordHostileTextInert(t *testing.T) {
	body, err := json.Marshal(DiscordPayload(renderDoc(hostileAlert("disc"), nil, time.UTC)))
	if err != nil {
		t.Fatal(err)
	}
	m := decodeDiscord(t, body)
	e := m.Embeds[0]
	if strings.ContainsAny(e.Title, "\r\n") {
		t.Errorf("title keeps a line break: %q", e.Title)
	}
	if loc := unescapedAt.FindStringIndex(e.Title); loc != nil {
		t.Errorf("title has active markdown at %d: %q", loc[0], e.Title)
	}
	for _, raw := range []string{"@everyone", "@here", "<@123456>", "<script>", "**bold**", "[click](https://evil"} {
		if active(e.Title, raw) || active(e.Description, raw) {
			t.Errorf("%q left active", raw)
		}
	}
	if !strings.Contains(e.Description, `\<\@123456\> nurses \*now\*`) || !strings.Contains(e.Title, `\@everyone`) {
		t.Errorf("page text not escaped to show as written:\ntitle %q\n%s", e.Title, e.Description)
	}
}

func TestDiscordEmbedLimits(t *testing.T) {
	an := hcpFeb6()
	an.Title = strings.Repeat("Very long title ", 40)
	an.Draws[0].NOCs = nil
	const total = 2000
	for i := range total {
		an.Draws[0].NOCs = append(an.Draws[0].NOCs, drawwatch.NOC{Code: fmt.Sprintf("%05d", 40000+i), Title: "Occupation"})
	}
	a := drawwatch.Alert{Target: "disc", Event: drawwatch.Event{Type: drawwatch.EventNew, Announcement: &an}}
	body, err := json.Marshal(DiscordPayload(renderDoc(a, nil, time.UTC)))
	if err != nil {
		t.Fatal(err)
	}
	e := decodeDiscord(t, body).Embeds[0]
	shown := 0
	for i := range total {
		if strings.Contains(e.Description, fmt.Sprintf("%05d", 40000+i)) {
			shown++
		}
	}
	var more int
	at := strings.Index(e.Description, "… and ")
	if at < 0 {
		t.Fatalf("no cut note:\n%s", e.Description)
	}
	fmt.Sscanf(e.Description[at:], "… and %d more NOC codes", &more)
	if shown+more != total || !strings.HasSuffix(e.Title, "…") {
		t.Errorf("shown %d + cut %d != %d; title %q", shown, more, total, e.Title)
	}
}

// active reports whether raw occurs in s without a backslash before it.
func active(s, raw string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], raw)
		if j < 0 {
			return false
		}
		if at := i + j; at == 0 || s[at-1] != '\\' {
			return true
		}
		i += j + 1
	}
}
