package scraper

// The text of HTML nodes, independent of markup indentation.

import (
	"strings"

	"golang.org/x/net/html"
)

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
