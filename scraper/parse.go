package scraper

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/net/html"

	"github.com/drawwatch/drawwatch"
)

// ErrBlocked reports that the site answered with a bot-check (captcha) page
// instead of content, usually with HTTP 200. It is a source-health problem,
// never "the page has no announcements".
var ErrBlocked = errors.New("the site served a bot-check (captcha) page instead of content")

// ErrUnknownPage reports a document that is none of the page kinds drawwatch reads.
var ErrUnknownPage = errors.New("not an OINP updates, notifications-of-interest or invitations-to-apply page")

// ErrEmptyPage reports a document with no content at all. Like ErrBlocked it
// is a source-health problem: reading it as "no announcements" would make
// every stored announcement look removed.
var ErrEmptyPage = errors.New("the site served an empty document")

// ErrKindMismatch reports a page that is plainly of another kind than the
// one asked for (an NOI table page read as ITA): reading it anyway would
// relabel every row.
var ErrKindMismatch = errors.New("the page is not of the kind asked for")

// Parse reads one fetched document. kind "" detects the page kind.
// pageURL is recorded as each draw's source_url (with "#anchor" when known).
//
// The outcome is always either a page or an error, never both:
//   - a captcha page gives ErrBlocked, checked before anything else;
//   - an empty (or all-whitespace) body gives ErrEmptyPage;
//   - with kind "", a document that is no known page kind gives ErrUnknownPage;
//   - with an explicit kind, a page of that kind holding no announcements (a
//     stream page read as PageUpdates, say) gives an empty page and no error:
//     the caller asked for that kind and there is nothing in it.
//
// A document cut off mid-way gives every complete announcement and
// Page.Truncated; the partial last one is dropped.
func Parse(kind drawwatch.PageKind, data []byte, pageURL string) (*drawwatch.Page, error) {
	if IsBlockPage(data) {
		return nil, fmt.Errorf("parse %s: %w; slow down or change the fetcher's address before retrying", pageURL, ErrBlocked)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("parse %s: %w; retry later and check the fetcher", pageURL, ErrEmptyPage)
	}
	if kind == drawwatch.PageEERounds || (kind == "" && LooksLikeJSON(data)) {
		return ParseEERounds(data, pageURL)
	}
	if LooksLikeJSON(data) {
		return nil, kindMismatch(pageURL, drawwatch.PageEERounds, kind)
	}
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil { // html.Parse only fails on reader errors
		return nil, fmt.Errorf("parse %s as HTML: %w", pageURL, err)
	}
	detected, derr := detectKind(doc)
	switch {
	case kind == "" && derr != nil:
		return nil, fmt.Errorf("parse %s: %w", pageURL, derr)
	case kind == "":
		kind = detected
	case derr == nil && detected != kind:
		return nil, kindMismatch(pageURL, detected, kind)
	}
	switch kind {
	case drawwatch.PageNOI, drawwatch.PageITA:
		return ParseTables(kind, data, pageURL)
	case drawwatch.PageUpdates:
		return parseUpdates(doc, data, pageURL), nil
	default:
		return nil, fmt.Errorf("parse %s as %q: %w; use one of %q, %q, %q, %q", pageURL, kind, ErrUnknownPage,
			drawwatch.PageUpdates, drawwatch.PageNOI, drawwatch.PageITA, drawwatch.PageEERounds)
	}
}

func kindMismatch(pageURL string, is, asked drawwatch.PageKind) error {
	return fmt.Errorf("parse %s: %w: it reads as a page of kind %q, not %q as asked; fix the [[source]] kind (or --kind), or leave --kind out to detect it",
		pageURL, ErrKindMismatch, is, asked)
}

// DetectKind says which page kind a document is: JSON is the EE rounds; an
// HTML page is known from its title, h1 and canonical URL, else from its
// content (the 2020 capture is body HTML with no head, but its month and
// date headings give it away).
func DetectKind(data []byte) (drawwatch.PageKind, error) {
	if IsBlockPage(data) {
		return "", fmt.Errorf("detect page kind: %w", ErrBlocked)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return "", fmt.Errorf("detect page kind: %w", ErrEmptyPage)
	}
	if LooksLikeJSON(data) {
		return drawwatch.PageEERounds, nil
	}
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		return "", fmt.Errorf("detect page kind: parse HTML: %w", err)
	}
	return detectKind(doc)
}

func detectKind(doc *html.Node) (drawwatch.PageKind, error) {
	var ids []string // title, h1 and canonical URL, lower-cased
	var datedHeadings int
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "title", "h1":
				ids = append(ids, strings.ToLower(nodeText(n)))
			case "link":
				if attr(n, "rel") == "canonical" {
					ids = append(ids, strings.ToLower(attr(n, "href")))
				}
			case "h3":
				if datedHeadings < 2 {
					if _, _, ok := leadDate(nodeText(n), 2000); ok {
						datedHeadings++
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for _, s := range ids {
		switch {
		case strings.Contains(s, "ontario immigrant nominee program updates"),
			strings.Contains(s, "ontario-immigrant-nominee-program-updates"):
			return drawwatch.PageUpdates, nil
		case strings.Contains(s, "notifications of interest"),
			strings.Contains(s, "notifications-interest"):
			return drawwatch.PageNOI, nil
		case strings.Contains(s, "invitations to apply"),
			strings.Contains(s, "invitations-apply"):
			return drawwatch.PageITA, nil
		}
	}
	if len(ids) == 0 && datedHeadings >= 2 {
		return drawwatch.PageUpdates, nil
	}
	return "", fmt.Errorf("detect page kind (title %q): %w", firstOr(ids, ""), ErrUnknownPage)
}

func firstOr(s []string, def string) string {
	if len(s) > 0 {
		return s[0]
	}
	return def
}
