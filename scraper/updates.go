package scraper

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/net/html"

	"github.com/drawwatch/drawwatch"
)

// The yearly updates page is a flat run of siblings inside div.body-field:
// h2 month / h3 posted date / h4 announcement title / p, ul, table ... On
// 2024+ pages each month opens with a table of contents (the dates again,
// each with a ul of in-page links) closed by an hr; the details follow.

// parseUpdates reads a parsed yearly updates page. raw is the document as
// fetched, used only to tell whether it was cut off.
func parseUpdates(doc *html.Node, raw []byte, pageURL string) *drawwatch.Page {
	page := &drawwatch.Page{Kind: drawwatch.PageUpdates, URL: pageURL, Announcements: []drawwatch.Announcement{}}
	p := &updatesParser{page: page, pageURL: pageURL, year: pageYear(doc, pageURL), ids: map[string]int{}}
	container := findContainer(doc)
	if container == nil {
		return page
	}
	var kids []*html.Node
	for c := container.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			kids = append(kids, c)
		}
	}
	skip := tocSkips(kids)
	for i, n := range kids {
		if skip[i] {
			continue
		}
		p.element(n)
	}
	p.finish()
	if truncated(raw) {
		page.Truncated = true
		// the announcement in progress when the document ended is partial
		if len(page.Announcements) > 0 {
			page.Announcements = page.Announcements[:len(page.Announcements)-1]
		}
	}
	return page
}

// truncated reports a document that ends mid-way: mid-tag or mid-text
// (the last byte is not a tag's ">"), or a full document without </html>.
func truncated(raw []byte) bool {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 {
		return false
	}
	if t[len(t)-1] != '>' {
		return true
	}
	head := t
	if len(head) > 1024 {
		head = head[:1024]
	}
	if bytes.Contains(bytes.ToLower(head), []byte("<html")) {
		tail := t
		if len(tail) > 64 {
			tail = tail[len(tail)-64:]
		}
		return !bytes.Contains(bytes.ToLower(tail), []byte("</html>"))
	}
	return false
}

var reYearURL = regexp.MustCompile(`(\d{4})-ontario-immigrant-nominee-program-updates`)
var reYearTitle = regexp.MustCompile(`(?i)(\d{4}) Ontario Immigrant Nominee Program`)

// pageYear is the year date headings without one ("December 17") belong
// to: from the page URL, else the title or h1, else the first dated heading
// that states a year.
func pageYear(doc *html.Node, pageURL string) int {
	if m := reYearURL.FindStringSubmatch(pageURL); m != nil {
		y, _ := strconv.Atoi(m[1])
		return y
	}
	year := 0
	var walk func(n *html.Node) bool
	walk = func(n *html.Node) bool {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "title", "h1":
				if m := reYearTitle.FindStringSubmatch((nodeText(n))); m != nil {
					year, _ = strconv.Atoi(m[1])
					return true
				}
			case "link":
				if m := reYearURL.FindStringSubmatch(attr(n, "href")); m != nil {
					year, _ = strconv.Atoi(m[1])
					return true
				}
			case "h3":
				if m := reLeadDate.FindStringSubmatch((nodeText(n))); m != nil && m[3] != "" {
					year, _ = strconv.Atoi(m[3])
					return true
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if walk(c) {
				return true
			}
		}
		return false
	}
	walk(doc)
	return year
}

// findContainer returns the element whose direct children hold the most
// dated h3 headings: div.body-field on full pages, body on the body-only
// capture. nil when no element has any (a stream page).
func findContainer(doc *html.Node) *html.Node {
	var best *html.Node
	bestN := 0
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		count := 0
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode {
				if c.Data == "h3" && isDateHeading(c) {
					count++
				}
				walk(c)
			}
		}
		if count > bestN {
			best, bestN = n, count
		}
	}
	walk(doc)
	return best
}

func isDateHeading(n *html.Node) bool {
	_, _, ok := leadDate((nodeText(n)), 2000)
	return ok
}

// tocSkips marks the month tables of contents of 2024+ pages: between a
// month h2 and the hr that closes its TOC there are only date headings,
// in-page link lists and the odd alert box, never an h4. A month without
// that hr, or with an h4 before it, has no TOC.
func tocSkips(kids []*html.Node) []bool {
	skip := make([]bool, len(kids))
	for i, n := range kids {
		if n.Data != "h2" {
			continue
		}
		links := false
		for j := i + 1; j < len(kids) && kids[j].Data != "h2" && kids[j].Data != "h4"; j++ {
			if isLinkList(kids[j]) {
				links = true
			}
			if kids[j].Data == "hr" {
				if links {
					for k := i + 1; k <= j; k++ {
						skip[k] = true
					}
				}
				break
			}
		}
	}
	return skip
}

// isLinkList reports a ul whose items are all links within the page.
func isLinkList(n *html.Node) bool {
	if n.Data != "ul" && n.Data != "ol" {
		return false
	}
	items := 0
	for li := n.FirstChild; li != nil; li = li.NextSibling {
		if li.Type != html.ElementNode || li.Data != "li" {
			continue
		}
		items++
		a := firstElement(li, "a")
		if a == nil || !strings.Contains(attr(a, "href"), "#") {
			return false
		}
	}
	return items > 0
}

type blockRole int

const (
	roleContent blockRole = iota
	roleSubheading
)

type block struct {
	n    *html.Node
	role blockRole
	text string
}

type annBuilder struct {
	posted, anchor, title string
	blocks                []block
}

type updatesParser struct {
	page    *drawwatch.Page
	pageURL string
	year    int
	ids     map[string]int

	inMonth bool   // inside a month section (between a month h2 and the next h2)
	posted  string // ISO date of the current h3 heading
	cur     *annBuilder
}

func (p *updatesParser) element(n *html.Node) {
	switch n.Data {
	case "h2":
		p.finish()
		p.posted = ""
		p.inMonth = monthNumber((nodeText(n))) != 0
		return
	case "hr", "script", "style":
		return
	}
	if !p.inMonth {
		return // intro text, "Related information", footnotes
	}
	text := (nodeText(n))
	switch n.Data {
	case "h3":
		if iso, rest, ok := leadDate(text, p.year); ok {
			p.finish()
			p.posted = iso
			if rest != "" { // "May 30, 2016 Important notification: Fraudulent calls"
				p.start(rest, "")
			}
			return
		}
		p.heading(n, text, "")
	case "h4", "h5", "h6":
		anchor := ""
		if n.Data == "h4" && !hasClass(n, "h5") {
			anchor = attr(n, "id")
		}
		p.heading(n, text, anchor)
	default:
		if p.posted == "" || text == "" {
			return
		}
		if p.cur == nil {
			if isLinkList(n) {
				return // a table of contents that tocSkips could not bound: links only, no announcement
			}
			p.start("", "") // text straight under a date heading: an untitled announcement
		}
		p.cur.blocks = append(p.cur.blocks, block{n: n, role: roleContent, text: text})
	}
}

// heading decides whether a heading starts an announcement or is a
// sub-heading of the current one. An id always starts one. Without an id,
// a short category name ("Health occupations", "Skilled Trades",
// "Manufacturing (outside the GTA only):") inside an announcement is a
// sub-heading; anything longer or phrased as news is a title, since older
// pages and some 2026 entries carry no ids at all.
func (p *updatesParser) heading(n *html.Node, text, anchor string) {
	if p.posted == "" || text == "" {
		return
	}
	// an untitled lead text has no sub-headings: a heading after it is a title
	// nor is a heading repeating the current title ("Important Notice" twice)
	if anchor == "" && p.cur != nil && p.cur.title != "" && text != p.cur.title && (n.Data != "h4" || hasClass(n, "h5") || looksLikeSubheading(text)) {
		p.cur.blocks = append(p.cur.blocks, block{n: n, role: roleSubheading, text: text})
		return
	}
	p.finish()
	p.start(text, anchor)
}

var reNewsVerb = regexp.MustCompile(`(?i)\b(issued|issuance|invited|invitations?|notifications?|open|opens|closed|closing|paused?|now|update|reached|accepting|changes?|launch)\b`)

func looksLikeSubheading(text string) bool {
	t := strings.TrimSuffix(strings.TrimSpace(text), ":")
	if strings.Contains(t, ":") || len(strings.Fields(t)) > 7 {
		return false
	}
	return !reNewsVerb.MatchString(t)
}

func (p *updatesParser) start(title, anchor string) {
	p.cur = &annBuilder{posted: p.posted, title: title, anchor: anchor}
}

func (p *updatesParser) finish() {
	b := p.cur
	p.cur = nil
	if b == nil {
		return
	}
	a := drawwatch.Announcement{
		Posted:    b.posted,
		Anchor:    b.anchor,
		Title:     b.title,
		SourceURL: p.pageURL,
	}
	if b.anchor != "" {
		a.ID = strings.ToLower(b.anchor)
		a.SourceURL = p.pageURL + "#" + b.anchor
	} else if b.title != "" {
		a.ID = drawwatch.Slug(b.posted + "-" + b.title)
	} else {
		// the untitled lead text of a date section: at most one per section
		a.ID = drawwatch.Slug(b.posted)
	}
	// repeated titles on one date ("Important notice" twice) stay distinct,
	// numbered in page order
	p.ids[a.ID]++
	if k := p.ids[a.ID]; k > 1 {
		a.ID += "-" + strconv.Itoa(k)
	}
	var tb strings.Builder
	joinText(&tb, b.title, true)
	for _, bl := range b.blocks {
		joinText(&tb, bl.text, true)
	}
	a.Text = tb.String()
	a.Hash = drawwatch.ContentHash(a.Text)
	a.Draws = extractDraws(b, a.Text, p.year, a.SourceURL)
	a.Kind = drawwatch.KindNews
	if len(a.Draws) > 0 {
		a.Kind = drawwatch.KindDraw
	} else {
		a.Draws = nil
	}
	p.page.Announcements = append(p.page.Announcements, a)
}

// nodeText is the text content of n, with a space between block elements
// and between inline pieces except next to hugging punctuation (see
// joinText), so markup indentation never changes it.
func nodeText(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node, hard bool) bool
	walk = func(n *html.Node, hard bool) bool {
		switch n.Type {
		case html.TextNode:
			t := NormalizeSpace(n.Data)
			if t != "" {
				joinText(&b, t, hard)
				return false
			}
			return hard
		case html.ElementNode:
			switch n.Data {
			case "script", "style", "template":
				return hard
			case "br":
				return true
			}
		case html.CommentNode:
			return hard
		}
		isBlock := n.Type == html.ElementNode && blockElements[n.Data]
		if isBlock {
			hard = true
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			hard = walk(c, hard)
		}
		return hard || isBlock
	}
	walk(n, false)
	return b.String()
}

var blockElements = map[string]bool{
	"p": true, "div": true, "li": true, "ul": true, "ol": true, "table": true, "tr": true, "td": true, "th": true,
	"caption": true, "thead": true, "tbody": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"blockquote": true, "section": true, "article": true, "dl": true, "dt": true, "dd": true, "figure": true, "figcaption": true,
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	for _, c := range strings.Fields(attr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}

func firstElement(n *html.Node, tag string) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			if c.Data == tag {
				return c
			}
			if f := firstElement(c, tag); f != nil {
				return f
			}
		}
	}
	return nil
}

// itemKind sorts the pieces of an announcement for draw extraction.
type itemKind int

const (
	itemText    itemKind = iota // a paragraph, or one non-NOC list's items
	itemHeading                 // a sub-heading naming a category
	itemNOCs                    // a list of occupation codes
)

type item struct {
	kind      itemKind
	sentences []string
	nocs      []drawwatch.NOC
}

// announcementItems turns an announcement's blocks into items. Lists whose
// items are mostly occupation codes become NOC lists; other lists give one
// sentence group per item, since the 2018 and 2021 pages put a draw's
// figures in list items ("CRS score range: 351-446").
func announcementItems(b *annBuilder) []item {
	items := make([]item, 0, len(b.blocks))
	for _, bl := range b.blocks {
		if bl.role == roleSubheading {
			items = append(items, item{kind: itemHeading, sentences: []string{bl.text}})
			continue
		}
		if bl.n.Data == "ul" || bl.n.Data == "ol" {
			var texts []string
			var nocs []drawwatch.NOC
			for li := bl.n.FirstChild; li != nil; li = li.NextSibling {
				if li.Type != html.ElementNode || li.Data != "li" {
					continue
				}
				t := (nodeText(li))
				texts = append(texts, t)
				if noc, ok := ParseNOC(t); ok {
					nocs = append(nocs, noc)
				}
			}
			if len(nocs) > 0 && 2*len(nocs) >= len(texts) {
				items = append(items, item{kind: itemNOCs, nocs: nocs})
				continue
			}
			var sentences []string
			for _, t := range texts {
				sentences = append(sentences, splitSentences(t)...)
			}
			items = append(items, item{kind: itemText, sentences: sentences})
			continue
		}
		if lines := brLines(bl.n); len(lines) > 1 {
			var nocs []drawwatch.NOC
			for _, l := range lines {
				if noc, ok := ParseNOC(l); ok {
					nocs = append(nocs, noc)
				}
			}
			if len(nocs) > 0 && 2*len(nocs) >= len(lines) { // 2020: codes as <br>-separated lines of a p
				items = append(items, item{kind: itemNOCs, nocs: nocs})
				continue
			}
		}
		if reNOCLine.MatchString(bl.text) { // 2020: one code per p
			if noc, ok := ParseNOC(bl.text); ok {
				if last := len(items) - 1; last >= 0 && items[last].kind == itemNOCs {
					items[last].nocs = append(items[last].nocs, noc)
				} else {
					items = append(items, item{kind: itemNOCs, nocs: []drawwatch.NOC{noc}})
				}
				continue
			}
		}
		items = append(items, item{kind: itemText, sentences: splitSentences(bl.text)})
	}
	return items
}

// reNOCLine is a paragraph that is only a code and a title ("7236 -
// Ironworkers"); the dash keeps "2023 OINP results" from reading as one.
var reNOCLine = regexp.MustCompile(`^(?:NOC\s*)?\d{4,5}\s*-\s*[A-Za-z][^.]*$`)

// brLines splits an element's text at its <br> elements; nil when it has none.
func brLines(n *html.Node) []string {
	if firstElement(n, "br") == nil {
		return nil
	}
	var lines []string
	var cur strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			joinText(&cur, NormalizeSpace(n.Data), false)
		case n.Type == html.ElementNode && n.Data == "br":
			if t := NormalizeSpace(cur.String()); t != "" {
				lines = append(lines, t)
			}
			cur.Reset()
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	if t := NormalizeSpace(cur.String()); t != "" {
		lines = append(lines, t)
	}
	return lines
}

var (
	// past-tense issuance: "we issued 1,234 invitations", "the OINP has
	// issued Notifications of Interest", "Invitations to Apply Issued"
	reIssued = regexp.MustCompile(`(?i)\b(?:issued|issuance of|conducted (?:a|two|three|\w+ separate) [\w ]*draws?)\b[^.]{0,160}?\b(?:invitations?|notifications?|NOIs?|ITAs?)\b|\b(?:invitations?|notifications?|NOIs?|ITAs?)\b(?: to apply| of interest)?(?: \([A-Z]+\))?(?: were| was| have been| has been)? issued\b|\bissued\b[^.]{0,40}\b(?:draws?)\b`)
	// "we issued 1,063 invitations", "issued 2 targeted invitations", "issued four targeted invitations"
	reCount     = regexp.MustCompile(`(?i)\bissued (?:a total of )?(\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty) (?:new |additional )?(?:targeted )?(?:invitations?|notifications?|NOIs?|ITAs?)\b|(?i)\bnumber of (?:invitations|notifications(?: of interest)?|NOIs|ITAs)(?: issued)?:\s*(\d[\d,]*)|\band (\d[\d,]*) (?:invitations?|notifications?)\b`)
	reCountOnly = regexp.MustCompile(`(\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)`)
	// sentences that state a rule rather than a draw's band
	reNotBand = regexp.MustCompile(`(?i)\b(?:maintain|required minimum|will|as long as)\b`)
	// "Candidates in agriculture-related occupations with a score ..."
	reSentenceCategory = regexp.MustCompile(`(?i)\bcandidates in ((?:[\w-]+ ){0,4}occupations)\b|\bfor candidates with ((?:[\w-]+ ){0,8}experience)\b`)
	reOnDate           = regexp.MustCompile(`(?i)\bon ` + monthPattern + `\s+\d{1,2}`)
	rePortalSearch     = regexp.MustCompile(`(?i)portal search:\s*`)
	reProfilesBetween  = regexp.MustCompile(`(?i)(?:profiles?|expressions? of interest|EOIs?)\b[^.]{0,80}?\b(?:created|submitted|scored|registered)\b[^.]{0,60}?\bbetween ([A-Za-z]+ \d{1,2},? \d{4}) and ([A-Za-z]+ \d{1,2},? \d{4})|profile submitted:\s*([A-Za-z]+ \d{1,2},? \d{4}) to ([A-Za-z]+ \d{1,2},? \d{4})`)
	reProfilesBy       = regexp.MustCompile(`(?i)(?:profiles?|expressions? of interest|EOIs?)\b[^.]{0,80}?\b(?:created|submitted|scored|registered|attested to)\b[^.]{0,40}?\bby ([A-Za-z]+ \d{1,2},? \d{4})`)
	reDeadline         = regexp.MustCompile(`(?i)\b(?:deadline|submit (?:your|an|their) (?:online |complete )?applications?)\b[^.]{0,80}?\b(?:by|on|before) ([A-Za-z]+ \d{1,2},? \d{4})`)
)

// knownCategories are sub-categories written in many ways; each maps to the
// words the table pages use too, so the store can match draws across pages.
var knownCategories = []struct {
	re   *regexp.Regexp
	name string
}{
	{regexp.MustCompile(`(?i)economic mobility pathways|\bEMPP\b`), "Economic Mobility Pathways Project"},
	{regexp.MustCompile(`(?i)regional economic development through immigration|\bREDI\b`), "Regional Economic Development through Immigration"},
	{regexp.MustCompile(`(?i)early childhood educators?`), "Early childhood educators and assistants"},
	{regexp.MustCompile(`(?i)francophone|french-speaking candidates`), "French-speaking"},
	{regexp.MustCompile(`(?i)^tech draw\b`), "Tech occupations"},
}

func knownCategory(s string) string {
	for _, c := range knownCategories {
		if c.re.MatchString(s) {
			return c.name
		}
	}
	return ""
}

var reParen = regexp.MustCompile(`\s*\([^)]*\)`)
var reCategoryWords = regexp.MustCompile(`(?i)occupations|trades|ontario\b|\barea\b|physicians?\b`)

// titleCategory reads the sub-category an announcement title names after
// its stream ("...stream: health occupations invited", "...streams:
// candidates invited in Northern Ontario"), or "" when it names none.
func titleCategory(title string) string {
	if c := knownCategory(title); c != "" {
		return c
	}
	t := title
	i, j := strings.LastIndex(t, ": "), strings.LastIndex(t, " - ")
	switch {
	case i < 0 && j < 0:
		return ""
	case i > j:
		t = t[i+2:]
	default:
		t = t[j+3:]
	}
	t = reParen.ReplaceAllString(t, "")
	t = strings.TrimSpace(t)
	for _, cut := range []string{"candidates invited in the ", "candidates invited in ", "candidates invited under the ", "candidates invited under "} {
		if strings.HasPrefix(strings.ToLower(t), cut) {
			t = t[len(cut):]
		}
	}
	for _, cut := range []string{" candidates invited", " invited", " pilot"} {
		if strings.HasSuffix(strings.ToLower(t), cut) {
			t = t[:len(t)-len(cut)]
		}
	}
	t = strings.TrimSpace(t)
	if t == "" || !reCategoryWords.MatchString(t) || reNewsVerb.MatchString(t) || len(findStreams(t)) > 0 {
		return ""
	}
	return sentenceCase(t)
}

// extractDraws reads the draws an announcement reports: one per score
// statement (a sentence stating a band), each with the stream its sentence
// or the text before it names, the category of its sub-heading, sentence or
// title, and the NOC list that follows it. An issuance with no stated band
// (EMPP draws, older pages) gives one draw per stream it names.
func extractDraws(b *annBuilder, text string, year int, sourceURL string) []drawwatch.Draw {
	items := announcementItems(b)
	if !reportsIssuance(b.title, items) {
		return nil
	}
	issueDate := issuanceDate(items, year, b.posted)

	var draws []drawwatch.Draw
	var drawItem []int // index of the item each draw came from
	var seen []string  // sentences read so far, for finding the stream a statement refers to
	section := ""      // category of the current sub-heading
	sectionStart := 0  // first draw index in the current section
	parent := -1       // last draw before the current sub-heading
	split := map[int]bool{}
	var pending []drawwatch.NOC

	newDraw := func(stream drawwatch.Stream, category string) drawwatch.Draw {
		inv, sk := InvitationKind(stream)
		return drawwatch.Draw{
			Program: drawwatch.Program, Stream: stream, StreamName: StreamName(stream), Category: category,
			Date: issueDate, Invitation: inv, ScoreKind: sk, SourceURL: sourceURL,
		}
	}

	for ii, it := range items {
		switch it.kind {
		case itemHeading:
			section = ""
			if h := it.sentences[0]; looksLikeSubheading(h) {
				section = sentenceCase(strings.TrimSuffix(h, ":"))
			}
			if c := knownCategory(it.sentences[0]); c != "" {
				section = c
			}
			pending = nil
			sectionStart = len(draws)
			parent = len(draws) - 1
		case itemNOCs:
			switch {
			case len(draws) > sectionStart:
				d := &draws[len(draws)-1]
				d.NOCs = append(d.NOCs, it.nocs...)
			case parent >= 0 && section != "":
				// a band stated once, then NOC lists under sub-headings
				// (2021: "Health and agricultural occupations:")
				d := draws[parent]
				d.Category = section
				d.NOCs = append([]drawwatch.NOC(nil), it.nocs...)
				split[parent] = true
				draws = append(draws, d)
				drawItem = append(drawItem, ii)
			default:
				pending = append(pending, it.nocs...)
			}
		case itemText:
			for si, s := range it.sentences {
				lo, hi, ok := scoreBand(s)
				if !ok || reNotBand.MatchString(s) {
					seen = append(seen, s)
					continue
				}
				stream, ok := statementStream(s, it.sentences[:si], seen, b.title)
				seen = append(seen, s)
				if !ok {
					continue
				}
				category := section
				if category == "" {
					category = sentenceCategory(s)
				}
				if category == "" {
					category = titleCategory(b.title)
				}
				d := newDraw(stream, category)
				d.ScoreMin, d.ScoreMax = lo, hi
				if dt := itemDate(it, year); dt != "" {
					d.Date = dt
				}
				d.NOCs = inlineNOCs(s)
				if len(pending) > 0 && len(d.NOCs) == 0 {
					// a list before the bands applies to each of them (2020)
					d.NOCs = append([]drawwatch.NOC(nil), pending...)
				}
				draws = append(draws, d)
				drawItem = append(drawItem, ii)
			}
		}
	}
	// a band that was split over sub-heading lists is not a draw of its own
	if len(split) > 0 {
		kept := draws[:0]
		keptItem := drawItem[:0]
		for i, d := range draws {
			if split[i] && len(d.NOCs) == 0 {
				continue
			}
			kept = append(kept, d)
			keptItem = append(keptItem, drawItem[i])
		}
		draws, drawItem = kept, keptItem
	}
	if len(draws) == 0 {
		draws = issuanceDraws(items, b.title, text, newDraw)
		drawItem = make([]int, len(draws))
		for i := range drawItem {
			drawItem[i] = -1
		}
		if len(draws) == 1 && len(pending) > 0 {
			draws[0].NOCs = pending
		}
	}
	draws = dropRepeats(draws, drawItem)
	if len(draws) == 0 {
		return nil
	}
	assignCounts(draws, drawItem, items)
	from, to := profileWindow(items, year)
	deadline := ""
	forSentences(items, func(s string) bool {
		if !strings.Contains(s, "eadline") && !strings.Contains(s, "ubmit") {
			return true
		}
		if m := reDeadline.FindStringSubmatch(s); m != nil {
			deadline, _ = ParseDate(m[1], year)
			return false
		}
		return true
	})
	targeted := strings.Contains(strings.ToLower(text), "targeted")
	for i := range draws {
		d := &draws[i]
		d.ProfilesFrom, d.ProfilesTo, d.Deadline = from, to, deadline
		if d.Date == "" {
			d.Date = b.posted
		}
		if targeted {
			d.Notes = joinNote(d.Notes, "targeted draw")
		}
		if d.NOCs == nil {
			d.NOCs = []drawwatch.NOC{}
		}
	}
	return draws
}

// dropRepeats removes a draw that repeats an earlier one's key and band
// (a band restated further down), keeping drawItem in step.
func dropRepeats(draws []drawwatch.Draw, drawItem []int) []drawwatch.Draw {
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
	return kept
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

// reportsIssuance reports whether the title or a sentence says invitations
// or notifications were issued. Sentence by sentence, so that a title
// "Notifications of interest will be issued" followed by "On December 15
// ... will issue targeted notifications" is not read as an issuance.
// issued reports a sentence of issuance; the substring test spares the
// regexp most sentences.
func issued(s string) bool {
	if !strings.Contains(s, "ssu") && !strings.Contains(s, "draw") {
		return false
	}
	return reIssued.MatchString(s)
}

func reportsIssuance(title string, items []item) bool {
	if issued(title) || strings.HasSuffix(strings.ToLower(title), " invited") {
		return true
	}
	for _, it := range items {
		if it.kind != itemText {
			continue
		}
		for _, s := range it.sentences {
			if issued(s) {
				return true
			}
		}
	}
	return false
}

// statementStream finds the stream a score statement refers to: the one its
// own sentence names, else the nearest earlier sentence of its paragraph,
// else the nearest earlier sentence of the announcement, else the title.
func statementStream(s string, before, seen []string, title string) (drawwatch.Stream, bool) {
	if st := findStreams(s); len(st) > 0 {
		return st[0], true
	}
	for i := len(before) - 1; i >= 0; i-- {
		if st := findStreams(before[i]); len(st) > 0 {
			return st[len(st)-1], true
		}
	}
	for i := len(seen) - 1; i >= 0; i-- {
		if st := findStreams(seen[i]); len(st) > 0 {
			return st[len(st)-1], true
		}
	}
	if st := findStreams(title); len(st) > 0 {
		return st[0], true
	}
	return "", false
}

func sentenceCategory(s string) string {
	if c := knownCategory(s); c != "" {
		return c
	}
	if m := reSentenceCategory.FindStringSubmatch(s); m != nil {
		return sentenceCase(m[1] + m[2])
	}
	return ""
}

// issuanceDate is the draw date the text states: the date of the first
// sentence that reports an issuance ("On February 6, 2024, we issued ..."),
// else of a portal search (2018), else "" (the caller falls back to the
// posted date).
func issuanceDate(items []item, year int, posted string) string {
	if y, err := strconv.Atoi(posted[:min(4, len(posted))]); err == nil {
		year = y // "On December 15 the OINP issued" belongs to the posted year
	}
	for _, it := range items {
		for _, s := range it.sentences {
			if it.kind != itemText || !issued(s) {
				continue
			}
			if loc := reOnDate.FindStringIndex(s); loc != nil {
				if ds := findDates(s[loc[0]:], year); len(ds) > 0 {
					return ds[0]
				}
			}
		}
	}
	for _, it := range items {
		for _, s := range it.sentences {
			if loc := rePortalSearch.FindStringIndex(s); loc != nil {
				if ds := findDates(s[loc[1]:], year); len(ds) > 0 {
					return ds[0]
				}
			}
		}
	}
	return ""
}

// itemDate is the issuance date a statement's own paragraph states, for
// announcements that report draws on different days.
func itemDate(it item, year int) string {
	for _, s := range it.sentences {
		if !issued(s) {
			continue
		}
		if loc := reOnDate.FindStringIndex(s); loc != nil {
			if ds := findDates(s[loc[0]:], year); len(ds) > 0 {
				return ds[0]
			}
		}
	}
	return ""
}

// issuanceDraws makes one draw per stream named by the sentences that
// report an issuance, for announcements that state no score band.
func issuanceDraws(items []item, title, text string, newDraw func(drawwatch.Stream, string) drawwatch.Draw) []drawwatch.Draw {
	var draws []drawwatch.Draw
	have := map[drawwatch.Stream]bool{}
	for _, it := range items {
		if it.kind != itemText {
			continue
		}
		for _, s := range it.sentences {
			if !issued(s) {
				continue
			}
			for _, st := range findStreams(s) {
				if have[st] {
					continue
				}
				have[st] = true
				cat := sentenceCategory(s)
				if cat == "" {
					cat = titleCategory(title)
				}
				draws = append(draws, newDraw(st, cat))
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

// assignCounts sets Invitations where the text ties a count to one draw: a
// count in the draw's own paragraph, a count whose clause names one stream
// with one draw, or the only count of a one-draw announcement. A count
// shared by several streams goes to Notes instead.
func assignCounts(draws []drawwatch.Draw, drawItem []int, items []item) {
	for i := range draws {
		ii := drawItem[i]
		if ii < 0 || sameItemDraws(drawItem, ii) != 1 {
			continue
		}
		for _, s := range items[ii].sentences {
			if !mayCount(s) {
				continue
			}
			if n, ok := countIn(s); ok {
				draws[i].Invitations = &n
				break
			}
		}
	}
	var sentences []string
	forSentences(items, func(s string) bool {
		if mayCount(s) {
			sentences = append(sentences, s)
		}
		return true
	})
	for _, text := range sentences {
		assignSentenceCounts(draws, text)
	}
}

// assignSentenceCounts ties the counts of one sentence to draws.
func assignSentenceCounts(draws []drawwatch.Draw, text string) {
	matches := reCount.FindAllStringSubmatchIndex(text, -1)
	for mi, m := range matches {
		n, ok := countIn(text[m[0]:m[1]])
		if !ok {
			continue
		}
		end := len(text)
		if mi+1 < len(matches) {
			end = matches[mi+1][0]
		}
		if dot := strings.Index(text[m[1]:end], ". "); dot >= 0 {
			end = m[1] + dot
		}
		clause := text[m[0]:end]
		named := findStreams(clause)
		switch {
		case len(draws) == 1:
			if draws[0].Invitations == nil {
				draws[0].Invitations = &n
			}
		case len(named) == 1:
			idx := -1
			for i, d := range draws {
				if d.Stream == named[0] {
					if idx >= 0 {
						idx = -2 // several draws of that stream: the count is their total
						break
					}
					idx = i
				}
			}
			if idx >= 0 && draws[idx].Invitations == nil {
				draws[idx].Invitations = &n
			}
		case len(named) > 1:
			note := strconv.Itoa(n) + " invitations in total across streams"
			for i := range draws {
				for _, st := range named {
					if draws[i].Stream == st && draws[i].Invitations == nil {
						draws[i].Notes = joinNote(draws[i].Notes, note)
						break
					}
				}
			}
		}
	}
}

func sameItemDraws(drawItem []int, ii int) int {
	n := 0
	for _, x := range drawItem {
		if x == ii {
			n++
		}
	}
	return n
}

func countIn(s string) (int, bool) {
	m := reCount.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	v := m[1] + m[2] + m[3]
	if c := reCountOnly.FindString(v); c != "" {
		return parseCount(c)
	}
	return 0, false
}

// profileWindow reads which profiles a draw considered: "profiles created
// between X and Y", "Date Express Entry profile submitted: X to Y",
// "created and attested to by Y".
func profileWindow(items []item, year int) (from, to string) {
	// the regexps are slow on long text: only sentences about profiles get them
	var cands []string
	forSentences(items, func(s string) bool {
		if strings.Contains(s, "rofile") || strings.Contains(s, "xpression") || strings.Contains(s, "EOI") {
			cands = append(cands, s)
		}
		return true
	})
	for _, s := range cands {
		if m := reProfilesBetween.FindStringSubmatch(s); m != nil {
			a, b := m[1], m[2]
			if a == "" {
				a, b = m[3], m[4]
			}
			from, _ = ParseDate(a, year)
			to, _ = ParseDate(b, year)
			return from, to
		}
	}
	for _, s := range cands {
		if m := reProfilesBy.FindStringSubmatch(s); m != nil {
			to, _ = ParseDate(m[1], year)
			return from, to
		}
	}
	return from, to
}

// forSentences calls fn on every sentence of the text items until it returns false.
func forSentences(items []item, fn func(string) bool) {
	for _, it := range items {
		if it.kind != itemText {
			continue
		}
		for _, s := range it.sentences {
			if !fn(s) {
				return
			}
		}
	}
}

// mayCount is a cheap filter before the count regexp.
func mayCount(s string) bool {
	return strings.Contains(s, "issued") || strings.Contains(s, "umber of") || strings.Contains(s, " and ")
}
