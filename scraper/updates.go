package scraper

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/drawwatch/drawwatch"
	"golang.org/x/net/html"
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
		if text, ok := strongSubheading(n); ok && p.cur.title != "" {
			// <p><strong>Health occupations</strong></p>: a sub-heading
			p.cur.blocks = append(p.cur.blocks, block{n: n, role: roleSubheading, text: text})
			return
		}
		p.cur.blocks = append(p.cur.blocks, block{n: n, role: roleContent})
	}
}

// strongSubheading reads a paragraph that is only bold text naming a
// category ("<p><strong>Tech occupations:</strong></p>"), which some
// announcements use in place of an h4 or h5 sub-heading.
func strongSubheading(n *html.Node) (string, bool) {
	if n.Data != "p" {
		return "", false
	}
	var strong *html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.ElementNode && (c.Data == "strong" || c.Data == "b") && strong == nil:
			strong = c
		case c.Type == html.TextNode && strings.TrimSpace(c.Data) == "":
		default:
			return "", false
		}
	}
	if strong == nil {
		return "", false
	}
	text := nodeText(n)
	return text, looksLikeSubheading(text) && !reCountDigits.MatchString(text)
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
	a.Text = b.read()
	a.Hash = drawwatch.ContentHash(a.Text)
	ex := extractDraws(b, a.Text, p.year, a.SourceURL)
	a.Draws, a.InvitationsTotal, a.Unparsed = ex.draws, ex.total, ex.unparsed
	a.Kind = drawwatch.KindNews
	if len(a.Draws) > 0 {
		a.Kind = drawwatch.KindDraw
	} else {
		a.Draws = nil
	}
	if a.Unparsed == nil {
		a.Unparsed = []string{}
	}
	p.page.Announcements = append(p.page.Announcements, a)
}
