package notify

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/drawwatch/drawwatch"
)

// maxClientsListed caps each list of matched clients in one alert; the
// rest are counted, and `drawwatch match` lists them all.
const maxClientsListed = 30

// withClients adds the matched-clients part before the closing source
// line, so the team reads who to call right after the draw's facts.
func withClients(parts []part, cm *drawwatch.ClientMatches) []part {
	if cm.Empty() {
		return parts
	}
	p := clientsPart(cm)
	if n := len(parts); n > 0 && parts[n-1].kind == partContext {
		return append(parts[:n-1:n-1], p, parts[n-1])
	}
	return append(parts, p)
}

// clientsPart: "3 of your clients match: A-102 Priya (31301, CRS 412), ...",
// and the possible matches apart.
func clientsPart(cm *drawwatch.ClientMatches) part {
	p := part{kind: partText}
	if n := len(cm.Matches); n > 0 {
		verb := "match"
		if n == 1 {
			verb = "matches"
		}
		p.lines = append(p.lines, line{spans: []span{
			{text: fmt.Sprintf("%d of your clients %s: ", n, verb), bold: true},
			{text: clientList(cm.Matches)},
		}})
	}
	if n := len(cm.Possible); n > 0 {
		p.lines = append(p.lines, line{spans: []span{
			{text: fmt.Sprintf("%d possible (check the file): ", n), bold: true},
			{text: clientList(cm.Possible)},
		}})
	}
	return p
}

func clientList(ms []drawwatch.ClientMatch) string {
	var items []string
	for i, m := range ms {
		if i == maxClientsListed {
			items = append(items, fmt.Sprintf("and %d more (`drawwatch match` lists all)", len(ms)-i))
			break
		}
		items = append(items, clientItem(m))
	}
	return strings.Join(items, ", ")
}

// clientItem is "A-102 Priya (31301, CRS 412)" or "B-7 (31301, no CRS score on file)".
func clientItem(m drawwatch.ClientMatch) string {
	name := m.ClientID
	if m.Label != "" {
		name += " " + m.Label
	}
	var why []string
	if m.NOC != "" {
		why = append(why, m.NOC)
	}
	switch {
	case m.Possible:
		why = append(why, m.Reason)
	case m.Score != nil:
		why = append(why, m.ScoreKind+" "+strconv.Itoa(*m.Score))
	}
	if len(why) == 0 {
		return name
	}
	return name + " (" + strings.Join(why, ", ") + ")"
}
