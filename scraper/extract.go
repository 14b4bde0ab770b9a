package scraper

// Draw extraction: composing stream, band, NOC set, count and dates.

import (
	"strings"

	"github.com/drawwatch/drawwatch"
)

// extractDraws reads the draws an announcement reports: one per score
// statement (a sentence stating a band), each with the stream its sentence
// or the text before it names, the category of its sub-heading, sentence or
// title, and the NOC list that follows it. An issuance with no stated band
// (EMPP draws, older pages) gives one draw per stream it names.
func extractDraws(b *annBuilder, text string, year int, sourceURL string) []drawwatch.Draw {
	// Text holds the title and every sentence, and each sentence that
	// reports an issuance holds "ssu" or "draw" (see issued): without
	// them, only a title ending "invited" reports one. Most news stops here.
	if !strings.Contains(text, "ssu") && !strings.Contains(text, "draw") && !strings.HasSuffix(strings.ToLower(b.title), " invited") {
		return nil
	}
	items := announcementItems(b)
	if !reportsIssuance(b.title, items) {
		return nil
	}
	issueDate := issuanceDate(items, year, b.posted)
	titleCat, titleRead := "", false // read once, when a draw needs it
	dates := map[int]string{}        // itemDate by item, read once

	var draws []drawwatch.Draw
	var drawItem []int     // index of the item each draw came from
	var seen sentencesRead // for finding the stream a statement refers to
	section := ""          // category of the current sub-heading
	sectionStart := 0      // first draw index in the current section
	parent := -1           // last draw before the current sub-heading
	split := map[int]bool{}
	var pending []drawwatch.NOC

	newDraw := func(stream drawwatch.Stream, category string) drawwatch.Draw {
		inv, sk := InvitationKind(stream)
		return drawwatch.Draw{
			Program: drawwatch.Program, Stream: stream, StreamName: StreamName(stream), Category: category,
			Date: issueDate, Invitation: inv, ScoreKind: sk, SourceURL: sourceURL,
		}
	}

	for ii, it := range items {
		switch it.kind {
		case itemHeading:
			section = ""
			if h := it.sentences[0]; looksLikeSubheading(h) {
				section = categoryName(strings.TrimSuffix(h, ":"))
			}
			if c := knownCategory(it.sentences[0]); c != "" {
				section = c
			}
			pending = nil
			sectionStart = len(draws)
			parent = len(draws) - 1
		case itemNOCs:
			switch {
			case len(draws) > sectionStart:
				d := &draws[len(draws)-1]
				d.NOCs = append(d.NOCs, it.nocs...)
			case parent >= 0 && section != "":
				// a band stated once, then NOC lists under sub-headings
				// (2021: "Health and agricultural occupations:")
				d := draws[parent]
				d.Category = section
				d.NOCs = append([]drawwatch.NOC(nil), it.nocs...)
				split[parent] = true
				draws = append(draws, d)
				drawItem = append(drawItem, ii)
			default:
				pending = append(pending, it.nocs...)
			}
		case itemText:
			for _, s := range it.sentences {
				lo, hi, ok := scoreBand(s)
				if !ok || statesRule(s) {
					seen.add(s)
					continue
				}
				stream, ok := statementStream(s, &seen, b.title)
				seen.add(s)
				if !ok {
					continue
				}
				category := section
				if category == "" {
					category = sentenceCategory(s)
				}
				if category == "" {
					if !titleRead {
						titleCat, titleRead = titleCategory(b.title), true
					}
					category = titleCat
				}
				d := newDraw(stream, category)
				d.ScoreMin, d.ScoreMax = lo, hi
				if _, ok := dates[ii]; !ok {
					dates[ii] = itemDate(it, year)
				}
				if dt := dates[ii]; dt != "" {
					d.Date = dt
				}
				d.NOCs = inlineNOCs(s)
				if len(pending) > 0 && len(d.NOCs) == 0 {
					// a list before the bands applies to each of them (2020)
					d.NOCs = append([]drawwatch.NOC(nil), pending...)
				}
				draws = append(draws, d)
				drawItem = append(drawItem, ii)
			}
		}
	}
	// a band that was split over sub-heading lists is not a draw of its own
	if len(split) > 0 {
		kept := draws[:0]
		keptItem := drawItem[:0]
		for i, d := range draws {
			if split[i] && len(d.NOCs) == 0 {
				continue
			}
			kept = append(kept, d)
			keptItem = append(keptItem, drawItem[i])
		}
		draws, drawItem = kept, keptItem
	}
	if len(draws) == 0 {
		draws = issuanceDraws(items, b.title, text, newDraw)
		drawItem = make([]int, len(draws))
		for i := range drawItem {
			drawItem[i] = -1
		}
		if len(draws) == 1 && len(pending) > 0 {
			draws[0].NOCs = pending
		}
	}
	draws = dropRepeats(draws, drawItem)
	if len(draws) == 0 {
		return nil
	}
	assignCounts(draws, drawItem, items)
	from, to := profileWindow(items, year)
	deadline := ""
	forSentences(items, func(s string) bool {
		if !strings.Contains(s, "eadline") && !strings.Contains(s, "ubmit") {
			return true
		}
		if m := reDeadline.FindStringSubmatch(s); m != nil {
			deadline, _ = ParseDate(m[1], year)
			return false
		}
		return true
	})
	targeted := containsFold(text, "targeted")
	for i := range draws {
		d := &draws[i]
		d.ProfilesFrom, d.ProfilesTo, d.Deadline = from, to, deadline
		if d.Date == "" {
			d.Date = b.posted
		}
		if targeted {
			d.Notes = joinNote(d.Notes, "targeted draw")
		}
		if d.NOCs == nil {
			d.NOCs = []drawwatch.NOC{}
		}
	}
	return draws
}

// dropRepeats removes a draw that repeats an earlier one's key and band
// (a band restated further down), keeping drawItem in step.
func dropRepeats(draws []drawwatch.Draw, drawItem []int) []drawwatch.Draw {
	kept := draws[:0]
	n := 0
	for i, d := range draws {
		dup := false
		for _, k := range kept {
			if k.Key() == d.Key() && cmpInt(k.ScoreMin, d.ScoreMin) && cmpInt(k.ScoreMax, d.ScoreMax) {
				dup = true
				break
			}
		}
		if !dup {
			kept = append(kept, d)
			drawItem[n] = drawItem[i]
			n++
		}
	}
	return kept
}

func cmpInt(a, b *int) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

func joinNote(notes, add string) string {
	if notes == "" {
		return add
	}
	return notes + "; " + add
}
