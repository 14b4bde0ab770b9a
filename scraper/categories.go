package scraper

// Sub-categories of a draw (Health occupations, Northern Ontario, ...).

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// sentenceCase upper-cases the first letter and lower-cases words that are
// plain category words, leaving proper nouns ("Northern Ontario") alone:
// "Skilled Trades" and "skilled trades" both become "Skilled trades".
func sentenceCase(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	words := strings.Fields(s)
	for i, w := range words {
		if i > 0 && categoryWords[strings.ToLower(w)] {
			words[i] = strings.ToLower(w)
		}
	}
	s = strings.Join(words, " ")
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

var categoryWords = map[string]bool{
	"occupations": true, "occupation": true, "trades": true, "skilled": true, "health": true, "tech": true,
	"general": true, "other": true, "priority": true, "and": true, "agricultural": true, "candidates": true,
}

// categoryEMPP is the one category that wins over a region: EMPP draws
// name the region their candidates live in only in passing.
const categoryEMPP = "Economic Mobility Pathways Project"

// knownCategories are sub-categories written in many ways; each maps to the
// one name both page kinds give it, so the store can match draws across
// pages. A pattern can only match text holding one of its hints (ASCII,
// any case), which spares most sentences the regexp.
var knownCategories = []struct {
	re    *regexp.Regexp
	hints []string
	name  string
}{
	{regexp.MustCompile(`(?i)economic mobility pathways|\bEMPP\b`), []string{"mobility", "empp"}, categoryEMPP},
	{regexp.MustCompile(`(?i)regional economic development|\bREDI\b`), []string{"regional", "redi"}, "Regional Economic Development through Immigration"},
	{regexp.MustCompile(`(?i)early childhood educators?`), []string{"childhood"}, "Early childhood educators and assistants"},
	{regexp.MustCompile(`(?i)francophone|french-speaking candidates`), []string{"francophone", "french-"}, "French-speaking"},
	{regexp.MustCompile(`(?i)^tech draw\b`), []string{"tech draw"}, "Tech occupations"},
}

func knownCategory(s string) string {
	for _, c := range knownCategories {
		for _, h := range c.hints {
			if containsFold(s, h) {
				if c.re.MatchString(s) {
					return c.name
				}
				break
			}
		}
	}
	return ""
}

// occupationGroups are the occupation groups a draw can target, with the
// word both page kinds use for each. The patterns run on lower-case text.
var occupationGroups = []struct {
	re   *regexp.Regexp
	name string
}{
	{regexp.MustCompile(`\bhealth(?: ?care)?\b`), "health"},
	{regexp.MustCompile(`\btech\b`), "tech"},
	{regexp.MustCompile(`\bskilled trades?\b`), "skilled trades"},
	{regexp.MustCompile(`\bselect trades\b`), "select trades"},
	{regexp.MustCompile(`\bmanufacturing\b`), "manufacturing"},
	{regexp.MustCompile(`\bagricultur(?:al|e)?`), "agricultural"},
	{regexp.MustCompile(`\bother priority\b`), "other priority"},
	{regexp.MustCompile(`\bpriority occupations?\b`), "priority"},
}

// categoryName is a category read from a sub-heading, sentence or title,
// named the way both page kinds name it: in sentence case, and a lone
// occupation group ("Skilled Trades", "Health care occupations") in the
// group's word with "occupations" ("Skilled trades occupations", "Health
// occupations"), as the table pages write it.
func categoryName(s string) string {
	lower := strings.ToLower(strings.TrimSpace(s))
	for _, g := range occupationGroups {
		loc := g.re.FindStringIndex(lower)
		if loc == nil || loc[0] != 0 {
			continue
		}
		if rest := lower[loc[1]:]; rest == "" || rest == " occupations" || rest == " occupation" {
			return sentenceCase(g.name + " occupations")
		}
	}
	return sentenceCase(s)
}

var reParen = regexp.MustCompile(`\s*\([^)]*\)`)

var reCategoryWords = regexp.MustCompile(`(?i)occupations|trades|ontario\b|\barea\b|physicians?\b`)

// titleCategory reads the sub-category an announcement title names after
// its stream ("...stream: health occupations invited", "...streams:
// candidates invited in Northern Ontario"), or "" when it names none.
func titleCategory(title string) string {
	if c := knownCategory(title); c != "" {
		return c
	}
	t := title
	i, j := strings.LastIndex(t, ": "), strings.LastIndex(t, " - ")
	switch {
	case i < 0 && j < 0:
		return ""
	case i > j:
		t = t[i+2:]
	default:
		t = t[j+3:]
	}
	t = reParen.ReplaceAllString(t, "")
	t = strings.TrimSpace(t)
	for _, cut := range []string{"candidates invited in the ", "candidates invited in ", "candidates invited under the ", "candidates invited under "} {
		if strings.HasPrefix(strings.ToLower(t), cut) {
			t = t[len(cut):]
		}
	}
	for _, cut := range []string{" candidates invited", " invited", " pilot"} {
		if strings.HasSuffix(strings.ToLower(t), cut) {
			t = t[:len(t)-len(cut)]
		}
	}
	t = strings.TrimSpace(t)
	if t == "" || !reCategoryWords.MatchString(t) || reNewsVerb.MatchString(t) || len(findStreams(t)) > 0 {
		return ""
	}
	return categoryName(t)
}

func sentenceCategory(s string) string {
	if c := knownCategory(s); c != "" {
		return c
	}
	if !containsFold(s, "candidate") {
		return "" // spares the regexp
	}
	if m := reSentenceCategory.FindStringSubmatch(s); m != nil {
		return categoryName(m[1] + m[2])
	}
	return ""
}

// bandCategories are the occupation groups a sentence with several bands
// names for each ("a score of 73 and above for health occupations and 70
// and above for tech occupations"): each group named goes to the band
// nearest it; "" for a band none is nearest.
func bandCategories(s string, bands []bandAt) []string {
	out := make([]string, len(bands))
	lower := strings.ToLower(s)
	for _, g := range occupationGroups {
		for _, loc := range g.re.FindAllStringIndex(lower, -1) {
			best, dist := -1, len(s)
			for bi, b := range bands {
				d := 0
				switch {
				case loc[1] <= b.start:
					d = b.start - loc[1]
				case loc[0] >= b.end:
					d = loc[0] - b.end
				}
				if d < dist {
					best, dist = bi, d
				}
			}
			if best >= 0 && out[best] == "" {
				out[best] = categoryName(g.name + " occupations")
			}
		}
	}
	return out
}
