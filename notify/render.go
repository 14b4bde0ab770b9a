package notify

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/drawwatch/drawwatch"
	"github.com/slack-go/slack"
)

// Message is one alert rendered for every channel. Text is plain text (the
// email text part and Slack's notification fallback); HTML is the email
// HTML part; Blocks is the Slack layout. Subject never contains CR or LF.
type Message struct {
	Subject string
	Text    string
	HTML    string
	Blocks  []slack.Block
}

// Slack limits a section's text to 3,000 characters and a message to 50
// blocks; stay a little under the first so escaping never tips it over.
const (
	maxSectionChars = 2900
	maxBlocks       = 50
	// nocTitles is how many NOC codes are listed with their titles before
	// the rest collapse into code-only lines; codes matching the route's
	// filters always get their title.
	nocTitles = 12
	// nocCodesPerLine keeps code-only lines short enough to scan.
	nocCodesPerLine = 10
	// maxValueRunes caps one old/new value in a change list (page text
	// fields can be long); the source link has the full text.
	maxValueRunes = 300
)

// span is a run of text with at most one style. Text is raw page text:
// each output format escapes it for itself.
type span struct {
	text string
	bold bool
	href string
}

// line is one line of a part. codes counts the NOC codes it stands for, so
// a collapsed Slack tail can say how many were left out.
type line struct {
	spans  []span
	bullet bool
	codes  int
}

type partKind int

const (
	partTitle   partKind = iota // bold first line
	partText                    // plain lines
	partContext                 // small print: dates, source link
)

type part struct {
	kind  partKind
	lines []line
}

// doc is the format-neutral alert; Render turns it into text, HTML and
// Slack blocks so the three never disagree on content.
type doc struct {
	subject string
	parts   []part
}

// Render builds the message for one alert. highlight holds the NOC filters
// ("31*", "31301") of the routes that lead to the alert's target: matching
// codes are listed first and in bold.
func Render(a drawwatch.Alert, highlight []string) Message {
	return RenderIn(a, highlight, time.UTC)
}

// RenderIn is Render with times (when an ops problem was detected) shown
// in zone, named so the reader knows which: the schedule's zone, so the
// ops email and the status page agree.
func RenderIn(a drawwatch.Alert, highlight []string, zone *time.Location) Message {
	d := renderDoc(a, highlight, zone)
	return Message{
		Subject: cleanHeader(d.subject),
		Text:    d.plain(),
		HTML:    d.html(),
		Blocks:  d.blocks(),
	}
}

// renderDoc is the format-neutral alert every channel lays out for itself.
func renderDoc(a drawwatch.Alert, highlight []string, zone *time.Location) doc {
	var d doc
	ev := a.Event
	switch ev.Type {
	case drawwatch.EventNew:
		d = renderNew(ev, highlight)
	case drawwatch.EventChanged:
		d = renderChanged(ev)
	case drawwatch.EventNews:
		d = renderNews(ev)
	case drawwatch.EventOps, drawwatch.EventRecovery, drawwatch.EventWarning, drawwatch.EventDeadAlerts, drawwatch.EventSummary:
		d = renderOps(ev, zone)
	case drawwatch.EventTest:
		d = renderTest(a)
	case drawwatch.EventDigest:
		d = renderDigest(ev, zone)
	default:
		d = doc{subject: "drawwatch: " + string(ev.Type), parts: []part{
			titlePart("drawwatch event: " + string(ev.Type)),
			textPart(ev.Message),
		}}
	}
	if ev.Type == drawwatch.EventNew || ev.Type == drawwatch.EventChanged {
		d.parts = withClients(d.parts, a.Clients)
	}
	return d
}

func titlePart(s string) part {
	return part{kind: partTitle, lines: []line{{spans: []span{{text: s, bold: true}}}}}
}

func textPart(lines ...string) part {
	p := part{kind: partText}
	for _, l := range lines {
		if l != "" {
			p.lines = append(p.lines, line{spans: []span{{text: l}}})
		}
	}
	return p
}

func labelLine(label, value string) line {
	return line{spans: []span{{text: label + ": ", bold: true}, {text: value}}}
}

// sourcePart links the announcement on ontario.ca (with its anchor).
func sourcePart(an *drawwatch.Announcement) part {
	p := part{kind: partContext}
	if an == nil {
		return p
	}
	var l line
	if an.Posted != "" {
		l.spans = append(l.spans, span{text: "Posted " + humanDate(an.Posted) + " · "})
	}
	if an.SourceURL != "" {
		l.spans = append(l.spans, span{text: "Source: "}, span{text: sourceSite(an.SourceURL), href: an.SourceURL})
	}
	if len(l.spans) > 0 {
		p.lines = append(p.lines, l)
	}
	return p
}

func announcementTitle(an *drawwatch.Announcement, fallback string) string {
	if an == nil || strings.TrimSpace(an.Title) == "" {
		return fallback
	}
	return an.Title
}

func renderNew(ev drawwatch.Event, highlight []string) doc {
	an := ev.Announcement
	title := announcementTitle(an, "New OINP draw")
	d := doc{parts: []part{titlePart(title)}}
	if an != nil {
		for i, dr := range an.Draws {
			var prev *drawwatch.Draw
			if i < len(ev.Previous) {
				prev = ev.Previous[i]
			}
			d.parts = append(d.parts, drawParts(dr, prev, highlight, nil)...)
		}
	}
	d.parts = append(d.parts, unparsedParts(an)...)
	d.parts = append(d.parts, sourcePart(an))
	d.subject = drawSubject("", an, title)
	return d
}

func drawName(dr drawwatch.Draw) string {
	if isEE(dr) {
		return "" // one round per announcement: its title names it
	}
	name := dr.StreamName
	if name == "" {
		name = string(dr.Stream)
	}
	if dr.Category != "" {
		if name != "" {
			return name + " — " + dr.Category
		}
		return dr.Category
	}
	return name
}

// fact is one labelled line of a draw ("Score", "CRS 379–430"). key names
// what it states, which a label may not ("NOIs issued" and "Invitation"
// both state the invitations), so a correction compares like with like.
type fact struct{ key, label, value string }

// drawFacts lists what a draw states, in the order an alert shows it.
func drawFacts(dr drawwatch.Draw, prev *drawwatch.Draw) []fact {
	if isEE(dr) {
		return eeFacts(dr, prev)
	}
	var facts []fact
	add := func(key, label, value string) { facts = append(facts, fact{key, label, value}) }
	if dr.Date != "" {
		add("date", "Draw date", humanDate(dr.Date))
	}
	switch {
	case dr.Invitations != nil && dr.Invitation != "":
		add("invitations", dr.Invitation+"s issued", thousands(*dr.Invitations))
	case dr.Invitations != nil:
		add("invitations", "Invitations issued", thousands(*dr.Invitations))
	case dr.Invitation != "":
		add("invitations", "Invitation", invitationName(dr.Invitation))
	}
	if band := scoreBand(dr); band != "" {
		add("score", "Score", band)
	}
	if cmp := comparePrevious(dr, prev); cmp != "" {
		add("previous", "Previous draw", cmp)
	}
	if dr.ProfilesFrom != "" || dr.ProfilesTo != "" {
		add("profiles", "Profiles created", humanDate(dr.ProfilesFrom)+" – "+humanDate(dr.ProfilesTo))
	}
	if dr.Deadline != "" {
		add("deadline", "Apply by", humanDate(dr.Deadline))
	}
	if dr.Notes != "" {
		add("notes", "Notes", dr.Notes)
	}
	return facts
}

// drawParts renders one draw: facts, then its NOC list. With a non-nil
// correction, facts that differ from the draw as first read are bold with
// the old value beside them, and added NOC codes are marked.
func drawParts(dr drawwatch.Draw, prev *drawwatch.Draw, highlight []string, fix *correction) []part {
	facts := part{kind: partText}
	if name := drawName(dr); name != "" {
		l := line{spans: []span{{text: name, bold: true}}}
		if fix != nil && fix.added {
			l.spans = append(l.spans, span{text: " (new draw)"})
		}
		facts.lines = append(facts.lines, l)
	}
	var before map[string]fact
	if fix != nil && !fix.added {
		before = make(map[string]fact)
		for _, f := range drawFacts(fix.old, prev) {
			before[f.key] = f
		}
	}
	for _, f := range drawFacts(dr, prev) {
		old, had := before[f.key]
		delete(before, f.key)
		switch {
		case before == nil || (had && old.value == f.value) || f.key == "previous":
			// how the draw compares with the previous one moves with the
			// corrected values; it is no correction of its own
			facts.lines = append(facts.lines, labelLine(f.label, f.value))
		case had && old.label == f.label:
			facts.lines = append(facts.lines, changedLine(f.label, f.value, old.value))
		default:
			// new, or stated differently ("NOIs issued: 2,086" where the
			// page only said notifications were issued)
			facts.lines = append(facts.lines, changedLine(f.label, f.value, ""))
		}
	}
	if len(before) > 0 {
		// facts the correction removed, in the order the draw had them
		for _, f := range drawFacts(fix.old, prev) {
			if _, gone := before[f.key]; gone {
				facts.lines = append(facts.lines, changedLine(f.label, "(none)", f.value))
			}
		}
	}
	parts := []part{facts}
	if len(dr.NOCs) > 0 || (fix != nil && fix.removedNOCs != "") {
		parts = append(parts, nocPart(dr.NOCs, highlight, fix))
	}
	return parts
}

// changedLine is a fact whose value a correction changed: "Score: *CRS
// 385–430* (was CRS 379–430)".
func changedLine(label, value, old string) line {
	was := " (was " + old + ")"
	if old == "" {
		was = " (new)"
	}
	return line{spans: []span{{text: label + ": ", bold: true}, {text: value, bold: true}, {text: was}}}
}

func invitationName(kind string) string {
	switch kind {
	case drawwatch.InvitationNOI:
		return "notifications of interest (NOI)"
	case drawwatch.InvitationITA:
		return "invitations to apply (ITA)"
	}
	return kind
}

// nocPart lists codes matching highlight first (bold, with titles), then
// the others in page order: the first ones with titles, the rest as code-only
// lines. Every code appears; only titles are dropped.
func nocPart(nocs []drawwatch.NOC, highlight []string, fix *correction) part {
	var added, hit, rest []drawwatch.NOC
	for _, n := range nocs {
		switch {
		case fix.addedNOC(n.Code):
			added = append(added, n)
		case matchNOC(highlight, n.Code):
			hit = append(hit, n)
		default:
			rest = append(rest, n)
		}
	}
	p := part{kind: partText}
	p.lines = append(p.lines, line{spans: []span{{text: fmt.Sprintf("NOC codes (%d):", len(nocs)), bold: true}}})
	nocLine := func(n drawwatch.NOC, bold bool) line {
		t := n.Code
		if n.Title != "" {
			t += " " + n.Title
		}
		return line{spans: []span{{text: t, bold: bold}}, bullet: true, codes: 1}
	}
	for _, n := range added {
		l := nocLine(n, true)
		l.spans = append(l.spans, span{text: " (added)"})
		p.lines = append(p.lines, l)
	}
	if fix != nil && fix.removedNOCs != "" {
		p.lines = append(p.lines, line{bullet: true, spans: []span{{text: "Removed: ", bold: true}, {text: fix.removedNOCs}}})
	}
	for _, n := range hit {
		p.lines = append(p.lines, nocLine(n, true))
	}
	titled := max(0, nocTitles-len(added)-len(hit))
	if len(rest) <= titled+2 {
		// Collapsing one or two codes saves nothing.
		titled = len(rest)
	}
	for _, n := range rest[:titled] {
		p.lines = append(p.lines, nocLine(n, false))
	}
	tail := rest[titled:]
	if len(tail) == 0 {
		return p
	}
	for i := 0; i < len(tail); i += nocCodesPerLine {
		chunk := tail[i:min(i+nocCodesPerLine, len(tail))]
		codes := make([]string, len(chunk))
		for j, n := range chunk {
			codes[j] = n.Code
		}
		text := strings.Join(codes, ", ")
		if i+nocCodesPerLine < len(tail) {
			text += ","
		}
		if i == 0 {
			text = fmt.Sprintf("%d more: %s", len(tail), text)
		}
		p.lines = append(p.lines, line{spans: []span{{text: text}}, bullet: i == 0, codes: len(chunk)})
	}
	return p
}

// scoreBand renders "CRS 379–430", "EOI 73 and above", "CRS up to 430".
func scoreBand(dr drawwatch.Draw) string {
	return dr.ScoreBandWords()
}

// comparePrevious says how the minimum score moved since the previous draw
// of the same stream and category: "CRS min 379, up 29 from 350 on 26 Sep
// 2023 (133 days earlier)".
func comparePrevious(dr drawwatch.Draw, prev *drawwatch.Draw) string {
	if prev == nil {
		return ""
	}
	kind := dr.ScoreKind
	if kind == "" {
		kind = "score"
	}
	when := ""
	if prev.Date != "" {
		when = " on " + humanDate(prev.Date)
		if days, ok := daysBetween(prev.Date, dr.Date); ok {
			when += fmt.Sprintf(" (%d days earlier)", days)
		}
	}
	if dr.ScoreMin == nil || prev.ScoreMin == nil {
		s := "previous draw" + when
		if band := scoreBand(*prev); band != "" {
			s += ": " + band
		}
		return s
	}
	cur, old := *dr.ScoreMin, *prev.ScoreMin
	switch {
	case cur > old:
		return fmt.Sprintf("%s min %d, up %d from %d%s", kind, cur, cur-old, old, when)
	case cur < old:
		return fmt.Sprintf("%s min %d, down %d from %d%s", kind, cur, old-cur, old, when)
	}
	return fmt.Sprintf("%s min %d, unchanged from %d%s", kind, cur, old, when)
}

func daysBetween(from, to string) (int, bool) {
	a, err1 := time.Parse(time.DateOnly, from)
	b, err2 := time.Parse(time.DateOnly, to)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return int(b.Sub(a).Hours() / 24), true
}

// FormatInZone writes t in zone and names the zone: "6 Feb 2024 10:04
// EST (America/Toronto)". The abbreviation alone is ambiguous (CST), and
// a bare offset does not say whose clock it is.
func FormatInZone(t time.Time, zone *time.Location) string {
	if zone == nil {
		zone = time.UTC
	}
	s := t.In(zone).Format("2 Jan 2006 15:04 MST")
	switch name := zone.String(); name {
	case "UTC":
	case "Local":
		s += " (server local time)"
	default:
		s += " (" + name + ")"
	}
	return s
}

// humanDate turns "2024-02-06" into "6 Feb 2024"; other text is kept.
func humanDate(iso string) string {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	return t.Format("2 Jan 2006")
}

func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

var fieldNames = map[string]string{
	"stream":        "stream",
	"stream_name":   "stream name",
	"date":          "draw date",
	"invitation":    "invitation type",
	"score_kind":    "score kind",
	"score_min":     "score min",
	"score_max":     "score max",
	"invitations":   "invitations issued",
	"profiles_from": "profiles created from",
	"profiles_to":   "profiles created to",
	"nocs":          "NOC codes",
	"source_url":    "source link",
	"posted":        "posted date",
	"draws":         "draws",
	// Express Entry rounds
	"round":             "round number",
	"tie_break":         "tie-break time",
	"programs_included": "programs included",
	"distribution":      "pool distribution",
}

// fieldLabel renders a FieldChange key readably:
// "2024-02-06|hcp|health-occupations.score_min" -> "Health occupations — score min".
func fieldLabel(an *drawwatch.Announcement, field string) string {
	name := field
	prefix := ""
	if i := strings.LastIndex(field, "."); i > 0 && (strings.Contains(field[:i], "|") || strings.HasPrefix(field, "round-")) {
		key := field[:i]
		name = field[i+1:]
		prefix = drawLabel(an, key)
		if label, ok := eeFieldLabel(key, name); ok {
			return label // one round per announcement: its title names it
		}
	}
	label, ok := fieldNames[name]
	if !ok {
		label = strings.ReplaceAll(name, "_", " ")
	}
	if prefix == "" {
		return upperFirst(label)
	}
	return prefix + " — " + label
}

func drawLabel(an *drawwatch.Announcement, key string) string {
	if an != nil {
		for _, dr := range an.Draws {
			if dr.Key() == key {
				if isEE(dr) {
					return eeRoundName(dr)
				}
				if dr.Category != "" {
					return dr.Category
				}
				return drawName(dr)
			}
		}
	}
	// The draw is gone from the current version: rebuild a name from the
	// key ("date|stream|category-slug").
	parts := strings.Split(key, "|")
	if len(parts) == 3 && parts[2] != "" {
		return upperFirst(strings.ReplaceAll(parts[2], "-", " "))
	}
	if len(parts) >= 2 && parts[1] != "" {
		return parts[1]
	}
	return key
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return strings.ToUpper(string(r)) + s[n:]
}

// changeText is old → new with dates made readable and long values
// (edited passages) cut, so a change line never breaks Slack's limits.
func changeText(fc drawwatch.FieldChange) string {
	if strings.HasSuffix(fc.Field, ".nocs") {
		return fc.Summary() // lists of codes added and removed, not old → new
	}
	return changeValue(fc.Old) + " → " + changeValue(fc.New)
}

func changeValue(v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return "(none)"
	}
	v = humanDate(v)
	if utf8.RuneCountInString(v) > maxValueRunes {
		r := []rune(v)
		v = string(r[:maxValueRunes]) + "…"
	}
	return v
}

func renderNews(ev drawwatch.Event) doc {
	an := ev.Announcement
	title := announcementTitle(an, "OINP announcement")
	d := doc{subject: "[OINP] News: " + title, parts: []part{titlePart("OINP news: " + title)}}
	if an != nil {
		d.parts = append(d.parts, textPart(leadParagraph(*an)))
	}
	d.parts = append(d.parts, unparsedParts(an)...)
	d.parts = append(d.parts, sourcePart(an))
	return d
}

// Bounds of a news alert's opening text: at least leadMin characters when
// the announcement has them, cut at the first sentence end after that, and
// never more than leadMax.
const (
	leadMin = 160
	leadMax = 600
)

// leadParagraph is the opening of an announcement's text after its title,
// whole sentences up to about a paragraph: enough to say what changed and
// by how much without a click.
func leadParagraph(an drawwatch.Announcement) string {
	body := strings.TrimSpace(strings.TrimPrefix(an.Text, an.Title))
	r := []rune(body)
	if len(r) <= leadMin {
		return body
	}
	for i := leadMin; i < len(r)-1 && i < leadMax; i++ {
		if strings.ContainsRune(".!?", r[i]) && r[i+1] == ' ' && !abbreviationEnd(r[:i+1]) {
			return string(r[:i+1])
		}
	}
	if len(r) <= leadMax {
		return body
	}
	cut := string(r[:leadMax])
	if sp := strings.LastIndexByte(cut, ' '); sp > 0 {
		cut = cut[:sp]
	}
	return cut + " …"
}

// abbreviationEnd reports whether text ends in a period that is not a
// sentence's end: "Inc.", "e.g.", a single initial.
func abbreviationEnd(text []rune) bool {
	s := string(text)
	word := s[strings.LastIndexByte(s, ' ')+1:]
	switch strings.ToLower(word) {
	case "inc.", "ltd.", "e.g.", "i.e.", "etc.", "no.", "st.", "mr.", "ms.", "dr.":
		return true
	}
	return utf8.RuneCountInString(word) == 2 && unicode.IsUpper([]rune(word)[0])
}

func renderOps(ev drawwatch.Event, zone *time.Location) doc {
	source := ev.Source
	if source == "" {
		source = "unknown source"
	}
	title := "drawwatch: " + source + " is not reading normally"
	switch ev.Type {
	case drawwatch.EventRecovery:
		title = "drawwatch: " + source + " reads normally again"
	case drawwatch.EventWarning:
		title = "drawwatch: " + source + " read with a warning"
	case drawwatch.EventDeadAlerts:
		title = "drawwatch: alerts to " + ev.Target + " were given up on"
	case drawwatch.EventSummary: // too many changes at once to alert one by one
		title = "drawwatch: " + source + " changed too much to alert one by one"
	}
	d := doc{subject: title, parts: []part{titlePart(title), textPart(ev.Message)}}
	if !ev.DetectedAt.IsZero() {
		d.parts = append(d.parts, part{kind: partContext, lines: []line{{spans: []span{{text: "Detected " + FormatInZone(ev.DetectedAt, zone)}}}}})
	}
	return d
}

func renderTest(a drawwatch.Alert) doc {
	title := "drawwatch test message"
	body := "This is a test from drawwatch for target " + a.Target + ". If you can read this, delivery to this target works."
	return doc{subject: title, parts: []part{titlePart(title), textPart(body, a.Event.Message)}}
}

// matchNOC reports whether code matches any filter: "31*" is a prefix,
// anything else must match exactly.
func matchNOC(filters []string, code string) bool {
	for _, f := range filters {
		if p, ok := strings.CutSuffix(f, "*"); ok {
			if strings.HasPrefix(code, p) {
				return true
			}
		} else if f == code {
			return true
		}
	}
	return false
}

// cleanHeader makes page text safe for a mail header: CR, LF and other
// control characters become spaces, so a title cannot add a header.
func cleanHeader(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' || r == '\u0085' {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > 200 {
		s = string([]rune(s)[:199]) + "…"
	}
	return s
}

// plain renders the doc as plain text, links as "label (url)".
func (d doc) plain() string {
	var b strings.Builder
	for i, p := range d.parts {
		if len(p.lines) == 0 {
			continue
		}
		if i > 0 && b.Len() > 0 {
			b.WriteString("\n")
		}
		for _, l := range p.lines {
			if l.bullet {
				b.WriteString("• ")
			} else if l.codes > 0 {
				b.WriteString("  ")
			}
			for _, s := range l.spans {
				b.WriteString(plainSpan(s))
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

func plainSpan(s span) string {
	if s.href == "" {
		return s.text
	}
	if s.text == "" || s.text == s.href {
		return s.href
	}
	return s.text + " (" + s.href + ")"
}

// escapeMrkdwn makes page text inert in Slack mrkdwn: "&", "<" and ">" are
// escaped as Slack asks, so "<!channel>" or "<https://evil|click>" shows
// as text instead of acting; and since mrkdwn has no escape for its
// styling characters, "*", "_", "~" and "`" become look-alikes that are
// not markup (Slack would otherwise turn "NOC 2021*" ... "*" into bold).
func escapeMrkdwn(s string) string { return mrkdwnText.Replace(s) }

var mrkdwnText = strings.NewReplacer(
	"&", "&amp;", "<", "&lt;", ">", "&gt;",
	"*", "\u2217", // ∗ ASTERISK OPERATOR
	"_", "\u02cd", // ˍ MODIFIER LETTER LOW MACRON
	"~", "\u223c", // ∼ TILDE OPERATOR
	"`", "\u02cb", // ˋ MODIFIER LETTER GRAVE ACCENT
)

// escapeSlackURL escapes a link target: only what Slack asks for, since
// look-alikes would break the URL.
func escapeSlackURL(u string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(u)
}

// safeURL returns u when it is an absolute http(s) URL, else "".
func safeURL(u string) string {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	return p.String()
}

func mrkdwnSpan(s span) string {
	t := escapeMrkdwn(s.text)
	if s.href != "" {
		if u := safeURL(s.href); u != "" {
			// "|" ends the URL part of a Slack link; %7C keeps the URL intact.
			u = strings.ReplaceAll(escapeSlackURL(u), "|", "%7C")
			return "<" + u + "|" + strings.ReplaceAll(t, "|", "¦") + ">"
		}
	}
	if s.bold && strings.TrimSpace(t) != "" {
		lead := t[:len(t)-len(strings.TrimLeft(t, " "))]
		trail := t[len(strings.TrimRight(t, " ")):]
		return lead + "*" + strings.TrimSpace(t) + "*" + trail
	}
	return t
}

func mrkdwnLine(l line) string {
	var b strings.Builder
	if l.bullet {
		b.WriteString("• ")
	}
	for _, s := range l.spans {
		b.WriteString(mrkdwnSpan(s))
	}
	return b.String()
}

// chunk is one Slack block before it is built, with the number of NOC
// codes it holds so a collapsed tail can count them.
type chunk struct {
	kind  partKind
	text  string
	codes int
	lines int
}

// blocks lays the doc out as Slack blocks: one section per part, split at
// line boundaries to stay under 3,000 characters; beyond 50 blocks the
// tail collapses into "… and N more", keeping the source link last.
func (d doc) blocks() []slack.Block {
	var chunks []chunk
	for _, p := range d.parts {
		var cur chunk
		flush := func() {
			if cur.text != "" {
				chunks = append(chunks, cur)
			}
			cur = chunk{kind: p.kind}
		}
		cur.kind = p.kind
		for _, l := range p.lines {
			t := mrkdwnLine(l)
			if len(t) > maxSectionChars {
				// One line over the limit only happens with absurd page
				// text (a title of 3,000 characters): cut it visibly.
				t = string([]rune(t)[:maxSectionChars/4]) + "…"
			}
			if cur.text != "" && len(cur.text)+1+len(t) > maxSectionChars {
				flush()
			}
			if cur.text != "" {
				cur.text += "\n"
			}
			cur.text += t
			cur.codes += l.codes
			cur.lines++
		}
		flush()
	}
	if len(chunks) > maxBlocks {
		var footer []chunk
		if last := chunks[len(chunks)-1]; last.kind == partContext {
			footer = []chunk{last}
			chunks = chunks[:len(chunks)-1]
		}
		keep := maxBlocks - 1 - len(footer)
		codes, lines := 0, 0
		for _, c := range chunks[keep:] {
			codes += c.codes
			lines += c.lines - c.codes
		}
		var more []string
		if codes > 0 {
			more = append(more, fmt.Sprintf("%d more NOC codes", codes))
		}
		if lines > 0 {
			more = append(more, fmt.Sprintf("%d more lines", lines))
		}
		note := chunk{kind: partText, text: "… and " + strings.Join(more, " and ") + " (see the source page)"}
		chunks = append(slices.Clone(chunks[:keep]), note)
		chunks = append(chunks, footer...)
	}
	blocks := make([]slack.Block, 0, len(chunks))
	for _, c := range chunks {
		txt := slack.NewTextBlockObject(slack.MarkdownType, c.text, false, false)
		if c.kind == partContext {
			blocks = append(blocks, slack.NewContextBlock("", txt))
			continue
		}
		blocks = append(blocks, slack.NewSectionBlock(txt, nil, nil))
	}
	return blocks
}
