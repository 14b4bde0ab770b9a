package scraper

// Issuance: whether, and for which streams, an announcement reports a draw.

import (
	"regexp"
	"strings"

	"github.com/drawwatch/drawwatch"
)

var (
	// past-tense issuance: "we issued 1,234 invitations", "the OINP has
	// issued Notifications of Interest", "Invitations to Apply Issued".
	// Three regexps, any of which may match: as one alternation the
	// program is too large for the backtracker, and the slower NFA took
	// its place on every sentence.
	reIssued = []*wordRegexp{
		newWordRegexp(`(?i)`, "ic", `(?:issued|issuance of|conducted (?:a|two|three|\w+ separate) [\w ]*draws?)\b[^.]{0,160}?\b(?:invitations?|notifications?|NOIs?|ITAs?)\b`),
		newWordRegexp(`(?i)`, "in", `(?:invitations?|notifications?|NOIs?|ITAs?)\b(?: to apply| of interest)?(?: \([A-Z]+\))?(?: were| was| have been| has been)? issued\b`),
		newWordRegexp(`(?i)`, "i", `issued\b[^.]{0,40}\b(?:draws?)\b`),
	}
	// the program inviting in other words: "we invited 412 candidates",
	// "the OINP sent invitations", "1,057 candidates were invited"
	reInvited = newWordRegexp(`(?i)`, "wot0123456789",
		`(?:we|OINP|the program)\s+(?:has\s+|have\s+)?(?:invited|sent)\b[^.]{0,80}?\b(?:candidates|invitations?|notifications?|applicants|people|NOIs?|ITAs?)\b`,
		`\d[\d,]*\s+(?:candidates|applicants|people)\b[^.]{0,60}?\b(?:were|have been|was)\s+invited\b`)
	// sentences that state a rule rather than a draw's band
	reNotBand = regexp.MustCompile(`(?i)\b(?:maintain|required minimum|will|as long as)\b`)
	// "Candidates in agriculture-related occupations with a score ..."
	reSentenceCategory = newWordRegexp(`(?i)`, "cf", `candidates in ((?:[\w-]+ ){0,4}occupations)\b`, `for candidates with ((?:[\w-]+ ){0,8}experience)\b`)
	reOnDate           = newWordRegexp(`(?i)`, "o", `on `+monthPattern+`\s+\d{1,2}`)
	rePortalSearch     = regexp.MustCompile(`(?i)portal search:\s*`)
	reProfilesBetween  = regexp.MustCompile(`(?i)(?:profiles?|expressions? of interest|EOIs?)\b[^.]{0,80}?\b(?:created|submitted|scored|registered)\b[^.]{0,60}?\bbetween ([A-Za-z]+ \d{1,2},? \d{4}) and ([A-Za-z]+ \d{1,2},? \d{4})|profile submitted:\s*([A-Za-z]+ \d{1,2},? \d{4}) to ([A-Za-z]+ \d{1,2},? \d{4})`)
	reProfilesBy       = regexp.MustCompile(`(?i)(?:profiles?|expressions? of interest|EOIs?)\b[^.]{0,80}?\b(?:created|submitted|scored|registered|attested to)\b[^.]{0,40}?\bby ([A-Za-z]+ \d{1,2},? \d{4})`)
	reDeadline         = regexp.MustCompile(`(?i)\b(?:deadline|submit (?:your|an|their) (?:online |complete )?applications?)\b[^.]{0,80}?\b(?:by|on|before) ([A-Za-z]+ \d{1,2},? \d{4})`)
)

// reportsIssuance reports whether the title or a sentence says invitations
// or notifications were issued. Sentence by sentence, so that a title
// "Notifications of interest will be issued" followed by "On December 15
// ... will issue targeted notifications" is not read as an issuance.
// issued reports a sentence of issuance; the substring test spares the
// regexp most sentences.
func issued(s string) bool {
	if strings.Contains(s, "ssu") || strings.Contains(s, "draw") {
		for _, re := range reIssued {
			if re.MatchString(s) {
				return true
			}
		}
	}
	if strings.Contains(s, "nvited") || strings.Contains(s, " sent ") {
		return reInvited.MatchString(s)
	}
	return false
}

func reportsIssuance(title string, items []item) bool {
	if issued(title) || strings.HasSuffix(strings.ToLower(title), " invited") {
		return true
	}
	for _, it := range items {
		if it.kind != itemText {
			continue
		}
		for si := range it.sentences {
			if it.reports(si) {
				return true
			}
		}
	}
	return false
}

// issuanceDraws makes one draw per stream named by the sentences that
// report an issuance, for announcements that state no score band.
func issuanceDraws(items []item, title string, newDraw func(drawwatch.Stream, string) drawwatch.Draw) []drawwatch.Draw {
	var draws []drawwatch.Draw
	have := map[drawwatch.Stream]bool{}
	for _, it := range items {
		if it.kind != itemText {
			continue
		}
		for si, s := range it.sentences {
			if !it.reports(si) {
				continue
			}
			named := findStreams(s)
			for _, st := range named {
				if have[st] {
					continue
				}
				have[st] = true
				cat := sentenceCategory(s)
				if cat == "" {
					cat = titleCategory(title)
				}
				d := newDraw(st, cat)
				if len(named) == 1 {
					// "who may qualify for the NOC 42202 - Early childhood
					// educators and assistants under the Foreign Worker stream"
					for _, c := range inlineNOCsAt(s) {
						d.NOCs = append(d.NOCs, c.noc)
					}
				}
				draws = append(draws, d)
			}
		}
	}
	if len(draws) > 0 {
		return draws
	}
	// an issuance that names no stream ("federal rounds of invitations
	// issued to francophones") is only a draw when the title names one
	for _, s := range findStreams(title) {
		draws = append(draws, newDraw(s, titleCategory(title)))
	}
	return draws
}
