package scraper

// Occupation codes (NOC) in list items, lines and running text.

import (
	"regexp"
	"strings"

	"github.com/drawwatch/drawwatch"
	"golang.org/x/net/html"
)

var (
	// "Data Scientists (NOC 21211)"
	reNOCTrailing = regexp.MustCompile(`^(.+?)\s*\(NOC\s*(\d{4,5})\)\s*$`)
	// an inline mention: "work experience in NOC 31102 - General practitioners and family physicians"
	reNOCInline = regexp.MustCompile(`\bNOC\s+(\d{4,5})\s*-\s*([^.;,()]+)`)
)

// ParseNOC reads one list item naming an occupation code:
// "NOC 31301 - Registered nurses...", "NOC 72310 – Carpenters", "0213 –
// Computer and information systems managers", "NOC 73300 Transport truck
// drivers", "Data Scientists (NOC 21211)". Codes have five digits (NOC
// 2021) or four (NOC 2016).
func ParseNOC(item string) (drawwatch.NOC, bool) {
	s := NormalizeSpace(item)
	if code, named, rest, ok := leadNOC(s); ok {
		title := strings.TrimSpace(strings.TrimLeft(rest, "-: "))
		if title == "" && !named {
			return drawwatch.NOC{}, false // a bare number is not an occupation
		}
		return drawwatch.NOC{Code: code, Title: title}, true
	}
	if strings.Contains(s, "(NOC") { // spares most items the regexp
		if m := reNOCTrailing.FindStringSubmatch(s); m != nil {
			return drawwatch.NOC{Code: m[2], Title: m[1]}, true
		}
	}
	return drawwatch.NOC{}, false
}

// leadNOC reads the code an item starts with: "NOC" (then optionally
// "code") and one to five digits, or four or five digits alone, the code
// ending a word. rest follows it and the spaces, the one "-" or ":" and the
// spaces after it. It is the list items' hot path, hence no regexp: it is
// ^(?:NOC\s*(?:code\s*)?(\d{1,5})|(\d{4,5}))\b\s*(?:[-:]\s*)? spelt out.
func leadNOC(s string) (code string, named bool, rest string, ok bool) {
	i, minDigits := 0, 4
	if strings.HasPrefix(s, "NOC") {
		i, minDigits, named = skipSpace(s, 3), 1, true
		if strings.HasPrefix(s[i:], "code") {
			i = skipSpace(s, i+4)
		}
	}
	j := i
	for j < len(s) && j-i <= 5 && '0' <= s[j] && s[j] <= '9' {
		j++
	}
	if n := j - i; n < minDigits || n > 5 || j < len(s) && isWordByte(s[j]) {
		return "", false, "", false
	}
	code = s[i:j]
	j = skipSpace(s, j)
	if j < len(s) && (s[j] == '-' || s[j] == ':') {
		j = skipSpace(s, j+1)
	}
	return code, named, s[j:], true
}

// skipSpace returns the index of the first byte from i on that is not
// regexp \s.
func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\f' || s[i] == '\r') {
		i++
	}
	return i
}

// isWordByte is regexp \w: what \b tells from the rest.
func isWordByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
}

// mentionsNOCCode reports "NOC", spaces and a digit in s, which every
// reNOCInline match starts with.
func mentionsNOCCode(s string) bool {
	for i := strings.Index(s, "NOC"); i >= 0; {
		if j := skipSpace(s, i+3); j > i+3 && j < len(s) && '0' <= s[j] && s[j] <= '9' {
			return true
		}
		k := strings.Index(s[i+3:], "NOC")
		if k < 0 {
			break
		}
		i += 3 + k
	}
	return false
}

// inlineNOCs returns the codes a sentence names in running text.
func inlineNOCs(s string) []drawwatch.NOC {
	if !mentionsNOCCode(s) {
		return nil // spares the regexp
	}
	var out []drawwatch.NOC
	for _, m := range reNOCInline.FindAllStringSubmatch(s, -1) {
		out = append(out, drawwatch.NOC{Code: m[1], Title: strings.TrimSpace(m[2])})
	}
	return out
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
	// an inline mention: "in NOC 44101", "NOC code 31102 - General
	// practitioners", "NOCs 44101, 75101 or 94140"
	reNOCMention = regexp.MustCompile(`\bNOCs?(?:\s+codes?)?\s*:?\s*(\d{4,5})\b`)
	// a further code of the same mention: ", 75101", " or 94140", ", NOC 94140"
	reNOCMore  = regexp.MustCompile(`^\s*(?:,|;)?\s*(?:or|and)?\s*(?:NOC\s+)?(\d{4,5})\b`)
	reNOCTitle = regexp.MustCompile(`^\s*-\s*([^.;,()]+)`)
	reTitleEnd = regexp.MustCompile(`\s+(?:or|and)\s+(?:NOC\b.*|\d{4,5}\b.*)$|\s+NOC\b.*$`)
)

// nocAt is one code a sentence names, with where it is written.
type nocAt struct {
	at  int
	noc drawwatch.NOC
}

// inlineNOCsAt returns the codes normalized s names in running text, in
// order, each with its title when the text gives one ("NOC 31102 - General
// practitioners").
func inlineNOCsAt(s string) []nocAt {
	if !mentionsNOCCode(s) {
		return nil // spares the regexps
	}
	var out []nocAt
	for from := 0; from < len(s); {
		m := reNOCMention.FindStringSubmatchIndex(s[from:])
		if m == nil {
			break
		}
		at, code, end := from+m[2], s[from+m[2]:from+m[3]], from+m[1]
		for {
			title, n := nocTitle(s[end:])
			out = append(out, nocAt{at, drawwatch.NOC{Code: code, Title: title}})
			end += n
			more := reNOCMore.FindStringSubmatchIndex(s[end:])
			if more == nil {
				break
			}
			at, code = end+more[2], s[end+more[2]:end+more[3]]
			end += more[1]
		}
		from = end
	}
	return out
}

// nocTitle is the title after a code (" - Home support workers", up to
// the clause end or the next code) and how much of rest it takes.
func nocTitle(rest string) (string, int) {
	m := reNOCTitle.FindStringSubmatchIndex(rest)
	if m == nil {
		return "", 0
	}
	title := rest[m[2]:m[3]]
	if cut := reTitleEnd.FindStringIndex(title); cut != nil {
		title = title[:cut[0]]
	}
	return strings.TrimSpace(title), m[2] + len(title)
}
