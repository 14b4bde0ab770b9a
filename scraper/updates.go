package scraper

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

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
	if cutShort(raw) {
		page.Truncated = true
		// the announcement in progress when the document ended is partial
		if len(page.Announcements) > 0 {
			page.Announcements = page.Announcements[:len(page.Announcements)-1]
		}
	}
	return page
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
				if m := reYearTitle.FindStringSubmatch(nodeText(n)); m != nil {
					year, _ = strconv.Atoi(m[1])
					return true
				}
			case "link":
				if m := reYearURL.FindStringSubmatch(attr(n, "href")); m != nil {
					year, _ = strconv.Atoi(m[1])
					return true
				}
			case "h3":
				if m := reLeadDate.FindStringSubmatch(nodeText(n)); m != nil && m[3] != "" {
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
	_, _, ok := leadDate(nodeText(n), 2000)
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
	n     *html.Node
	role  blockRole
	text  string
	items []string // of a ul or ol: the text of each li
}

type annBuilder struct {
	posted, anchor, title string
	blocks                []block // content blocks get their text in finish
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
		p.inMonth = monthNumber(nodeText(n)) != 0
		return
	case "hr", "script", "style":
		return
	}
	if !p.inMonth {
		return // intro text, "Related information", footnotes
	}
	switch n.Data {
	case "h3":
		text := nodeText(n)
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
		p.heading(n, nodeText(n), anchor)
	default:
		if p.posted == "" || !hasText(n) {
			return
		}
		if p.cur == nil {
			if isLinkList(n) {
				return // a table of contents that tocSkips could not bound: links only, no announcement
			}
			p.start("", "") // text straight under a date heading: an untitled announcement
		}
		p.cur.blocks = append(p.cur.blocks, block{n: n, role: roleContent})
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

// read gives the content blocks their text and returns the announcement's:
// the title and the blocks, each joined as joinText(&text, block, true)
// would, written once; the blocks' texts are pieces of it.
func (b *annBuilder) read() string {
	size := len(b.title)
	for _, bl := range b.blocks {
		if bl.role == roleContent {
			size += 1 + textSize(bl.n)
		} else {
			size += 1 + len(bl.text)
		}
	}
	var text strings.Builder
	text.Grow(size)
	joinText(&text, b.title, true)
	for i := range b.blocks {
		bl := &b.blocks[i]
		if bl.role == roleContent {
			bl.text, bl.items = writeText(&text, bl.n)
		} else {
			joinText(&text, bl.text, true)
		}
	}
	return text.String()
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
	a.Text = b.read()
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
	b.Grow(textSize(n))
	text, _ := writeText(&b, n)
	return text
}

// writeText does joinText(b, nodeText(n), true) without building
// nodeText(n) first, and returns nodeText(n), a piece of what b holds. For a
// ul or ol it also returns the nodeText of each li, pieces of that.
func writeText(b *strings.Builder, n *html.Node) (text string, items []string) {
	w := textWriter{b: b}
	start := b.Len()
	if n.Type == html.ElementNode && (n.Data == "ul" || n.Data == "ol") {
		lis := 0
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.Data == "li" {
				lis++
			}
		}
		items = make([]string, 0, lis)
		hard := true // a list is a block
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			from := b.Len()
			hard = w.walk(c, hard)
			if c.Type == html.ElementNode && c.Data == "li" {
				items = append(items, afterSeparator(b.String(), from, b.Len()))
			}
		}
	} else {
		w.walk(n, true)
	}
	return afterSeparator(b.String(), start, b.Len()), items
}

// afterSeparator is what a block wrote to s between from and to, without
// the space joinText put before its first piece when something came before.
func afterSeparator(s string, from, to int) string {
	t := s[from:to]
	if from > 0 && t != "" {
		t = t[1:]
	}
	return t
}

// hasText reports whether nodeText(n) is not empty.
func hasText(n *html.Node) bool {
	switch n.Type {
	case html.TextNode:
		return leadRune(n.Data, true) >= 0
	case html.ElementNode:
		switch n.Data {
		case "script", "style", "template", "br":
			return false
		}
	case html.CommentNode:
		return false
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if hasText(c) {
			return true
		}
	}
	return false
}

// textSize is about the length of nodeText(n), for sizing its buffer: the
// length of its text and a separator per piece.
func textSize(n *html.Node) int {
	switch n.Type {
	case html.TextNode:
		return len(n.Data) + 1
	case html.ElementNode:
		switch n.Data {
		case "script", "style", "template":
			return 0
		}
	}
	size := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		size += textSize(c)
	}
	return size
}

// textWriter builds nodeText.
type textWriter struct {
	b *strings.Builder
}

// walk writes the text of n; hard says a block boundary comes before it.
// It returns whether one comes after it.
func (w *textWriter) walk(n *html.Node, hard bool) bool {
	switch n.Type {
	case html.TextNode:
		// joinText(w.b, NormalizeSpace(n.Data), hard), without the copy
		first := leadRune(n.Data, true)
		if first < 0 {
			return hard
		}
		separate(w.b, first, hard)
		appendNormalized(w.b, n.Data, true)
		return false
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
		hard = w.walk(c, hard)
	}
	return hard || isBlock
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
	// issuance caches issued per sentence of a text item: 0 not read yet,
	// 1 no, 2 yes. Copies of the item share it.
	issuance []int8
}

func textItem(sentences []string) item {
	return item{kind: itemText, sentences: sentences, issuance: make([]int8, len(sentences))}
}

// reports says whether sentence si of a text item reports an issuance
// (issued); several steps ask, the regexp runs once.
func (it item) reports(si int) bool {
	if it.issuance[si] == 0 {
		it.issuance[si] = 1
		if issued(it.sentences[si]) {
			it.issuance[si] = 2
		}
	}
	return it.issuance[si] == 2
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
			texts := bl.items
			var nocs []drawwatch.NOC
			for _, t := range texts {
				if noc, ok := ParseNOC(t); ok {
					if nocs == nil {
						nocs = make([]drawwatch.NOC, 0, len(texts))
					}
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
			items = append(items, textItem(sentences))
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
		items = append(items, textItem(splitSentences(bl.text)))
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
	// issued Notifications of Interest", "Invitations to Apply Issued".
	// Three regexps, any of which may match: as one alternation the
	// program is too large for the backtracker, and the slower NFA took
	// its place on every sentence.
	reIssued = []*regexp.Regexp{
		regexp.MustCompile(`(?i)\b(?:issued|issuance of|conducted (?:a|two|three|\w+ separate) [\w ]*draws?)\b[^.]{0,160}?\b(?:invitations?|notifications?|NOIs?|ITAs?)\b`),
		regexp.MustCompile(`(?i)\b(?:invitations?|notifications?|NOIs?|ITAs?)\b(?: to apply| of interest)?(?: \([A-Z]+\))?(?: were| was| have been| has been)? issued\b`),
		regexp.MustCompile(`(?i)\bissued\b[^.]{0,40}\b(?:draws?)\b`),
	}
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

// countForms are the ways a sentence states a count, each with a cheap test
// of what every match needs. No two matches overlap (each starts with its
// own word), so a sentence's counts are all their matches in order.
var countForms = []struct {
	re  *regexp.Regexp
	may func(s string) bool
}{
	// "we issued 1,063 invitations", "issued 2 targeted invitations", "issued four targeted invitations"
	{regexp.MustCompile(`(?i)\bissued (?:a total of )?(\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty) (?:new |additional )?(?:targeted )?(?:invitations?|notifications?|NOIs?|ITAs?)\b`),
		func(s string) bool {
			// a digit, a number word or "a total of" after "issued "
			return followedBy(s, "ued ", func(c byte) bool {
				return '0' <= c && c <= '9' || c >= utf8.RuneSelf || strings.IndexByte("aotfsen", lowerASCII(c)) >= 0
			})
		}},
	// "Number of invitations issued: 1,063"
	{regexp.MustCompile(`(?i)\bnumber of (?:invitations|notifications(?: of interest)?|NOIs|ITAs)(?: issued)?:\s*(\d[\d,]*)`),
		func(s string) bool { return strings.IndexByte(s, ':') >= 0 && containsFold(s, "number of") }},
	// "... and 45 invitations"
	{regexp.MustCompile(`(?i)\band (\d[\d,]*) (?:invitations?|notifications?)\b`),
		func(s string) bool { return followedBy(s, "and ", func(c byte) bool { return '0' <= c && c <= '9' }) }},
}

// countMatches are the counts s states, as FindAllStringSubmatchIndex
// matches whose group 1 is the count.
func countMatches(s string) [][]int {
	var ms [][]int
	forms := 0
	for _, f := range countForms {
		if f.may(s) {
			if m := f.re.FindAllStringSubmatchIndex(s, -1); m != nil {
				ms = append(ms, m...)
				forms++
			}
		}
	}
	if forms > 1 {
		sort.Slice(ms, func(i, j int) bool { return ms[i][0] < ms[j][0] })
	}
	return ms
}

// followedBy reports whether w occurs in s (ASCII case aside) with a next
// byte that ok accepts.
func followedBy(s, w string, ok func(byte) bool) bool {
	for {
		i := indexFold(s, w)
		if i < 0 || i+len(w) >= len(s) {
			return false
		}
		s = s[i+len(w):]
		if ok(s[0]) {
			return true
		}
	}
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
	return categoryName(t)
}

// extractDraws reads the draws an announcement reports: one per score
// statement (a sentence stating a band), each with the stream its sentence
// or the text before it names, the category of its sub-heading, sentence or
// title, and the NOC list that follows it. An issuance with no stated band
// (EMPP draws, older pages) gives one draw per stream it names.
func extractDraws(b *annBuilder, text string, year int, sourceURL string) []drawwatch.Draw {
	// Text holds the title and every sentence, and each sentence that
	// reports an issuance holds "ssu" or "draw" (see issued): without
	// them, only a title ending "invited" reports one. Most news stops here.
	if !strings.Contains(text, "ssu") && !strings.Contains(text, "draw") && !strings.HasSuffix(strings.ToLower(b.title), " invited") {
		return nil
	}
	items := announcementItems(b)
	if !reportsIssuance(b.title, items) {
		return nil
	}
	issueDate := issuanceDate(items, year, b.posted)
	titleCat, titleRead := "", false // read once, when a draw needs it
	dates := map[int]string{}        // itemDate by item, read once

	var draws []drawwatch.Draw
	var drawItem []int     // index of the item each draw came from
	var seen sentencesRead // for finding the stream a statement refers to
	section := ""          // category of the current sub-heading
	sectionStart := 0      // first draw index in the current section
	parent := -1           // last draw before the current sub-heading
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
				section = categoryName(strings.TrimSuffix(h, ":"))
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
			for _, s := range it.sentences {
				lo, hi, ok := scoreBand(s)
				if !ok || statesRule(s) {
					seen.add(s)
					continue
				}
				stream, ok := statementStream(s, &seen, b.title)
				seen.add(s)
				if !ok {
					continue
				}
				category := section
				if category == "" {
					category = sentenceCategory(s)
				}
				if category == "" {
					if !titleRead {
						titleCat, titleRead = titleCategory(b.title), true
					}
					category = titleCat
				}
				d := newDraw(stream, category)
				d.ScoreMin, d.ScoreMax = lo, hi
				if _, ok := dates[ii]; !ok {
					dates[ii] = itemDate(it, year)
				}
				if dt := dates[ii]; dt != "" {
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
	targeted := containsFold(text, "targeted")
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
	for _, re := range reIssued {
		if re.MatchString(s) {
			return true
		}
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

// statementStream finds the stream a score statement refers to: the one its
// own sentence names, else the nearest earlier sentence of its paragraph,
// else the nearest earlier sentence of the announcement, else the title.
// The earlier sentences of its paragraph are the last ones seen holds, so
// one search back through seen covers both.
func statementStream(s string, seen *sentencesRead, title string) (drawwatch.Stream, bool) {
	if st := findStreams(s); len(st) > 0 {
		return st[0], true
	}
	if st, ok := seen.lastStream(); ok {
		return st, true
	}
	if st := findStreams(title); len(st) > 0 {
		return st[0], true
	}
	return "", false
}

// sentencesRead are the sentences of an announcement read so far, in order.
type sentencesRead struct {
	text []string
	// what the last lastStream found in text[:upTo], kept so that each
	// sentence is searched for streams once
	upTo  int
	last  drawwatch.Stream
	found bool
}

func (r *sentencesRead) add(s string) {
	r.text = append(r.text, s)
}

// lastStream is the last stream that the latest sentence naming any names.
func (r *sentencesRead) lastStream() (drawwatch.Stream, bool) {
	for i := len(r.text) - 1; i >= r.upTo; i-- {
		if st := findStreams(r.text[i]); len(st) > 0 {
			r.last, r.found = st[len(st)-1], true
			break
		}
	}
	r.upTo = len(r.text)
	return r.last, r.found
}

// statesRule reports a sentence that states a rule rather than a draw's
// band (reNotBand); the hints spare most sentences the regexp.
func statesRule(s string) bool {
	for _, h := range []string{"maintain", "required", "will", "long"} {
		if containsFold(s, h) {
			return reNotBand.MatchString(s)
		}
	}
	return false
}

func sentenceCategory(s string) string {
	if c := knownCategory(s); c != "" {
		return c
	}
	if !containsFold(s, "candidate") {
		return "" // spares the regexp
	}
	if m := reSentenceCategory.FindStringSubmatch(s); m != nil {
		return categoryName(m[1] + m[2])
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
		if it.kind != itemText {
			continue
		}
		if d := itemDate(it, year); d != "" {
			return d
		}
	}
	for _, it := range items {
		for _, s := range it.sentences {
			if !containsFold(s, "portal") {
				continue // spares the regexp
			}
			if loc := rePortalSearch.FindStringIndex(s); loc != nil {
				if d, ok := firstDateIn(s[loc[1]:], year); ok {
					return d
				}
			}
		}
	}
	return ""
}

// itemDate is the issuance date a paragraph states: the date after "on" in
// its first sentence that reports an issuance and has one, else "". It
// gives a draw its own date in announcements that report draws on
// different days.
func itemDate(it item, year int) string {
	for si, s := range it.sentences {
		if !it.reports(si) {
			continue
		}
		if loc := reOnDate.FindStringIndex(s); loc != nil {
			if d, ok := firstDateIn(s[loc[0]:], year); ok {
				return d
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
		for si, s := range it.sentences {
			if !it.reports(si) {
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
	// the counts of every sentence, found once: counts[ii][si]
	counts := make([][][][]int, len(items))
	for ii, it := range items {
		if it.kind != itemText {
			continue
		}
		counts[ii] = make([][][]int, len(it.sentences))
		for si, s := range it.sentences {
			if mayCount(s) {
				counts[ii][si] = countMatches(s)
			}
		}
	}
	for i := range draws {
		ii := drawItem[i]
		if ii < 0 || sameItemDraws(drawItem, ii) != 1 || counts[ii] == nil {
			continue
		}
		for si, s := range items[ii].sentences {
			if ms := counts[ii][si]; len(ms) > 0 {
				if n, ok := countOf(s, ms[0]); ok {
					draws[i].Invitations = &n
					break
				}
			}
		}
	}
	for ii, sentences := range counts {
		for si, ms := range sentences {
			if len(ms) > 0 {
				assignSentenceCounts(draws, items[ii].sentences[si], ms)
			}
		}
	}
}

// assignSentenceCounts ties the counts of one sentence to draws; matches
// are its countMatches.
func assignSentenceCounts(draws []drawwatch.Draw, text string, matches [][]int) {
	for mi, m := range matches {
		n, ok := countOf(text, m)
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

// countOf reads the count of one countMatches match m in s.
func countOf(s string, m []int) (int, bool) {
	return parseCount(group(s, m, 1))
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
		if !containsFold(s, "between") && !containsFold(s, "ubmitted:") {
			continue
		}
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
		if !containsFold(s, "by ") {
			continue
		}
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

// mayCount is a cheap filter before the count regexps: the words a count
// sentence has.
func mayCount(s string) bool {
	return strings.Contains(s, "issued") || strings.Contains(s, "umber of") || strings.Contains(s, " and ")
}
