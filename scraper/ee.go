package scraper

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/drawwatch/drawwatch"
)

// ErrNotEERounds reports a document that should be IRCC's Express Entry
// rounds JSON and is not: an HTML error page served with 200, a document
// cut off in transit, or JSON of another shape. Nothing in it is used.
var ErrNotEERounds = errors.New("not IRCC's Express Entry rounds JSON")

// eeSiteBase resolves the relative links in the rounds JSON when the
// document's own URL is not an http(s) one (a local file).
const eeSiteBase = "https://www.canada.ca/"

// eeValue is one value of the rounds JSON. IRCC writes every value as a
// string; a number or null is accepted too, so a change of that habit does
// not lose a round.
type eeValue struct {
	s   string
	set bool
}

func (v *eeValue) UnmarshalJSON(b []byte) error {
	switch {
	case bytes.Equal(b, []byte("null")):
		*v = eeValue{}
	case len(b) > 1 && b[0] == '"' && bytes.IndexByte(b, '\\') < 0:
		v.s, v.set = string(b[1:len(b)-1]), true // no escapes: the bytes are the string (the decoder checked them)
	case len(b) > 0 && b[0] == '"':
		if err := json.Unmarshal(b, &v.s); err != nil {
			return err
		}
		v.set = true
	case len(b) > 0 && (b[0] == '-' || (b[0] >= '0' && b[0] <= '9')):
		v.s, v.set = string(b), true
	default:
		return fmt.Errorf("value %.40s is neither a string nor a number", b)
	}
	return nil
}

// eeDocument is the rounds JSON: {"classes": ..., "rounds": [...]}, newest first.
type eeDocument struct {
	Rounds *[]map[string]eeValue `json:"rounds"`
}

// ParseEERounds reads IRCC's Express Entry rounds JSON: every round becomes
// one announcement ("round-434") holding one EE draw.
//
// A document that is not that JSON (HTML, cut off, another shape, no
// rounds) is an error wrapping ErrNotEERounds, and nothing of it is used. A
// round that cannot be read (no usable number, date, size or cut-off score)
// is left out with a warning and its ID in Page.Skipped, so that the store
// keeps what it holds for it; smaller problems (an unknown round name, a
// tie-break time or pool distribution that does not read) keep the round
// and add a warning.
func ParseEERounds(data []byte, pageURL string) (*drawwatch.Page, error) {
	fail := func(format string, a ...any) error {
		return fmt.Errorf("parse Express Entry rounds %s: %s: %w", pageURL, fmt.Sprintf(format, a...), ErrNotEERounds)
	}
	body := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if len(body) == 0 {
		return nil, fmt.Errorf("parse Express Entry rounds %s: %w; retry later and check the fetcher", pageURL, ErrEmptyPage)
	}
	if body[0] == '<' {
		return nil, fail("the server sent HTML (%s) where JSON was expected; the site is failing or the URL moved", htmlTitle(body))
	}
	var doc eeDocument
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fail("%s", describeJSONError(body, err))
	}
	if doc.Rounds == nil {
		return nil, fail(`the document has no "rounds" list`)
	}
	if len(*doc.Rounds) == 0 {
		return nil, fail(`the "rounds" list is empty; IRCC has never published an empty list, so the document is taken as broken`)
	}
	base := eeBase(pageURL)
	page := &drawwatch.Page{Kind: drawwatch.PageEERounds, URL: pageURL}
	seen := make(map[string]bool, len(*doc.Rounds))
	categories := map[string]eeCategory{} // a few dozen names for 435 rounds
	for i, raw := range *doc.Rounds {
		r := eeRound{fields: raw, index: i, base: base, categories: categories}
		a, ok := r.announcement()
		page.Warnings = append(page.Warnings, r.warnings...)
		switch {
		case r.id == "":
			return nil, fail("round %d of the list (counting from 1, newest first) has no usable drawNumber (%q), so it cannot be told from the others", i+1, raw["drawNumber"].s)
		case seen[r.id]:
			page.Warnings = append(page.Warnings,
				fmt.Sprintf("round %s appears twice in the rounds JSON; the later entry (position %d) is ignored", r.number, i+1))
			continue
		case !ok:
			page.Skipped = append(page.Skipped, r.id)
		default:
			page.Announcements = append(page.Announcements, a)
		}
		seen[r.id] = true
	}
	return page, nil
}

// LooksLikeJSON reports whether data starts (after a BOM and spaces) like a
// JSON document, which of the watched documents only the EE rounds are.
func LooksLikeJSON(data []byte) bool {
	body := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	return len(body) > 0 && (body[0] == '{' || body[0] == '[')
}

// describeJSONError says where a document stopped being JSON.
func describeJSONError(body []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(err.Error(), "unexpected end of JSON input"):
		return fmt.Sprintf("the document ends mid-way (%d bytes): cut off in transit; the next run fetches it again", len(body))
	case errors.As(err, &syn):
		return fmt.Sprintf("not valid JSON at byte %d of %d: %v", syn.Offset, len(body), err)
	case errors.As(err, &typ):
		return fmt.Sprintf("unexpected JSON shape at %q (byte %d): %v", typ.Field, typ.Offset, err)
	}
	return fmt.Sprintf("not valid JSON: %v", err)
}

var titleRe = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

func htmlTitle(body []byte) string {
	m := titleRe.FindSubmatch(body)
	if m == nil {
		return "no title"
	}
	return fmt.Sprintf("title %q", strings.Join(strings.Fields(string(m[1])), " "))
}

func eeBase(pageURL string) *url.URL {
	if u, err := url.Parse(pageURL); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		return u
	}
	u, _ := url.Parse(eeSiteBase)
	return u
}

// eeRound reads one entry of the rounds list.
type eeRound struct {
	fields   map[string]eeValue
	index    int
	base     *url.URL
	number   string // "434", "91a"
	id       string // "round-434"
	warnings []string
	// categories caches EECategoryOf by round name for one document.
	categories map[string]eeCategory
}

type eeCategory struct {
	slug  string
	known bool
}

var eeRoundNumber = regexp.MustCompile(`^[0-9]+[a-z]?$`)

func (r *eeRound) warn(format string, a ...any) {
	r.warnings = append(r.warnings, fmt.Sprintf("round %s: ", r.number)+fmt.Sprintf(format, a...))
}

func (r *eeRound) text(key string) string { return strings.Join(strings.Fields(r.fields[key].s), " ") }

// announcement builds the round's announcement; ok is false when the round
// cannot be read and must be left out.
func (r *eeRound) announcement() (drawwatch.Announcement, bool) {
	r.number = strings.ToLower(r.text("drawNumber"))
	if !eeRoundNumber.MatchString(r.number) {
		r.number = ""
		return drawwatch.Announcement{}, false
	}
	r.id = "round-" + r.number
	d := drawwatch.Draw{Program: drawwatch.ProgramEE, Round: r.number, Invitation: drawwatch.InvitationITA, ScoreKind: drawwatch.ScoreCRS,
		NOCs: []drawwatch.NOC{}}

	ok := true
	required := func(key string, dst **int) {
		n, err := r.count(key)
		if err != nil {
			r.warn("%v; the round is left as stored until IRCC fixes it", err)
			ok = false
		}
		*dst = n
	}
	required("drawSize", &d.Invitations)
	required("drawCRS", &d.ScoreMin)
	d.Date = r.date()
	if d.Date == "" {
		r.warn("drawDate %q (drawDateFull %q) is not a date; the round is left as stored until IRCC fixes it", r.text("drawDate"), r.text("drawDateFull"))
		ok = false
	}
	if !ok {
		return drawwatch.Announcement{}, false
	}

	d.StreamName = r.text("drawName")
	c, cached := r.categories[d.StreamName]
	if !cached {
		c.slug, c.known = drawwatch.EECategoryOf(d.StreamName)
		r.categories[d.StreamName] = c
	}
	slug, known := c.slug, c.known
	d.Category = slug
	if !known {
		r.warn("round name %q is not in drawwatch's Express Entry categories; read as category %q (add it to drawwatch.EECategories)", d.StreamName, slug)
	}
	d.ProgramsIncluded = splitPrograms(r.text("drawText2"))
	d.TieBreak = r.tieBreak(d.Date)
	d.Distribution = r.distribution()
	d.SourceURL = r.link()

	a := drawwatch.Announcement{
		ID:        r.id,
		Posted:    d.Date,
		Title:     EERoundTitle(d),
		Kind:      drawwatch.KindDraw,
		SourceURL: d.SourceURL,
		Draws:     []drawwatch.Draw{d},
		Unparsed:  []string{},
	}
	a.Warnings = r.warnings
	a.Text = eeRoundText(d)
	a.Hash = drawwatch.ContentHash(a.Text)
	return a, true
}

// EERoundTitle is how people name a round: "Express Entry #434 — Transport occupations".
func EERoundTitle(d drawwatch.Draw) string {
	name := d.StreamName
	if drawwatch.IsEECategory(d.Category) || name == "" {
		name = drawwatch.EECategoryName(d.Category)
	}
	return "Express Entry #" + d.Round + " — " + name
}

// count reads a count or score: "19,705", "470".
func (r *eeRound) count(key string) (*int, error) {
	v, present := r.fields[key]
	if !present || !v.set {
		return nil, fmt.Errorf("%s is missing", key)
	}
	s := strings.Map(func(c rune) rune {
		if c == ',' || c == ' ' || c == '\u00a0' {
			return -1
		}
		return c
	}, v.s)
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("%s %q is not a number", key, v.s)
	}
	return &n, nil
}

// date is the round's ISO date, from drawDate, else drawDateFull.
func (r *eeRound) date() string {
	if t, ok := parseISODate(r.text("drawDate")); ok {
		return t
	}
	if ts, ok := parseEETime(r.text("drawDateFull")+" at 00:00:00", ""); ok {
		return ts[:len("2006-01-02")]
	}
	return ""
}

// tieBreak reads drawCutOff ("October 11, 2025 at 14:55:49 UTC", in the
// dozen forms IRCC has typed it) as RFC 3339 UTC. Empty (older rounds) is
// no tie-break; a form that does not read is kept in the warnings.
func (r *eeRound) tieBreak(drawDate string) string {
	raw := r.text("drawCutOff")
	if raw == "" {
		return ""
	}
	ts, ok := parseEETime(raw, drawDate)
	if !ok {
		r.warn("drawCutOff %q is not a date and time; the tie-break is left out", raw)
		return ""
	}
	return ts
}

// eeBands are the CRS ranges dd1..dd17 stand for; dd18 is the total.
// dd3 (451–500) is split into dd4..dd8 and dd9 (401–450) into dd10..dd14.
var eeBands = []struct {
	key      string
	min, max int
	parts    []string
}{
	{"dd1", 601, 1200, nil},
	{"dd2", 501, 600, nil},
	{"dd3", 451, 500, []string{"dd4", "dd5", "dd6", "dd7", "dd8"}},
	{"dd9", 401, 450, []string{"dd10", "dd11", "dd12", "dd13", "dd14"}},
	{"dd15", 351, 400, nil},
	{"dd16", 301, 350, nil},
	{"dd17", 0, 300, nil},
}

// distribution reads dd1..dd18. Rounds from before IRCC published the pool
// have none (every value "0", or no dd keys): nil.
func (r *eeRound) distribution() *drawwatch.PoolDistribution {
	if _, has := r.fields["dd18"]; !has {
		return nil
	}
	var bad []string
	num := func(key string) int {
		n, err := r.count(key)
		if err != nil {
			bad = append(bad, err.Error())
			return 0
		}
		return *n
	}
	p := drawwatch.PoolDistribution{Total: num("dd18")}
	for _, b := range eeBands {
		band := drawwatch.PoolBand{Min: b.min, Max: b.max, Count: num(b.key)}
		for i, key := range b.parts {
			lo := b.max - 10*(i+1) + 1
			band.Parts = append(band.Parts, drawwatch.PoolBand{Min: lo, Max: lo + 9, Count: num(key)})
		}
		p.Bands = append(p.Bands, band)
	}
	if len(bad) > 0 {
		r.warn("pool distribution left out: %s", strings.Join(bad, "; "))
		return nil
	}
	if p.Total == 0 {
		return nil
	}
	if asOf, ok := parseEETime(r.text("drawDistributionAsOn")+" at 00:00:00", ""); ok {
		p.AsOf = asOf[:len("2006-01-02")]
	} else {
		r.warn("drawDistributionAsOn %q is not a date", r.text("drawDistributionAsOn"))
	}
	if msg := p.Check(); msg != "" {
		r.warn("pool distribution does not add up as IRCC published it: %s (kept as published)", msg)
	}
	return &p
}

// link is the round's own page on canada.ca, from the anchor in drawNumberURL.
func (r *eeRound) link() string {
	for _, key := range []string{"drawNumberURL", "mitext", "DrawText1"} {
		href, ok := hrefOf(r.fields[key].s)
		if !ok {
			continue
		}
		// AEM's internal prefix; the public path starts at /en/.
		href = strings.Replace(href, "/content/canadasite/", "/", 1)
		u, err := url.Parse(strings.TrimSpace(href))
		if err != nil {
			continue
		}
		return r.base.ResolveReference(u).String()
	}
	return ""
}

// hrefOf is the first href of an anchor ("<a href='/en/...'>434</a>").
func hrefOf(html string) (string, bool) {
	i := strings.Index(strings.ToLower(html), "href")
	if i < 0 {
		return "", false
	}
	rest := strings.TrimLeft(html[i+len("href"):], " \t")
	if rest, ok := strings.CutPrefix(rest, "="); ok {
		rest = strings.TrimLeft(rest, " \t")
		if len(rest) > 0 && (rest[0] == '\'' || rest[0] == '"') {
			if end := strings.IndexByte(rest[1:], rest[0]); end > 0 {
				return rest[1 : 1+end], true
			}
		}
	}
	return "", false
}

// splitPrograms splits "Federal Skilled Worker Program, Canadian Experience
// Class and Federal Skilled Trades Program" into its programs.
func splitPrograms(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	for _, part := range strings.Split(s, ",") {
		for _, p := range strings.Split(part, " and ") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// eeRoundText is the round as the store compares it: every value read, in
// words, so a correction of any of them is a change and a change of
// spacing in IRCC's strings (or of its link markup) is not.
func eeRoundText(d drawwatch.Draw) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Express Entry round %s on %s: %s (%s). %s invitations, CRS cut-off %s.",
		d.Round, d.Date, d.StreamName, d.Category, intOr(d.Invitations), intOr(d.ScoreMin))
	if d.TieBreak != "" {
		fmt.Fprintf(&b, " Tie-break %s.", d.TieBreak)
	}
	if len(d.ProgramsIncluded) > 0 {
		fmt.Fprintf(&b, " Programs: %s.", strings.Join(d.ProgramsIncluded, "; "))
	}
	if p := d.Distribution; p != nil {
		fmt.Fprintf(&b, " Pool on %s: %d candidates;", p.AsOf, p.Total)
		for _, band := range p.Bands {
			fmt.Fprintf(&b, " %d-%d: %d", band.Min, band.Max, band.Count)
			for _, s := range band.Parts {
				fmt.Fprintf(&b, " (%d-%d: %d)", s.Min, s.Max, s.Count)
			}
			b.WriteString(";")
		}
	}
	return b.String()
}

func intOr(p *int) string {
	if p == nil {
		return "?"
	}
	return strconv.Itoa(*p)
}
