package scraper

// Draw extraction composes a draw from parts the text binds together,
// clause by clause: a stream (named in the clause, else the nearest earlier
// sentence, else the title), a score band (any filler joined to any band
// form, see bandsIn), a NOC set (codes in the clause, else the list, table
// or lines that follow), a count and a date. So a sentence giving two
// streams their own bands over one shared list, or a band form met with a
// NOC form never seen together, reads without a rule of its own.

import (
	"strconv"
	"strings"

	"github.com/drawwatch/drawwatch"
)

// sectionList is a NOC list under a sub-heading ("Manufacturing (outside the
// GTA only):") met before any band.
type sectionList struct {
	category string
	item     int
	nocs     []drawwatch.NOC
}

// extraction is what one announcement yields: its draws, the count it
// states for them together, and the sentences no draw accounts for.
type extraction struct {
	draws    []drawwatch.Draw
	total    *int
	unparsed []string
}

// drawExtractor reads one announcement's items into draws.
type drawExtractor struct {
	b         *annBuilder
	year      int
	sourceURL string
	items     []item
	issueDate string
	titleCat  *string // titleCategory(b.title), read when first needed
	// sentenceCategory of the last sentence asked about
	catSentence, sentenceCat string
	dates                    map[int]string // itemDate by item, read once

	draws  []drawwatch.Draw
	origin []int // item of each draw, -1 for none
	group  []int // band sentence of each draw: draws of one sentence share it

	seen         sentencesRead // for the stream a statement refers to
	section      string        // category of the current sub-heading
	sectionStart int           // first draw of the current section
	parent       int           // last draw before the current sub-heading
	split        map[int]bool  // draws split over sub-heading lists
	pending      []drawwatch.NOC
	groups       int           // band sentences read
	sectionLists []sectionList // lists under sub-headings before any draw
	lastText     string
	acct         accounts
}

// extractDraws reads the draws an announcement reports. An issuance with
// no stated band (EMPP draws, older pages) gives one draw per stream it
// names.
func extractDraws(b *annBuilder, text string, year int, sourceURL string) extraction {
	// Text holds the title and every sentence, and each sentence that
	// reports an issuance holds "ssu" or "draw" (see issued): without
	// them, only a title ending "invited" reports one. Most news stops here.
	if !strings.Contains(text, "ssu") && !strings.Contains(text, "draw") && !strings.Contains(text, "nvited") && !strings.Contains(text, " sent ") {
		return extraction{unparsed: newsUnparsed(b)}
	}
	items := announcementItems(b)
	if !reportsIssuance(b.title, items) {
		return extraction{unparsed: newsUnparsed(b)}
	}
	x := &drawExtractor{b: b, year: year, sourceURL: sourceURL, items: items, dates: map[int]string{},
		parent: -1, split: map[int]bool{}, acct: newAccounts(items)}
	x.issueDate = issuanceDate(items, year, b.posted)
	for ii, it := range items {
		switch it.kind {
		case itemHeading:
			x.heading(it)
		case itemNOCs:
			x.nocList(ii, it)
		case itemText:
			for si, s := range it.sentences {
				x.sentence(ii, si, s)
				x.lastText = s
			}
		}
	}
	x.dropSplit()
	if len(x.draws) == 0 {
		x.draws = issuanceDraws(items, b.title, x.newDraw)
		x.origin = make([]int, len(x.draws))
		x.group = make([]int, len(x.draws))
		for i := range x.origin {
			x.origin[i], x.group[i] = -1, -1
		}
		x.splitBySection()
	}
	x.draws, x.origin = dropRepeats(x.draws, x.origin)
	if len(x.draws) == 0 {
		// an issuance the extractor made no draw of: what it says is unread
		return extraction{unparsed: x.acct.unparsed(nil)}
	}
	total := assignCounts(x.draws, x.origin, items)
	x.finish(text)
	return extraction{draws: x.draws, total: total, unparsed: x.acct.unparsed(x.draws)}
}

func (x *drawExtractor) newDraw(stream drawwatch.Stream, category string) drawwatch.Draw {
	inv, sk := stream.Kinds()
	return drawwatch.Draw{
		Program: drawwatch.Program, Stream: stream, StreamName: stream.Name(), Category: category,
		Date: x.issueDate, Invitation: inv, ScoreKind: sk, SourceURL: x.sourceURL,
	}
}

func (x *drawExtractor) heading(it item) {
	h := it.sentences[0]
	x.section = ""
	if looksLikeSubheading(h) {
		x.section = categoryName(strings.TrimSuffix(h, ":"))
	}
	if c := knownCategory(h); c != "" {
		x.section = c
	}
	x.pending = nil
	x.acct.dropPending()
	x.sectionStart = len(x.draws)
	x.parent = len(x.draws) - 1
}

// nocList gives a list (ul, table, lines) to the draws of the band
// sentence before it: all of them when that sentence binds several streams
// to one list, only those the sentence just before the list names when it
// names some.
func (x *drawExtractor) nocList(ii int, it item) {
	switch {
	case len(x.draws) > x.sectionStart:
		for _, i := range x.listTargets() {
			x.draws[i].NOCs = append(x.draws[i].NOCs, it.nocs...)
		}
		x.acct.useList(ii)
	case x.parent >= 0 && x.section != "":
		// a band stated once, then NOC lists under sub-headings
		// (2021: "Health and agricultural occupations:")
		d := x.draws[x.parent]
		d.Category = x.section
		d.NOCs = append([]drawwatch.NOC(nil), it.nocs...)
		x.split[x.parent] = true
		x.draws = append(x.draws, d)
		x.origin = append(x.origin, ii)
		x.group = append(x.group, x.group[x.parent])
		x.acct.useList(ii)
	default:
		if len(x.draws) == 0 && x.section != "" {
			x.sectionLists = append(x.sectionLists, sectionList{x.section, ii, it.nocs})
		}
		x.pending = append(x.pending, it.nocs...)
		x.acct.pendList(ii)
	}
}

// splitBySection gives a lone issuance draw with no band one draw per
// sub-heading list: "targeted candidates ... in the NOC below: Health and
// agricultural occupations: <ul> Manufacturing: <ul>" (2021).
func (x *drawExtractor) splitBySection() {
	if len(x.draws) != 1 || len(x.sectionLists) < 2 {
		if len(x.draws) == 1 && len(x.pending) > 0 {
			x.draws[0].NOCs = x.pending
			x.acct.usePending()
		}
		return
	}
	base := x.draws[0]
	x.draws, x.origin, x.group = nil, nil, nil
	for _, sl := range x.sectionLists {
		d := base
		d.Category, d.NOCs = sl.category, append([]drawwatch.NOC(nil), sl.nocs...)
		x.draws = append(x.draws, d)
		x.origin = append(x.origin, -1)
		x.group = append(x.group, -1)
		x.acct.useList(sl.item)
	}
}

// listTargets are the draws a list that follows belongs to.
func (x *drawExtractor) listTargets() []int {
	last := len(x.draws) - 1
	var group []int
	for i := last; i >= x.sectionStart && x.group[i] == x.group[last]; i-- {
		group = append([]int{i}, group...)
	}
	if len(group) > 1 {
		named := findStreams(x.lastText)
		var picked []int
		for _, i := range group {
			for _, st := range named {
				if x.draws[i].Stream == st {
					picked = append(picked, i)
					break
				}
			}
		}
		if len(picked) > 0 && len(picked) < len(group) {
			return picked
		}
	}
	return group
}

// sentence reads the bands one sentence states, each bound to its clause's
// stream, category, date and codes.
func (x *drawExtractor) sentence(ii, si int, s string) {
	bands := bandsIn(s)
	if len(bands) == 0 && len(x.draws) > x.sectionStart {
		// "... in one of the following codes: NOC 44101, NOC 75101 or NOC
		// 94140." after a band: the codes are its list, written inline
		if codes := inlineNOCsAt(s); len(codes) > 0 {
			for _, i := range x.listTargets() {
				for _, c := range codes {
					x.draws[i].NOCs = append(x.draws[i].NOCs, c.noc)
				}
			}
			x.acct.readCodes(ii, si)
		}
	}
	if len(bands) == 0 || statesRule(s) {
		x.seen.add(s)
		return
	}
	mentions := streamMentions(s)
	x.groups++
	var prev []drawwatch.Stream
	var drawBand []int // band of each draw this sentence makes
	var cats []string  // occupation group of each band, when there are several
	if len(bands) > 1 {
		cats = bandCategories(s, bands)
	}
	from := 0
	first := len(x.draws)
	for bi, bd := range bands {
		next := len(s)
		if bi+1 < len(bands) {
			next = bands[bi+1].start
		}
		streams := boundStreams(s, mentions, from, bd.start)
		end := bd.end
		if len(streams) == 0 {
			// "a score of 50 and above received an invitation under the
			// Foreign Worker stream": the first stream after the band
			for _, m := range mentions {
				if m.start >= bd.end && m.start < next {
					streams, end = []drawwatch.Stream{m.slug}, m.end
					break
				}
			}
		}
		if len(streams) == 0 {
			streams = prev
		}
		if len(streams) == 0 {
			st, ok := statementStream(s, &x.seen, x.b.title)
			if !ok {
				continue
			}
			streams = []drawwatch.Stream{st}
		}
		prev = streams
		clause := s[from:bd.end]
		for _, st := range streams {
			d := x.newDraw(st, x.category(s, cats, bi))
			d.ScoreMin, d.ScoreMax = bd.lo, bd.hi
			d.Date = x.clauseDate(ii, clause, len(bands) > 1)
			x.draws = append(x.draws, d)
			x.origin = append(x.origin, ii)
			x.group = append(x.group, x.groups)
			drawBand = append(drawBand, bi)
		}
		x.acct.readBand(ii, si)
		from = end
	}
	x.seen.add(s)
	x.inlineCodes(ii, si, s, bands, first, drawBand)
}

// category is a band's category: its sub-heading's, else the occupation
// group named nearest it in a sentence of several bands, else its
// sentence's, else the title's.
func (x *drawExtractor) category(s string, cats []string, bi int) string {
	if x.section != "" {
		return x.section
	}
	if bi < len(cats) && cats[bi] != "" {
		return cats[bi]
	}
	if s != x.catSentence { // one sentence's draws ask in turn: read it once
		x.catSentence, x.sentenceCat = s, sentenceCategory(s)
	}
	if x.sentenceCat != "" {
		return x.sentenceCat
	}
	if x.titleCat == nil {
		c := titleCategory(x.b.title)
		x.titleCat = &c
	}
	return *x.titleCat
}

// clauseDate is the date a clause of a sentence with several bands gives
// its draw ("on April 8"), else its paragraph's, else the announcement's.
func (x *drawExtractor) clauseDate(ii int, clause string, several bool) string {
	if several {
		if loc := reOnDate.FindStringIndex(clause); loc != nil {
			if d, ok := firstDateIn(clause[loc[0]:], x.yearOfPost()); ok {
				return d
			}
		}
	}
	if _, ok := x.dates[ii]; !ok {
		x.dates[ii] = itemDate(x.items[ii], x.year)
	}
	if dt := x.dates[ii]; dt != "" {
		return dt
	}
	return x.issueDate
}

func (x *drawExtractor) yearOfPost() int {
	if len(x.b.posted) >= 4 {
		if y, err := strconv.Atoi(x.b.posted[:4]); err == nil {
			return y
		}
	}
	return x.year
}

// inlineCodes gives the codes a band sentence names to its draws: a code
// belongs to the band before it; codes after the last band, when no other
// band has codes of its own, are a list the sentence's bands share.
func (x *drawExtractor) inlineCodes(ii, si int, s string, bands []bandAt, first int, drawBand []int) {
	codes := inlineNOCsAt(s)
	if len(codes) == 0 {
		if len(x.pending) > 0 {
			// a list before the bands applies to each of them (2020)
			for i := first; i < len(x.draws); i++ {
				x.draws[i].NOCs = append([]drawwatch.NOC(nil), x.pending...)
			}
			if len(x.draws) > first {
				x.acct.usePending()
			}
		}
		return
	}
	own := make([][]drawwatch.NOC, len(bands))
	for _, c := range codes {
		bi := 0
		for bi+1 < len(bands) && bands[bi+1].start < c.at {
			bi++
		}
		own[bi] = append(own[bi], c.noc)
	}
	shared := len(bands) > 1
	for _, o := range own[:len(bands)-1] {
		shared = shared && len(o) == 0
	}
	for i := first; i < len(x.draws); i++ {
		bi := drawBand[i-first]
		if shared {
			bi = len(bands) - 1
		}
		x.draws[i].NOCs = append(x.draws[i].NOCs, own[bi]...)
	}
	if len(x.draws) > first {
		x.acct.readCodes(ii, si)
	}
}

// dropSplit drops a band that was split over sub-heading lists: it is not
// a draw of its own.
func (x *drawExtractor) dropSplit() {
	if len(x.split) == 0 {
		return
	}
	kept, keptOrigin, keptGroup := x.draws[:0], x.origin[:0], x.group[:0]
	for i, d := range x.draws {
		if x.split[i] && len(d.NOCs) == 0 {
			continue
		}
		kept = append(kept, d)
		keptOrigin = append(keptOrigin, x.origin[i])
		keptGroup = append(keptGroup, x.group[i])
	}
	x.draws, x.origin, x.group = kept, keptOrigin, keptGroup
}

// finish sets what the announcement states for all its draws: profile
// window, deadline, the posted date where none is stated, the targeted
// note, and NOC lists without repeats.
func (x *drawExtractor) finish(text string) {
	from, to := profileWindow(x.items, x.year)
	deadline := ""
	forSentences(x.items, func(s string) bool {
		if !strings.Contains(s, "eadline") && !strings.Contains(s, "ubmit") {
			return true
		}
		if m := reDeadline.FindStringSubmatch(s); m != nil {
			deadline, _ = ParseDate(m[1], x.year)
			return false
		}
		return true
	})
	within := 0
	if deadline == "" {
		within = deadlineWithinDays(x.items)
	}
	targeted := containsFold(text, "targeted")
	for i := range x.draws {
		d := &x.draws[i]
		d.ProfilesFrom, d.ProfilesTo, d.Deadline = from, to, deadline
		if d.Date == "" {
			d.Date = x.b.posted
		}
		if within > 0 {
			d.Deadline = addDays(d.Date, within) // counted from the invitation, the draw's date
		}
		if targeted {
			d.Notes = joinNote(d.Notes, "targeted draw")
		}
		d.NOCs = drawwatch.NormalizeNOCs(d.NOCs)
	}
}

func dropRepeats(draws []drawwatch.Draw, drawItem []int) ([]drawwatch.Draw, []int) {
	kept := draws[:0]
	n := 0
	for i, d := range draws {
		dup := false
		for _, k := range kept {
			if k.Key() == d.Key() && cmpInt(k.ScoreMin, d.ScoreMin) && cmpInt(k.ScoreMax, d.ScoreMax) {
				dup = true
				break
			}
		}
		if !dup {
			kept = append(kept, d)
			drawItem[n] = drawItem[i]
			n++
		}
	}
	return kept, drawItem[:n]
}

func cmpInt(a, b *int) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

func joinNote(notes, add string) string {
	if notes == "" {
		return add
	}
	return notes + "; " + add
}
