package notify

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch"
)

// teamsCard decodes a Workflows message and returns its one Adaptive Card.
func teamsCard(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var msg struct {
		Type        string `json:"type"`
		Attachments []struct {
			ContentType string          `json:"contentType"`
			ContentURL  *string         `json:"contentUrl"`
			Content     json.RawMessage `json:"content"`
		} `json:"attachments"`
	}
	if err := json.Unmarshal(body, &msg); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if msg.Type != "message" || len(msg.Attachments) != 1 || msg.Attachments[0].ContentType != "application/vnd.microsoft.card.adaptive" {
		t.Fatalf("envelope: %s", firstBytes(body, 300))
	}
	var card map[string]any
	if err := json.Unmarshal(msg.Attachments[0].Content, &card); err != nil {
		t.Fatal(err)
	}
	if card["type"] != "AdaptiveCard" || card["version"] != "1.4" || card["$schema"] != "http://adaptivecards.io/schemas/adaptive-card.json" {
		t.Errorf("card header: %v %v %v", card["type"], card["version"], card["$schema"])
	}
	return card
}

// cardTexts lists every string of the card body (text blocks and facts).
func cardTexts(card map[string]any) (texts []string, facts map[string]string) {
	facts = map[string]string{}
	for _, el := range card["body"].([]any) {
		m := el.(map[string]any)
		switch m["type"] {
		case "TextBlock":
			texts = append(texts, m["text"].(string))
		case "FactSet":
			for _, f := range m["facts"].([]any) {
				fm := f.(map[string]any)
				facts[fm["title"].(string)] = fm["value"].(string)
			}
		}
	}
	return texts, facts
}

func TestTeamsRequestAndClassification(t *testing.T) {
	target, srv := newStandIn(t,
		reply{status: 202},
		reply{status: 429, header: map[string]string{"Retry-After": "30"}},
		reply{status: 502},
		reply{status: 400, body: `{"error":{"code":"InvalidRequestContent"}}`},
	)
	hookURL := srv.URL + "/workflows/abc/triggers/manual/paths/invoke?sig=SIGSECRET123"
	tm, err := NewTeams(TeamsConfig{Name: "office", WebhookURL: hookURL})
	if err != nil {
		t.Fatal(err)
	}
	errs := sendInTurn(t, tm, hcpAlert("office", 3), 4)
	checkClassified(t, errs, 30*time.Second, "SIGSECRET123", hookURL)
	r := target.requests()[0]
	if r.method != http.MethodPost || r.header.Get("Content-Type") != "application/json" || !strings.Contains(r.query, "sig=SIGSECRET123") {
		t.Errorf("request: %s %s?%s %q", r.method, r.path, r.query, r.header.Get("Content-Type"))
	}
	card := teamsCard(t, r.body)
	texts, facts := cardTexts(card)
	for label, want := range map[string]string{"Stream": "Express Entry Human Capital Priorities stream — Health occupations",
		"Draw date": "6 Feb 2024", "NOIs issued": "2,086", "Score": "CRS 379–430"} {
		if facts[label] != want {
			t.Errorf("fact %q = %q, want %q (facts %v)", label, facts[label], want, facts)
		}
	}
	joined := strings.Join(texts, "\n")
	for _, want := range []string{"Express Entry Human Capital Priorities stream: health occupations invited", "NOC codes \\(43\\)", "31301"} {
		if !strings.Contains(joined, want) {
			t.Errorf("card text lacks %q:\n%s", want, joined)
		}
	}
	actions, _ := card["actions"].([]any)
	if len(actions) != 1 || actions[0].(map[string]any)["url"] != hcpFeb6().SourceURL || actions[0].(map[string]any)["type"] != "Action.OpenUrl" {
		t.Errorf("actions: %v", actions)
	}
}

func TestTeamsHostileTextInert(t *testing.T) {
	_, srv := newStandIn(t, reply{status: 202})
	tm, err := NewTeams(TeamsConfig{Name: "office", WebhookURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	a := hostileAlert("office")
	body, err := TeamsPayload(renderDoc(a, nil, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tm.Send(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	texts, facts := cardTexts(teamsCard(t, body))
	title := texts[0]
	if strings.ContainsAny(title, "\r\n") {
		t.Errorf("title keeps a line break: %q", title)
	}
	for _, s := range append(texts, fmt.Sprint(facts)) {
		for _, raw := range []string{"<script>", "**bold**", "[click](", "`code`", "<b>", "~~x~~", "_it_"} {
			if strings.Contains(s, raw) {
				t.Errorf("card carries %q as markup: %q", raw, s)
			}
		}
	}
	if !strings.Contains(title, `\<script\>`) || !strings.Contains(title, `\*\*bold\*\*`) || !strings.Contains(title, "@everyone") {
		t.Errorf("title not escaped as written text: %q", title)
	}
}

func TestTeamsCardSizeLimit(t *testing.T) {
	// The doc already collapses untitled codes ten to a line: it takes
	// thousands of codes to pass the limit.
	const total = 5000
	an := hcpFeb6()
	an.Draws[0].NOCs = nil
	for i := range total {
		an.Draws[0].NOCs = append(an.Draws[0].NOCs, drawwatch.NOC{Code: fmt.Sprintf("%05d", 10000+i), Title: strings.Repeat("Long occupation title ", 3)})
	}
	a := drawwatch.Alert{Target: "office", Event: drawwatch.Event{Type: drawwatch.EventNew, Announcement: &an}}
	body, err := TeamsPayload(renderDoc(a, []string{"10005"}, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if len(body) > maxTeamsBytes {
		t.Fatalf("card is %d bytes, limit %d", len(body), maxTeamsBytes)
	}
	texts, _ := cardTexts(teamsCard(t, body))
	joined := strings.Join(texts, "\r")
	shown := 0
	for i := range total {
		if strings.Contains(joined, fmt.Sprintf("%05d", 10000+i)) {
			shown++
		}
	}
	var more int
	at := strings.Index(joined, "… and ")
	if at < 0 {
		t.Fatalf("no cut note in a %d-byte card", len(body))
	}
	if _, err := fmt.Sscanf(joined[at:], "… and %d more NOC codes", &more); err != nil {
		t.Fatalf("cut note: %v", err)
	}
	if shown+more != total || !strings.Contains(joined, "**10005") {
		t.Errorf("shown %d + cut %d != total, or the route's code 10005 is not first in bold", shown, more)
	}
	t.Logf("%d NOC codes: %d bytes, %d listed, %d cut", total, len(body), shown, more)
}
