package scraper

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/drawwatch/drawwatch"
)

// ParseTables reads a notifications-of-interest (PageNOI) or
// invitations-to-apply (PageITA) page: one table per stream per year, each
// row one draw. Columns are recognised by their header wording, which has
// changed over the years, never by position. Tables whose headers do not
// name a draw date and a count or score band (yearly summaries, contact
// tables) are not draw tables and are skipped.
//
// A document that ends inside a table (cut off in transit or capture) sets
// Page.Truncated and keeps every row completed before the cut. An empty
// document is ErrEmptyPage; a document with no draw table gives an empty
// page and a warning in Page.Warnings, as Parse documents for an explicit kind.
func ParseTables(kind drawwatch.PageKind, data []byte, pageURL string) (*drawwatch.Page, error) {
	var invitation, scoreKind string
	switch kind {
	case drawwatch.PageNOI:
		invitation, scoreKind = drawwatch.InvitationNOI, drawwatch.ScoreCRS
	case drawwatch.PageITA:
		invitation, scoreKind = drawwatch.InvitationITA, drawwatch.ScoreEOI
	default:
		return nil, fmt.Errorf("parse draw tables of %s: page kind %q has no draw tables (want %q or %q): %w",
			pageURL, kind, drawwatch.PageNOI, drawwatch.PageITA, ErrUnknownPage)
	}

	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("parse draw tables of %s: %w; retry later and check the fetcher", pageURL, ErrEmptyPage)
	}
	tables, truncated, err := tableScan(data)
	if err != nil {
		return nil, fmt.Errorf("parse draw tables of %s: read HTML: %w", pageURL, err)
	}

	page := &drawwatch.Page{Kind: kind, URL: pageURL, Truncated: truncated || cutShort(data)}
	seen := map[string]int{}
	drawTables := 0
	for ti, t := range tables {
		cols, head, ok := tableMapColumns(t.rows)
		if !ok {
			continue // a yearly summary or contact table
		}
		drawTables++
		stream, streamName := tableStream(t.caption)
		if stream == "" {
			stream, streamName = tableStream(t.heading)
		}
		if stream == "" {
			page.Warnings = append(page.Warnings, fmt.Sprintf("skipped draw table %d under heading %q: it names no known stream (%d rows)",
				ti, t.heading, len(t.rows)-head-1))
			continue
		}
		sourceURL := pageURL
		if t.anchor != "" {
			sourceURL = pageURL + "#" + t.anchor
		}
		headers := tableExpand(t.rows[head].cells)
		for ri, r := range t.rows[head+1:] {
			cells := tableExpand(r.cells)
			if tableBlank(cells) {
				continue
			}
			d, err := tableDraw(cols, cells, t.year)
			if err != nil {
				page.Warnings = append(page.Warnings, fmt.Sprintf("skipped row %d of table %d (heading %q): not a readable draw: %v",
					ri, ti, t.heading, err))
				continue
			}
			d.Program = drawwatch.Program
			d.Stream = stream
			d.StreamName = streamName
			d.Invitation = invitation
			d.ScoreKind = scoreKind
			d.SourceURL = sourceURL

			page.Announcements = append(page.Announcements, rowAnnouncement(kind, d, headers, cells, sourceURL, seen))
		}
	}
	if drawTables == 0 {
		// Parse's contract for an explicit kind: an empty page, not an
		// error. The warning is what tells a changed layout from a quiet year.
		page.Warnings = append(page.Warnings, fmt.Sprintf("no draw table found on a %s table page (%d tables); check whether the page layout changed",
			kind, len(tables)))
	}
	return page, nil
}

// rowAnnouncement is one table row as an announcement of one draw; seen
// numbers ids repeated on the page.
func rowAnnouncement(kind drawwatch.PageKind, d drawwatch.Draw, headers, cells []string, sourceURL string, seen map[string]int) drawwatch.Announcement {
	id := string(kind) + "-" + d.Date + "-" + string(d.Stream)
	if d.Category != "" {
		id += "-" + drawwatch.Slug(d.Category)
	}
	seen[id]++
	if n := seen[id]; n > 1 {
		id += "-" + strconv.Itoa(n)
	}
	text := tableRowText(headers, cells)
	return drawwatch.Announcement{
		ID:        id,
		Posted:    d.Date,
		Title:     tableTitle(d),
		Kind:      drawwatch.KindDraw,
		Text:      text,
		Hash:      drawwatch.ContentHash(text),
		SourceURL: sourceURL,
		Draws:     []drawwatch.Draw{d},
		// one row, one draw: its count is the total; a row has no
		// sentence the parser could miss
		InvitationsTotal: d.Invitations,
		Unparsed:         []string{},
	}
}

// tableCell is one td or th, its text whitespace-normalized.
type tableCell struct {
	text string
	span int // colspan, at least 1
	th   bool
}

// tableRow is one complete tr.
type tableRow struct {
	cells []tableCell
}

// tableRaw is one top-level table with the headings in force where it starts.
type tableRaw struct {
	rows    []tableRow
	caption string
	heading string // the nearest heading naming a stream, else the nearest heading
	anchor  string // id of that heading, or of an enclosing section heading
	year    int    // the year the enclosing headings name, 0 if none
}

// tableHeading is one h1–h6 seen while scanning.
type tableHeading struct {
	text string
	id   string
}

// tableScan tokenizes the document and returns its top-level tables with
// only the rows that were closed, so that a document cut off mid-row never
// yields a half-read row. It tokenizes rather than building a tree because
// the tree builder silently closes whatever the cut left open.
func tableScan(data []byte) (tables []tableRaw, truncated bool, err error) {
	z := html.NewTokenizer(bytes.NewReader(data))
	s := &tableScanner{}
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				return nil, false, z.Err()
			}
			break
		}
		tok := z.Token()
		if s.skipRaw {
			if tt == html.EndTagToken && (tok.DataAtom == atom.Script || tok.DataAtom == atom.Style) {
				s.skipRaw = false
			}
			continue
		}
		switch tt {
		case html.TextToken:
			s.text(tok)
		case html.StartTagToken, html.SelfClosingTagToken:
			s.open(tt, tok)
		case html.EndTagToken:
			s.shut(tok)
		}
	}
	if s.depth > 0 && s.cur != nil {
		// Cut off inside a table: the open row (if any) may be missing
		// cells or hold half a number, so only closed rows are kept.
		truncated = true
		s.tables = append(s.tables, *s.cur)
	}
	return s.tables, truncated, nil
}

// tableScanner is the state of one tableScan: the headings in force, the
// table, row and cell being read.
type tableScanner struct {
	headings   [7]tableHeading // by level; a heading clears deeper levels
	headLevel  int             // >0 while inside an hN
	headText   strings.Builder
	headID     string
	depth      int // table nesting depth
	cur        *tableRaw
	row        *tableRow
	cell       *tableCell
	cellText   strings.Builder
	inCaption  bool
	captionBuf strings.Builder
	skipRaw    bool // inside script/style
	tables     []tableRaw
}

func (s *tableScanner) closeCell() {
	if s.cell != nil && s.row != nil {
		s.cell.text = collapseSpace(s.cellText.String())
		s.row.cells = append(s.row.cells, *s.cell)
	}
	s.cell = nil
	s.cellText.Reset()
}

func (s *tableScanner) closeRow() {
	s.closeCell()
	if s.row != nil && s.cur != nil && len(s.row.cells) > 0 {
		s.cur.rows = append(s.cur.rows, *s.row)
	}
	s.row = nil
}

func (s *tableScanner) commitHeading() {
	if s.headLevel == 0 {
		return
	}
	s.headings[s.headLevel] = tableHeading{text: collapseSpace(s.headText.String()), id: s.headID}
	for deeper := s.headLevel + 1; deeper < len(s.headings); deeper++ {
		s.headings[deeper] = tableHeading{}
	}
	s.headLevel = 0
}

func (s *tableScanner) startTable() {
	// A heading left open (<h3>Stream<table>) still names the table.
	s.commitHeading()
	t := tableRaw{}
	// Deepest heading first: the stream heading sits under the year one.
	chosen := 0
	for lvl := 6; lvl >= 1; lvl-- {
		h := s.headings[lvl]
		if h.text == "" {
			continue
		}
		if chosen == 0 {
			chosen = lvl
		}
		if s, _ := tableStream(h.text); s != "" {
			chosen = lvl
			break
		}
	}
	if chosen > 0 {
		t.heading, t.anchor = s.headings[chosen].text, s.headings[chosen].id
	}
	for lvl := 6; lvl >= 1; lvl-- {
		h := s.headings[lvl]
		if t.anchor == "" && lvl < chosen && h.id != "" {
			t.anchor = h.id
		}
		if t.year == 0 {
			t.year = tableYear(h.text)
		}
	}
	s.cur = &t
}

func (s *tableScanner) text(tok html.Token) {
	switch {
	case s.headLevel > 0 && s.depth == 0:
		s.headText.WriteString(tok.Data)
	case s.inCaption:
		s.captionBuf.WriteString(tok.Data)
	case s.cell != nil:
		s.cellText.WriteString(tok.Data)
	}
}

func (s *tableScanner) open(tt html.TokenType, tok html.Token) {
	a := tok.DataAtom
	switch {
	case a == atom.Script || a == atom.Style:
		s.skipRaw = tt == html.StartTagToken
	case a == atom.Table:
		s.depth++
		if s.depth == 1 {
			s.startTable()
		}
	case s.depth > 1:
		// Nested s.tables are read as text of the enclosing s.cell.
		s.cellText.WriteByte(' ')
	case s.depth == 1 && a == atom.Caption:
		s.inCaption = true
	case s.depth == 1 && a == atom.Tr:
		s.closeRow()
		s.row = &tableRow{}
	case s.depth == 1 && (a == atom.Td || a == atom.Th):
		s.closeCell()
		if s.row == nil {
			s.row = &tableRow{}
		}
		s.cell = &tableCell{span: 1, th: a == atom.Th}
		for _, at := range tok.Attr {
			if at.Key == "colspan" {
				if n, err := strconv.Atoi(strings.TrimSpace(at.Val)); err == nil && n > 1 && n < 100 {
					s.cell.span = n
				}
			}
		}
	case s.depth == 1 && (a == atom.Thead || a == atom.Tbody || a == atom.Tfoot):
		s.closeRow()
	case s.depth == 0 && tableHeadingLevel(a) > 0:
		s.commitHeading()
		s.headLevel = tableHeadingLevel(a)
		s.headText.Reset()
		s.headID = ""
		for _, at := range tok.Attr {
			if at.Key == "id" {
				s.headID = strings.TrimSpace(at.Val)
			}
		}
	case s.headLevel > 0 && s.headID == "":
		// Older pages put the anchor on an inner <a id> or <a name>.
		for _, at := range tok.Attr {
			if at.Key == "id" || (a == atom.A && at.Key == "name") {
				s.headID = strings.TrimSpace(at.Val)
			}
		}
	case tableInline[a]:
		// "<strong>505</strong>-528" reads "505-528".
	default:
		// Block elements and line breaks inside text separate words.
		if s.cell != nil {
			s.cellText.WriteByte(' ')
		} else if s.headLevel > 0 {
			s.headText.WriteByte(' ')
		}
	}
}

func (s *tableScanner) shut(tok html.Token) {
	a := tok.DataAtom
	switch {
	case a == atom.Table:
		if s.depth == 1 {
			s.closeRow()
			s.tables = append(s.tables, *s.cur)
			s.cur = nil
		}
		if s.depth > 0 {
			s.depth--
		}
	case s.depth > 1:
		s.cellText.WriteByte(' ')
	case s.depth == 1 && a == atom.Caption:
		s.inCaption = false
		s.cur.caption = collapseSpace(s.captionBuf.String())
		s.captionBuf.Reset()
	case s.depth == 1 && (a == atom.Td || a == atom.Th):
		s.closeCell()
	case s.depth == 1 && a == atom.Tr:
		s.closeRow()
	case s.depth == 1 && (a == atom.Thead || a == atom.Tbody || a == atom.Tfoot):
		s.closeRow()
	case s.depth == 0 && tableHeadingLevel(a) > 0:
		s.commitHeading()
	case tableInline[a]:
	default:
		if s.cell != nil {
			s.cellText.WriteByte(' ')
		} else if s.headLevel > 0 {
			s.headText.WriteByte(' ')
		}
	}
}

// tableInline are the elements that do not break words.
var tableInline = map[atom.Atom]bool{
	atom.A: true, atom.Abbr: true, atom.B: true, atom.Em: true, atom.I: true, atom.Span: true,
	atom.Strong: true, atom.Sup: true, atom.Sub: true, atom.Small: true, atom.U: true, atom.Time: true,
	atom.Mark: true, atom.Code: true, atom.Dfn: true, atom.Font: true,
}

func tableHeadingLevel(a atom.Atom) int {
	switch a {
	case atom.H1:
		return 1
	case atom.H2:
		return 2
	case atom.H3:
		return 3
	case atom.H4:
		return 4
	case atom.H5:
		return 5
	case atom.H6:
		return 6
	}
	return 0
}

// tableExpand repeats each cell over its colspan so that cell i lines up
// with header i.
func tableExpand(cells []tableCell) []string {
	out := make([]string, 0, len(cells))
	for _, c := range cells {
		for i := 0; i < c.span; i++ {
			out = append(out, c.text)
		}
	}
	return out
}

func tableBlank(cells []string) bool {
	for _, c := range cells {
		if c != "" {
			return false
		}
	}
	return true
}

// tableCol is what one column of a draw table holds.
type tableCol int

const (
	tableColOther tableCol = iota
	tableColDate
	tableColCount
	tableColScore
	tableColProfiles
	tableColNotes
)

// tableColumns says which column holds what; -1 when absent.
type tableColumns struct {
	date, count, score, profiles, notes int
}

// tableColumnOf reads one header by its words. Order matters: "Number of
// CRS score range" is a score, "Date profiles created" a profile window,
// and "Number of NOIs issued" a count although it says "issued". Whole
// words only: "(notice posted to applicant's IRCC account)" is no count.
func tableColumnOf(header string) tableCol {
	words := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(header), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '#'
	}) {
		words[w] = true
	}
	has := func(ws ...string) bool {
		for _, w := range ws {
			if words[w] {
				return true
			}
		}
		return false
	}
	switch {
	case has("profile", "profiles", "window", "created"):
		return tableColProfiles
	case has("score", "scores", "crs", "range", "points", "eoi"):
		return tableColScore
	case has("note", "notes", "comment", "comments", "remarks", "details"):
		return tableColNotes
	case has("number", "count", "total", "#"):
		return tableColCount
	case has("date", "time", "when", "day"):
		return tableColDate
	case has("invitations", "invitation", "nois", "noi", "itas", "ita", "invited", "issued"):
		return tableColCount
	}
	return tableColOther
}

// tableMapColumns finds the header row (the first row with a th, else the
// first row) and maps its columns. ok is false for tables that are not draw
// tables: a draw needs a date and a count or a score band.
func tableMapColumns(rows []tableRow) (cols tableColumns, head int, ok bool) {
	if len(rows) == 0 {
		return cols, 0, false
	}
	head = 0
	for i, r := range rows {
		if tableHasTH(r) {
			head = i
			break
		}
	}
	cols = tableColumns{date: -1, count: -1, score: -1, profiles: -1, notes: -1}
	for i, h := range tableExpand(rows[head].cells) {
		var slot *int
		switch tableColumnOf(h) {
		case tableColDate:
			slot = &cols.date
		case tableColCount:
			slot = &cols.count
		case tableColScore:
			slot = &cols.score
		case tableColProfiles:
			slot = &cols.profiles
		case tableColNotes:
			slot = &cols.notes
		default:
			continue
		}
		if *slot < 0 { // the first column of a kind wins
			*slot = i
		}
	}
	ok = cols.date >= 0 && (cols.count >= 0 || cols.score >= 0)
	return cols, head, ok
}

func tableHasTH(r tableRow) bool {
	for _, c := range r.cells {
		if c.th {
			return true
		}
	}
	return false
}

// tableDraw reads the draw fields one row's cells give. The date is
// required: without it the row cannot be told apart from any other.
func tableDraw(cols tableColumns, cells []string, year int) (drawwatch.Draw, error) {
	get := func(i int) string {
		if i < 0 || i >= len(cells) {
			return ""
		}
		return cells[i]
	}
	var d drawwatch.Draw
	dateCell := get(cols.date)
	date, ok := firstDate(dateCell, year)
	if !ok {
		return d, fmt.Errorf("read draw date from %q: no month, day and year", dateCell)
	}
	d.Date = date
	d.ScoreMin, d.ScoreMax, _ = ParseScoreBand(get(cols.score))
	if n, ok := parseCount(get(cols.count)); ok {
		d.Invitations = &n
	}
	d.ProfilesFrom, d.ProfilesTo = tableProfileWindow(get(cols.profiles), date)
	d.Notes = get(cols.notes)
	d.Category = tableCategory(d.Notes)
	return d, nil
}

// tableRowText is the row as "header: value" pairs, the text whose hash
// tells a corrected row from an unchanged one.
func tableRowText(headers, cells []string) string {
	parts := make([]string, 0, len(cells))
	for i, c := range cells {
		h := ""
		if i < len(headers) {
			h = headers[i]
		}
		if h == "" {
			h = "column " + strconv.Itoa(i+1)
		}
		parts = append(parts, h+": "+c)
	}
	return strings.Join(parts, " | ")
}

func tableTitle(d drawwatch.Draw) string {
	t := d.StreamName + " stream"
	if d.Category != "" {
		t += ": " + d.Category
	}
	return t + " (" + d.Date + ")"
}

// tableStream reads the stream a heading names and the name as the page
// spells it, without the trailing word "stream".
func tableStream(heading string) (drawwatch.Stream, string) {
	stream, ok := StreamOf(heading)
	if !ok {
		return "", ""
	}
	name := collapseSpace(heading)
	lower := strings.ToLower(name)
	for _, suffix := range []string{" streams", " stream"} {
		if strings.HasSuffix(lower, suffix) {
			name = strings.TrimSpace(name[:len(name)-len(suffix)])
			break
		}
	}
	return stream, name
}

var tableYearRE = regexp.MustCompile(`\b(20\d\d|19\d\d)\b`)

func tableYear(s string) int {
	m := tableYearRE.FindStringSubmatch(s)
	if m == nil {
		return 0
	}
	y, _ := strconv.Atoi(m[1])
	return y
}

// tableProfileWindow reads "October 8, 2023 – October 8, 2024" and the
// other forms the pages use: hyphen, en dash or "to", missing spaces,
// "January 1 to November 26, 2018" (year only on the end),
// "February 2, 2020 – February 2" (year only on the start; the end is then
// the draw date's year), times after dates. A lone date is the start unless
// the text says "before", "until" or "up to".
func tableProfileWindow(s, drawDate string) (from, to string) {
	days := findDays(NormalizeSpace(s))
	drawYear := 0
	if t, err := time.Parse(time.DateOnly, drawDate); err == nil {
		drawYear = t.Year()
	}
	switch len(days) {
	case 0:
		return "", ""
	case 1:
		iso, err := days[0].orYear(drawYear).iso()
		if err != nil {
			return "", ""
		}
		lower := strings.ToLower(s)
		if strings.Contains(lower, "before") || strings.Contains(lower, "until") || strings.Contains(lower, "up to") {
			return "", iso
		}
		return iso, ""
	}
	start, end := days[0], days[len(days)-1]
	if end.year == 0 {
		end.year = drawYear
		if end.year == 0 {
			end.year = start.year
		}
	}
	if start.year == 0 {
		start.year = end.year
		if end.before(start) {
			start.year--
		}
	}
	from, _ = start.iso()
	to, _ = end.iso()
	return from, to
}

// tableTargetCutRE ends the part of a notes cell that names the target:
// what follows points readers to another page, and those pages' names
// ("Tech Draw page") must not be read as targets.
var tableTargetCutRE = regexp.MustCompile(`(?i)please refer|refer to|for more information`)

// tableRegions are the regions regional draws target, with the spellings
// notes use for them.
var tableRegions = []struct {
	name     string
	spelling []string
}{
	{"Northern Ontario", []string{"northern ontario"}},
	{"Eastern Ontario", []string{"eastern ontario"}},
	{"Southwestern Ontario", []string{"southwestern ontario", "south western ontario", "south-western ontario"}},
	{"Central Ontario", []string{"central ontario"}},
}

// tableCategory reads the target a notes cell names, in the words the
// updates-page parser uses for sub-categories, or "" when the notes name
// none ("Targeted draw Please refer to ... for a list of targeted
// occupations" names no target: the list is on another page).
func tableCategory(notes string) string {
	target := notes
	if loc := tableTargetCutRE.FindStringIndex(target); loc != nil {
		target = target[:loc[0]]
	}
	t := strings.ToLower(collapseSpace(target))
	if t == "" {
		return ""
	}
	known := knownCategory(t)
	if known == categoryEMPP {
		return known
	}
	// A regional draw goes by its region, REDI or not.
	for _, r := range tableRegions {
		for _, sp := range r.spelling {
			if strings.Contains(t, sp) {
				return r.name
			}
		}
	}
	switch {
	case known != "":
		return known
	case strings.Contains(t, "regional immigration pilot") || strings.Contains(t, "regional pilot"):
		return "Regional Immigration Pilot"
	case strings.Contains(t, "french"): // "Targeted candidates with French language abilities"
		return "French-speaking"
	}
	// A combined category lists the groups in the notes' own order
	// ("Tech and health occupations").
	type found struct {
		at   int
		name string
	}
	var hits []found
	for _, g := range occupationGroups {
		loc := g.re.FindStringIndex(t)
		if loc == nil || (g.name == "priority" && strings.Contains(t, "other priority")) {
			continue
		}
		hits = append(hits, found{loc[0], g.name})
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].at < hits[j].at })
	groups := make([]string, len(hits))
	for i, h := range hits {
		groups[i] = h.name
	}
	switch {
	case len(groups) == 1:
		return sentenceCase(groups[0] + " occupations")
	case len(groups) > 1:
		return sentenceCase(strings.Join(groups[:len(groups)-1], ", ") + " and " + groups[len(groups)-1] + " occupations")
	case strings.Contains(t, "general"):
		return "General occupations"
	case strings.Contains(t, "job offer"):
		return "Job offer in Ontario"
	}
	return ""
}
