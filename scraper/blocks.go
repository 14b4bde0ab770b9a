package scraper

// Blocks and items: an announcement's HTML as the extractor reads it.

import (
	"strings"

	"github.com/drawwatch/drawwatch"
	"golang.org/x/net/html"
)

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
		if bl.n.Data == "table" {
			if nocs := tableNOCs(bl.n); len(nocs) > 0 { // codes in a table: "NOC | Occupation"
				items = append(items, item{kind: itemNOCs, nocs: nocs})
				continue
			}
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

// tableNOCs reads a table inside an announcement whose rows are mostly
// occupation codes (a code cell and a title cell, or "NOC 31301 - ..." in
// one cell); nil when it is some other table.
func tableNOCs(t *html.Node) []drawwatch.NOC {
	var nocs []drawwatch.NOC
	rows := 0
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "tr" {
			var cells []string
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode && (c.Data == "td" || c.Data == "th") {
					if t := nodeText(c); t != "" {
						cells = append(cells, t)
					}
				}
			}
			if len(cells) > 0 {
				rows++
				if noc, ok := ParseNOC(strings.Join(cells, " - ")); ok {
					nocs = append(nocs, noc)
				}
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(t)
	if len(nocs) == 0 || 2*len(nocs) < rows-1 { // a header row aside
		return nil
	}
	return nocs
}
