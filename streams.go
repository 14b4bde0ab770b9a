package drawwatch

import (
	"strconv"
	"strings"
)

// StreamInfo is everything drawwatch knows about one OINP stream: the slug
// it is stored under, the names it is shown with and the words that
// identify it on a page. The parser, config validation and the renderers
// all read this one table.
type StreamInfo struct {
	Slug Stream
	// Name is the full display name ("Express Entry Human Capital
	// Priorities stream"), recorded as Draw.StreamName.
	Name string
	// Label is the short name for menus and charts ("Human Capital Priorities").
	Label string
	// ExpressEntry streams issue notifications of interest scored by CRS;
	// the others issue invitations to apply scored by EOI points.
	ExpressEntry bool
	// Keys are lower-case phrases that name the stream in running text
	// (matched as plain substrings).
	Keys []string
	// Bare are the stream's name alone as a slug between dashes, the way
	// table headings write it ("-human-capital-priorities-").
	Bare []string
}

// Streams is the stream table, in the order the program lists them.
var Streams = []StreamInfo{
	{StreamHCP, "Express Entry Human Capital Priorities stream", "Human Capital Priorities", true,
		[]string{"human capital priorit", "hcp stream", "(hcp)", "hcp "},
		[]string{"-human-capital-priorities-", "-human-capital-priority-"}},
	{StreamFSSW, "Express Entry French-Speaking Skilled Worker stream", "French-Speaking Skilled Worker", true,
		[]string{"french-speaking skilled worker", "french speaking skilled worker"},
		[]string{"-french-speaking-skilled-worker-", "-french-speaking-"}},
	// "skilled trades" alone is only a bare name: EJO announcements name
	// the skilled trades occupations they target.
	{StreamSkilledTrades, "Express Entry Skilled Trades stream", "Skilled Trades", true,
		[]string{"express entry skilled trades", "skilled trades stream", "skilled trades (express entry) stream"},
		[]string{"-skilled-trades-", "-skilled-trade-"}},
	{StreamEJOForeignWorker, "Employer Job Offer: Foreign Worker stream", "Employer Job Offer: Foreign Worker", false,
		[]string{"foreign worker"},
		[]string{"-foreign-worker-"}},
	{StreamEJOInternationalStudent, "Employer Job Offer: International Student stream", "Employer Job Offer: International Student", false,
		[]string{"international student"},
		[]string{"-international-student-"}},
	{StreamEJOInDemandSkills, "Employer Job Offer: In-Demand Skills stream", "Employer Job Offer: In-Demand Skills", false,
		[]string{"in-demand", "in demand"},
		[]string{"-in-demand-skills-", "-in-demand-skill-"}},
	{StreamMastersGraduate, "Masters Graduate stream", "Masters Graduate", false,
		[]string{"masters graduate", "master graduate", "masters and phd graduate", "masters and ph.d. graduate"},
		[]string{"-masters-graduate-", "-master-s-graduate-", "-masters-graduates-"}},
	{StreamPhDGraduate, "PhD Graduate stream", "PhD Graduate", false,
		[]string{"phd graduate", "ph.d. graduate"},
		[]string{"-phd-graduate-", "-ph-d-graduate-", "-phd-graduates-"}},
	{StreamEntrepreneur, "Entrepreneur stream", "Entrepreneur", false,
		[]string{"entrepreneur"},
		[]string{"-entrepreneur-"}},
}

// LookupStream returns the table entry of a slug.
func LookupStream(slug Stream) (StreamInfo, bool) {
	for _, s := range Streams {
		if s.Slug == slug {
			return s, true
		}
	}
	return StreamInfo{}, false
}

// StreamSlugs lists every known slug, in table order.
func StreamSlugs() []string {
	out := make([]string, len(Streams))
	for i, s := range Streams {
		out[i] = string(s.Slug)
	}
	return out
}

// Name is the stream's full display name, or the slug when unknown.
func (s Stream) Name() string {
	if info, ok := LookupStream(s); ok {
		return info.Name
	}
	return string(s)
}

// Label is the stream's short name, or the slug when unknown.
func (s Stream) Label() string {
	if info, ok := LookupStream(s); ok {
		return info.Label
	}
	return string(s)
}

// Kinds returns what a draw of the stream issues and how it is scored: NOI
// and CRS for the Express Entry streams, ITA and EOI otherwise (unknown
// streams included).
func (s Stream) Kinds() (invitation, scoreKind string) {
	if info, ok := LookupStream(s); ok && info.ExpressEntry {
		return InvitationNOI, ScoreCRS
	}
	return InvitationITA, ScoreEOI
}

// ScoreBand is the draw's score band in compact form: "379–430", "78+",
// "≤ 460", "460", or "" when the page states none. Tables and the status
// page use it.
func (d Draw) ScoreBand() string {
	switch {
	case d.ScoreMin != nil && d.ScoreMax != nil && *d.ScoreMin == *d.ScoreMax:
		return strconv.Itoa(*d.ScoreMin)
	case d.ScoreMin != nil && d.ScoreMax != nil:
		return strconv.Itoa(*d.ScoreMin) + "–" + strconv.Itoa(*d.ScoreMax)
	case d.ScoreMin != nil:
		return strconv.Itoa(*d.ScoreMin) + "+"
	case d.ScoreMax != nil:
		return "≤ " + strconv.Itoa(*d.ScoreMax)
	}
	return ""
}

// ScoreBandWords is the band as alerts say it, with its score kind: "CRS
// 379–430", "EOI 73 and above", "CRS up to 430", "CRS 460", or "".
func (d Draw) ScoreBandWords() string {
	kind := d.ScoreKind
	if kind == "" {
		kind = "score"
	}
	switch {
	case d.ScoreMin != nil && d.ScoreMax != nil:
		return kind + " " + d.ScoreBand()
	case d.ScoreMin != nil:
		return kind + " " + strconv.Itoa(*d.ScoreMin) + " and above"
	case d.ScoreMax != nil:
		return kind + " up to " + strconv.Itoa(*d.ScoreMax)
	}
	return ""
}

// NormalizeNOCs drops repeated codes, keeping the first title seen (or the
// first non-empty one) and the order of first mention.
func NormalizeNOCs(nocs []NOC) []NOC {
	out := make([]NOC, 0, len(nocs))
	at := make(map[string]int, len(nocs))
	for _, n := range nocs {
		if i, ok := at[n.Code]; ok {
			if out[i].Title == "" {
				out[i].Title = strings.TrimSpace(n.Title)
			}
			continue
		}
		at[n.Code] = len(out)
		out = append(out, n)
	}
	return out
}
