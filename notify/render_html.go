package notify

import (
	"embed"
	"html/template"
	"strings"
)

//go:embed templates/alert.html
var templateFS embed.FS

// alertTemplate lays out the email HTML part. html/template escapes page
// text for its context (element text, href), as the status page does.
var alertTemplate = template.Must(template.ParseFS(templateFS, "templates/alert.html"))

// htmlView is a doc grouped the way HTML needs it: each part a run of
// paragraphs and lists.
type htmlView struct{ Parts []htmlPart }

type htmlPart struct {
	Title, Context bool
	Blocks         []htmlBlock
}

// htmlBlock is one paragraph (lines joined by <br>) or one list.
type htmlBlock struct {
	List  bool
	Lines []htmlLine
}

// htmlLine is a paragraph line or a list item; Cont marks the code-only
// lines that continue the item above (no bullet of their own).
type htmlLine struct {
	Cont  bool
	Spans []htmlSpan
}

type htmlSpan struct {
	Text, Href string
	Bold       bool
}

func (d doc) html() string {
	var view htmlView
	for _, p := range d.parts {
		if len(p.lines) > 0 {
			view.Parts = append(view.Parts, htmlPartOf(p))
		}
	}
	var b strings.Builder
	if err := alertTemplate.Execute(&b, view); err != nil {
		// Only a broken template fails (the view is plain data); the text
		// part still carries the alert.
		return "<!DOCTYPE html>\n<p>drawwatch could not lay out this alert; see the text part.</p>\n"
	}
	return b.String()
}

func htmlPartOf(p part) htmlPart {
	hp := htmlPart{Title: p.kind == partTitle, Context: p.kind == partContext}
	for _, l := range p.lines {
		inList := len(hp.Blocks) > 0 && hp.Blocks[len(hp.Blocks)-1].List
		// Code-only lines (codes > 0, no bullet) continue a list item.
		cont := !l.bullet && l.codes > 0 && inList
		if len(hp.Blocks) == 0 || (l.bullet || cont) != inList {
			hp.Blocks = append(hp.Blocks, htmlBlock{List: l.bullet || cont})
		}
		blk := &hp.Blocks[len(hp.Blocks)-1]
		blk.Lines = append(blk.Lines, htmlLine{Cont: cont, Spans: htmlSpans(l.spans)})
	}
	return hp
}

func htmlSpans(spans []span) []htmlSpan {
	out := make([]htmlSpan, len(spans))
	for i, s := range spans {
		out[i] = htmlSpan{Text: s.text, Bold: s.bold && s.href == ""}
		if s.href != "" {
			// safeURL keeps http(s) only; a link it refuses is plain text.
			out[i].Href = safeURL(s.href)
			out[i].Bold = s.bold && out[i].Href == ""
		}
	}
	return out
}
