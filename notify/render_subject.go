package notify

import (
	"strconv"
	"strings"

	"github.com/drawwatch/drawwatch"
)

// subjectLead is how many characters of a subject mutt and most phone
// mail apps show: stream, band and date must fit in it.
const subjectLead = 60

// streamShort names streams as consultants say them, so a subject's lead
// stays short. Streams not listed fall back to the page's stream name.
var streamShort = map[drawwatch.Stream]string{
	drawwatch.StreamHCP:                     "HCP",
	drawwatch.StreamFSSW:                    "FSSW",
	drawwatch.StreamSkilledTrades:           "Skilled Trades",
	drawwatch.StreamEJOForeignWorker:        "Foreign Worker",
	drawwatch.StreamEJOInternationalStudent: "Intl Student",
	drawwatch.StreamEJOInDemandSkills:       "In-Demand Skills",
	drawwatch.StreamMastersGraduate:         "Masters Graduate",
	drawwatch.StreamPhDGraduate:             "PhD Graduate",
	drawwatch.StreamEntrepreneur:            "Entrepreneur",
}

func shortStream(dr drawwatch.Draw) string {
	if s, ok := streamShort[dr.Stream]; ok {
		return s
	}
	if dr.StreamName != "" {
		return dr.StreamName
	}
	return string(dr.Stream)
}

// drawSubject leads with what a reader triages on: "[OINP] HCP · CRS
// 379–430 · 6 Feb 2024 · Health occupations". The first draw speaks for
// the announcement; others are counted. Without draws it is the title.
func drawSubject(prefix string, an *drawwatch.Announcement, title string) string {
	program := drawwatch.Program
	if an == nil || len(an.Draws) == 0 {
		s := "[" + program + "] " + title
		if an != nil && an.Posted != "" {
			s += " (" + humanDate(an.Posted) + ")"
		}
		return s
	}
	dr := an.Draws[0]
	if dr.Program != "" {
		program = dr.Program
	}
	lead := []string{shortStream(dr)}
	switch {
	case scoreBand(dr) != "":
		lead = append(lead, scoreBand(dr))
	case dr.Invitations != nil:
		lead = append(lead, thousands(*dr.Invitations)+" "+invitationPlural(dr.Invitation))
	}
	date := dr.Date
	if date == "" {
		date = an.Posted
	}
	if date != "" {
		lead = append(lead, humanDate(date))
	}
	s := "[" + program + "] " + prefix + strings.Join(lead, " · ")
	tail := dr.Category
	if n := len(an.Draws) - 1; n > 0 {
		tail = strings.TrimSpace(tail + " +" + plural(n, "more draw"))
	}
	if tail != "" {
		s += " · " + tail
	}
	return s
}

func invitationPlural(kind string) string {
	if kind == "" {
		return "invitations"
	}
	return kind + "s"
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}
