package notify

import (
	"strconv"
	"strings"

	"github.com/drawwatch/drawwatch"
)

// subjectLead is how many characters of a subject mutt and most phone
// mail apps show: stream, band and date must fit in it.
const subjectLead = 60

// shortStream names a stream as consultants say it, so a subject's lead
// stays short: the root table's label without the "Employer Job Offer: "
// family name, and as initials when it is three words or more ("Human
// Capital Priorities" is "HCP"). Unknown streams keep the page's name.
func shortStream(dr drawwatch.Draw) string {
	info, ok := drawwatch.LookupStream(dr.Stream)
	if !ok {
		if dr.StreamName != "" {
			return dr.StreamName
		}
		return string(dr.Stream)
	}
	label := strings.TrimPrefix(info.Label, "Employer Job Offer: ")
	if len(strings.Fields(label)) < 3 {
		return label
	}
	var initials strings.Builder
	for _, w := range strings.FieldsFunc(label, func(r rune) bool { return r == ' ' || r == '-' }) {
		initials.WriteString(strings.ToUpper(w[:1]))
	}
	return initials.String()
}

// drawSubject leads with what a reader triages on: "[OINP] HCP · CRS
// 379–430 · 6 Feb 2024 · Health occupations". The first draw speaks for
// the announcement; others are counted. Without draws it is the title.
func drawSubject(prefix string, an *drawwatch.Announcement, title string) string {
	if s, ok := eeSubject(prefix, an); ok {
		return s
	}
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
	var lead []string
	tail := dr.Category
	switch stream := shortStream(dr); {
	case stream != "":
		lead = append(lead, stream)
	case tail != "":
		// no stream read: the category is the next best thing to triage on
		lead, tail = append(lead, tail), ""
	default:
		lead = append(lead, announcementTitle(an, "OINP draw"))
	}
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
