package scraper

// Accounting: after extraction, every score statement, every stream named
// as invited and every NOC list of a draw announcement must be covered by
// a draw. What is not goes, verbatim, into Announcement.Unparsed, so a
// phrasing the extractor does not know still reaches the reader.

import (
	"regexp"
	"strings"

	"github.com/drawwatch/drawwatch"
)

type sentenceRef struct{ item, sentence int }

// accounts records what of an announcement's items the extractor used.
type accounts struct {
	items   []item
	bands   map[sentenceRef]int  // bands read per sentence
	codes   map[sentenceRef]bool // sentences whose inline codes went to draws
	lists   map[int]bool         // NOC items given to draws
	pending []int                // NOC items waiting for a band
}

func newAccounts(items []item) accounts {
	return accounts{items: items, bands: map[sentenceRef]int{}, codes: map[sentenceRef]bool{}, lists: map[int]bool{}}
}

func (a *accounts) readBand(ii, si int)  { a.bands[sentenceRef{ii, si}]++ }
func (a *accounts) readCodes(ii, si int) { a.codes[sentenceRef{ii, si}] = true }
func (a *accounts) useList(ii int)       { a.lists[ii] = true }
func (a *accounts) pendList(ii int)      { a.pending = append(a.pending, ii) }
func (a *accounts) dropPending()         { a.pending = nil }

func (a *accounts) usePending() {
	for _, ii := range a.pending {
		a.lists[ii] = true
	}
}

// unparsed lists, in page order, the sentences that state a score, a
// stream as invited or NOC codes no draw accounts for, and the NOC lists
// no draw took.
func (a *accounts) unparsed(draws []drawwatch.Draw) []string {
	have := map[drawwatch.Stream]bool{}
	for _, d := range draws {
		have[d.Stream] = true
	}
	codes := &drawCodes{draws: draws}
	out := []string{}
	for ii, it := range a.items {
		switch it.kind {
		case itemNOCs:
			// with no draw at all, a list is not known to be a draw's
			// (results tables list codes too)
			if !a.lists[ii] && draws != nil {
				out = append(out, nocListText(it.nocs))
			}
		case itemText:
			for si, s := range it.sentences {
				if a.uncovered(sentenceRef{ii, si}, s, it.reports(si), have, codes) {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// drawCodes are the NOC codes of draws, as a set made on the first
// lookup: few sentences write codes inline, and the set of every code of
// a draw with long lists was a twentieth of the parse's bytes.
type drawCodes struct {
	draws []drawwatch.Draw
	set   map[string]bool
}

func (c *drawCodes) has(code string) bool {
	if c.set == nil {
		c.set = map[string]bool{}
		for _, d := range c.draws {
			for _, n := range d.NOCs {
				c.set[n.Code] = true
			}
		}
	}
	return c.set[code]
}

// uncovered reports a sentence that says more about who was invited than
// the draws hold.
// reported says the sentence reports an issuance (item.reports).
func (a *accounts) uncovered(ref sentenceRef, s string, reported bool, have map[drawwatch.Stream]bool, codes *drawCodes) bool {
	return a.saysMore(ref, s, reported, have, codes) && !statesRule(s)
}

func (a *accounts) saysMore(ref sentenceRef, s string, reported bool, have map[drawwatch.Stream]bool, codes *drawCodes) bool {
	if looseScores(s) > a.bands[ref] {
		return true
	}
	if reported || namesInvited(s) {
		for _, st := range findStreams(s) {
			if !have[st] {
				return true
			}
		}
		if namesUnknownStream(s) {
			return true
		}
	}
	if len(have) == 0 {
		return false // no draw: codes alone do not say one was missed
	}
	for _, c := range inlineNOCsAt(s) {
		if !codes.has(c.noc.Code) {
			return true
		}
	}
	return false
}

// namesInvited reports a sentence about who was invited (as opposed to,
// say, how to apply) that does not report an issuance itself: an
// invitation received.
func namesInvited(s string) bool {
	if !strings.Contains(s, "nvit") && !strings.Contains(s, "ssu") && !strings.Contains(s, "draw") {
		return false // spares the regexps
	}
	return strings.Contains(s, "received an invitation") || strings.Contains(s, "were invited") || strings.Contains(s, "invited under")
}

// nocListText is a NOC list as one line, for quoting it.
func nocListText(nocs []drawwatch.NOC) string {
	parts := make([]string, len(nocs))
	for i, n := range nocs {
		parts[i] = "NOC " + n.Code
		if n.Title != "" {
			parts[i] += " - " + n.Title
		}
	}
	return strings.Join(parts, "; ")
}

// newsUnparsed is the accounting of an announcement read as news: a
// sentence that states a band for a stream it names, in an announcement
// whose issuance the extractor did not recognise, may be a draw missed,
// and is quoted rather than dropped.
func newsUnparsed(b *annBuilder) []string {
	out := []string{}
	for _, bl := range b.blocks {
		if bl.role != roleContent || !(strings.Contains(bl.text, "cor") || strings.Contains(bl.text, "CRS")) {
			continue // spares splitting most paragraphs
		}
		for _, s := range splitSentences(bl.text) {
			if len(bandsIn(s)) > 0 && !statesRule(s) && len(findStreams(s)) > 0 && !reEligibility.MatchString(s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// reEligibility is a band stated as a condition for the future or in
// general ("must have", "to be eligible"), not as who was invited.
var reEligibility = regexp.MustCompile(`(?i)\b(?:must|need to|needs to|to be eligible|eligible to|required|minimum requirement|in order to|should|may|can|if you)\b`)

var (
	// "under the Regional Talent stream": a stream name, capitalized words
	// before "stream"
	reStreamName = regexp.MustCompile(`((?:\b[A-Z][\w’'.-]*[:,]?\s+){1,6})$`)
	// names that are families of streams, not one stream
	reStreamFamily = regexp.MustCompile(`(?i)^(?:(?:the|ontario’?s?|oinp|our|this|these|express entry|employer job offer|job offer|graduate|all|both|two|three|general|targeted|[,:\s])+)$`)
)

// namesUnknownStream reports a stream name in s that is no known stream
// ("invited under the Regional Talent stream"): a stream the parser cannot
// make a draw for.
func namesUnknownStream(s string) bool {
	if !strings.Contains(s, "stream") {
		return false
	}
	for from := 0; ; {
		i := strings.Index(s[from:], "stream")
		if i < 0 {
			return false
		}
		at := from + i
		from = at + len("stream")
		// the capitalized words just before "stream"; the regexp runs on
		// that window only, anchored at its end
		window := s[max(0, at-80):at]
		if at > 80 { // start at a word
			if k := strings.IndexByte(window, ' '); k >= 0 {
				window = window[k+1:]
			}
		}
		m := reStreamName.FindStringSubmatch(window)
		if m == nil {
			continue
		}
		name := strings.TrimSpace(m[1])
		if len(findStreams(name+" ")) == 0 && !reStreamFamily.MatchString(name) {
			if _, ok := StreamOf(name); !ok {
				return true
			}
		}
	}
}
