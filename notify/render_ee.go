package notify

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/drawwatch/drawwatch"
)

// Express Entry rounds (program EE) read as IRCC and consultants name
// them: "Express Entry #434 — Transport occupations: 300 invitations, CRS
// 470, tie-break 11 Oct 2025 14:55 UTC".

func isEE(dr drawwatch.Draw) bool { return dr.Program == drawwatch.ProgramEE }

// eeRoundName is "Express Entry #434 — Transport occupations".
func eeRoundName(dr drawwatch.Draw) string {
	name := drawwatch.EECategoryName(dr.Category)
	if !drawwatch.IsEECategory(dr.Category) && dr.StreamName != "" {
		name = dr.StreamName // a round kind drawwatch does not know yet: IRCC's words
	}
	if dr.Round == "" {
		return "Express Entry — " + name
	}
	return "Express Entry #" + dr.Round + " — " + name
}

// eeSummary is the round in one line, the alert's subject.
func eeSummary(dr drawwatch.Draw) string {
	var facts []string
	if dr.Invitations != nil {
		facts = append(facts, thousands(*dr.Invitations)+" invitations")
	}
	if dr.ScoreMin != nil {
		facts = append(facts, fmt.Sprintf("CRS %d", *dr.ScoreMin))
	}
	if tb := eeTieBreak(dr.TieBreak); tb != "" {
		facts = append(facts, "tie-break "+tb)
	}
	if len(facts) == 0 {
		return eeRoundName(dr)
	}
	return eeRoundName(dr) + ": " + strings.Join(facts, ", ")
}

// eeTieBreak is "11 Oct 2025 14:55 UTC", the way IRCC states it (UTC).
func eeTieBreak(rfc3339 string) string {
	t, err := time.Parse(time.RFC3339, rfc3339)
	if err != nil {
		return rfc3339
	}
	return t.UTC().Format("2 Jan 2006 15:04 UTC")
}

// eeSubject is drawSubject for an announcement whose first draw is an EE
// round; ok is false for every other announcement.
func eeSubject(prefix string, an *drawwatch.Announcement) (string, bool) {
	if an == nil || len(an.Draws) == 0 || !isEE(an.Draws[0]) {
		return "", false
	}
	return prefix + eeSummary(an.Draws[0]), true
}

// eeFacts is drawFacts for an EE round.
func eeFacts(dr drawwatch.Draw, prev *drawwatch.Draw) []fact {
	var facts []fact
	add := func(key, label, value string) { facts = append(facts, fact{key, label, value}) }
	if dr.Date != "" {
		add("date", "Round date", humanDate(dr.Date))
	}
	if dr.Invitations != nil {
		add("invitations", "Invitations to apply", thousands(*dr.Invitations))
	}
	if dr.ScoreMin != nil {
		add("score", "CRS cut-off", fmt.Sprint(*dr.ScoreMin))
	}
	if dr.TieBreak != "" {
		add("tie_break", "Tie-break", eeTieBreak(dr.TieBreak)+" (profiles at the cut-off submitted before then were invited)")
	}
	if cmp := eeComparePrevious(dr, prev); cmp != "" {
		add("previous", "Previous round of this kind", cmp)
	}
	if dr.StreamName != "" {
		add("round_type", "Round type", dr.StreamName)
	}
	if len(dr.ProgramsIncluded) > 0 {
		add("programs", "Programs", strings.Join(dr.ProgramsIncluded, ", "))
	}
	if p := dr.Distribution; p != nil {
		add("pool", "Pool", eePool(*p))
	}
	return facts
}

// eePool is the pool in one line: the total and how many stand at 451 and
// above, where invitations mostly fall.
func eePool(p drawwatch.PoolDistribution) string {
	above := 0
	for _, b := range p.Bands {
		if b.Min > 450 {
			above += b.Count
		}
	}
	s := thousands(p.Total) + " candidates, " + thousands(above) + " at CRS 451 or more"
	if p.AsOf != "" {
		s += " (as of " + humanDate(p.AsOf) + ")"
	}
	return s
}

// sourceSite names the site a source link leads to: "ontario.ca", "canada.ca".
func sourceSite(link string) string {
	u, err := url.Parse(link)
	if err != nil || u.Host == "" {
		return "ontario.ca"
	}
	host := strings.TrimPrefix(u.Hostname(), "www.")
	if strings.HasSuffix(host, "canada.ca") {
		return "canada.ca"
	}
	if strings.HasSuffix(host, "ontario.ca") {
		return "ontario.ca"
	}
	return host
}

// eeFieldLabel names a changed field of an EE round ("round-434.score_min"
// is "CRS cut-off"); ok is false for other draws' fields.
func eeFieldLabel(key, name string) (string, bool) {
	if !strings.HasPrefix(key, "round-") {
		return "", false
	}
	switch name {
	case "score_min":
		return "CRS cut-off", true
	case "invitations":
		return "Invitations to apply", true
	case "stream_name":
		return "Round type", true
	case "date":
		return "Round date", true
	}
	if label, ok := fieldNames[name]; ok {
		return upperFirst(label), true
	}
	return upperFirst(strings.ReplaceAll(name, "_", " ")), true
}

// eeComparePrevious says how the cut-off moved since the previous round of
// the same kind: "up 18 from 452 (#399, 19 Feb 2026, 169 days earlier)".
func eeComparePrevious(dr drawwatch.Draw, prev *drawwatch.Draw) string {
	if prev == nil {
		return ""
	}
	var when []string
	if prev.Round != "" {
		when = append(when, "#"+prev.Round)
	}
	if prev.Date != "" {
		when = append(when, humanDate(prev.Date))
		if days, ok := daysBetween(prev.Date, dr.Date); ok {
			when = append(when, plural(days, "day")+" earlier")
		}
	}
	at := ""
	if len(when) > 0 {
		at = " (" + strings.Join(when, ", ") + ")"
	}
	switch {
	case dr.ScoreMin == nil || prev.ScoreMin == nil:
		return "round" + at
	case *dr.ScoreMin > *prev.ScoreMin:
		return fmt.Sprintf("cut-off up %d from %d%s", *dr.ScoreMin-*prev.ScoreMin, *prev.ScoreMin, at)
	case *dr.ScoreMin < *prev.ScoreMin:
		return fmt.Sprintf("cut-off down %d from %d%s", *prev.ScoreMin-*dr.ScoreMin, *prev.ScoreMin, at)
	}
	return fmt.Sprintf("cut-off unchanged at %d%s", *dr.ScoreMin, at)
}
