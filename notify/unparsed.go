package notify

import "github.com/drawwatch/drawwatch"

// UnparsedIntro opens the quote of an announcement's sentences that the
// parser could not read (Announcement.Unparsed).
const UnparsedIntro = "Part of this announcement could not be read automatically:"

// unparsedParts quotes, in full, the sentences of an announcement no draw
// accounts for, so the reader can act on them; nothing when all was read.
func unparsedParts(an *drawwatch.Announcement) []part {
	if an == nil || len(an.Unparsed) == 0 {
		return nil
	}
	p := part{kind: partText, lines: []line{{spans: []span{{text: UnparsedIntro, bold: true}}}}}
	for _, s := range an.Unparsed {
		p.lines = append(p.lines, line{spans: []span{{text: "“" + s + "”"}}, bullet: true})
	}
	return []part{p}
}
