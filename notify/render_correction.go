package notify

import (
	"strconv"
	"strings"

	"github.com/drawwatch/drawwatch"
)

// correction is what one draw looked like before a changed event, so the
// alert can restate the draw in full and mark what moved.
type correction struct {
	old         drawwatch.Draw  // the draw as first read (changed fields reverted)
	added       bool            // the draw itself is new in this version
	addedNOCs   map[string]bool // codes the correction added
	removedNOCs string          // codes it removed, as the diff lists them
}

func (c *correction) addedNOC(code string) bool { return c != nil && c.addedNOCs[code] }

// corrections pairs each draw of an with what its field changes say it
// was before; a draw no change names gets a correction with nothing moved.
func corrections(an *drawwatch.Announcement, fields []drawwatch.FieldChange) []*correction {
	keys := drawwatch.DrawKeys(an.Draws)
	out := make([]*correction, len(an.Draws))
	for i, dr := range an.Draws {
		c := &correction{old: dr}
		for _, fc := range fields {
			if fc.Field == keys[i] && fc.Old == "" {
				c.added = true
				continue
			}
			name, ok := strings.CutPrefix(fc.Field, keys[i]+".")
			if !ok {
				continue
			}
			if name == "nocs" {
				c.addedNOCs = nocCodes(fc.New)
				c.removedNOCs = fc.Old
				continue
			}
			revertField(&c.old, name, fc.Old)
		}
		out[i] = c
	}
	return out
}

// nocCodes reads the codes of a NOC diff list ("21232, 31200 Title").
func nocCodes(list string) map[string]bool {
	codes := make(map[string]bool)
	for item := range strings.SplitSeq(list, ",") {
		if f := strings.Fields(item); len(f) > 0 {
			codes[f[0]] = true
		}
	}
	return codes
}

// revertField sets the draw field named by its JSON name back to old.
func revertField(d *drawwatch.Draw, name, old string) {
	num := func() *int {
		n, err := strconv.Atoi(old)
		if err != nil {
			return nil
		}
		return &n
	}
	switch name {
	case "stream_name":
		d.StreamName = old
	case "category":
		d.Category = old
	case "date":
		d.Date = old
	case "invitation":
		d.Invitation = old
	case "score_kind":
		d.ScoreKind = old
	case "score_min":
		d.ScoreMin = num()
	case "score_max":
		d.ScoreMax = num()
	case "invitations":
		d.Invitations = num()
	case "profiles_from":
		d.ProfilesFrom = old
	case "profiles_to":
		d.ProfilesTo = old
	case "deadline":
		d.Deadline = old
	case "notes":
		d.Notes = old
	}
}

// renderChanged lists what changed, then restates every draw of the
// corrected announcement in full with the changed values in bold, so the
// reader never has to find the original alert to know where things stand.
func renderChanged(ev drawwatch.Event) doc {
	an := ev.Announcement
	title := "Updated: " + announcementTitle(an, "OINP announcement")
	d := doc{subject: drawSubject("Updated: ", an, title), parts: []part{titlePart(title)}}
	changes := part{kind: partText}
	changes.lines = append(changes.lines, line{spans: []span{{text: "What changed:", bold: true}}})
	for _, fc := range ev.Fields {
		changes.lines = append(changes.lines, line{bullet: true, spans: []span{
			{text: fieldLabel(an, fc.Field) + ": "},
			{text: changeText(fc)},
		}})
	}
	if len(ev.Fields) == 0 {
		changes.lines = append(changes.lines, line{bullet: true, spans: []span{{text: "the announcement text was edited"}}})
	}
	d.parts = append(d.parts, changes)
	if an != nil && len(an.Draws) > 0 {
		heading := "The draw as it now reads:"
		if len(an.Draws) > 1 {
			heading = "The draws as they now read:"
		}
		d.parts = append(d.parts, part{kind: partText, lines: []line{{spans: []span{{text: heading, bold: true}}}}})
		for i, fix := range corrections(an, ev.Fields) {
			var prev *drawwatch.Draw
			if i < len(ev.Previous) {
				prev = ev.Previous[i]
			}
			d.parts = append(d.parts, drawParts(an.Draws[i], prev, nil, fix)...)
		}
	}
	d.parts = append(d.parts, unparsedParts(an)...)
	d.parts = append(d.parts, sourcePart(an))
	return d
}
