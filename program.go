package drawwatch

import (
	"fmt"
	"regexp"
	"strings"
)

// Programs drawwatch reads. A draw's Program says which one issued it;
// routes, queries and renderers tell them apart by it.
const (
	ProgramOINP = "OINP" // Ontario Immigrant Nominee Program (ontario.ca pages)
	ProgramEE   = "EE"   // federal Express Entry rounds (IRCC's rounds JSON)
)

// ProgramInfo is one program as users see it.
type ProgramInfo struct {
	Code string // as stored and written in routes: "EE"
	Name string // for people: "Express Entry"
}

// Programs lists every program, OINP first (the one drawwatch began with).
var Programs = []ProgramInfo{
	{Code: ProgramOINP, Name: "Ontario Immigrant Nominee Program"},
	{Code: ProgramEE, Name: "Express Entry"},
}

// ProgramName is the human name of a program code, or the code itself.
func ProgramName(code string) string {
	for _, p := range Programs {
		if strings.EqualFold(p.Code, code) {
			return p.Name
		}
	}
	return code
}

// ProgramOf is a draw's program, reading the draws stored before programs
// were told apart (no program) as OINP.
func (d Draw) ProgramOf() string {
	if d.Program == "" {
		return ProgramOINP
	}
	return d.Program
}

// EECategory is one kind of Express Entry round. IRCC's round names change
// form over the years ("Healthcare occupations (Version 1)", "Healthcare and
// Social Services Occupations, 2026-Version 3"); the slug stays.
type EECategory struct {
	Slug string // stored, routed on, shown in JSON: "healthcare"
	Name string // for people: "Healthcare and social services occupations"
	// Names are the round names it goes by, normalized as
	// NormalizeEERoundName does: lower case, words only, no version or
	// year tags, with or without the words "occupations" and "program".
	Names []string
}

// EECategories is every Express Entry round kind drawwatch knows.
var EECategories = []EECategory{
	{Slug: "general", Name: "General (all programs)", Names: []string{"no program specified", "general", "all programs"}},
	{Slug: "canadian-experience-class", Name: "Canadian Experience Class", Names: []string{"canadian experience class", "cec"}},
	{Slug: "provincial-nominee-program", Name: "Provincial Nominee Program", Names: []string{"provincial nominee", "pnp"}},
	{Slug: "federal-skilled-worker", Name: "Federal Skilled Worker", Names: []string{"federal skilled worker", "fsw"}},
	{Slug: "federal-skilled-trades", Name: "Federal Skilled Trades", Names: []string{"federal skilled trades", "fst"}},
	{Slug: "french-language-proficiency", Name: "French-language proficiency", Names: []string{"french language proficiency", "french language", "french"}},
	{Slug: "healthcare", Name: "Healthcare and social services occupations", Names: []string{"healthcare", "health care", "health",
		"healthcare and social services", "health and social services"}},
	{Slug: "stem", Name: "STEM occupations", Names: []string{"stem", "science technology engineering and math", "science technology engineering and mathematics"}},
	{Slug: "trade", Name: "Trade occupations", Names: []string{"trade", "trades"}},
	{Slug: "transport", Name: "Transport occupations", Names: []string{"transport", "transportation"}},
	{Slug: "agriculture", Name: "Agriculture and agri-food occupations", Names: []string{"agriculture", "agriculture and agri food", "agri food"}},
	{Slug: "education", Name: "Education occupations", Names: []string{"education"}},
	{Slug: "senior-managers", Name: "Senior managers with Canadian work experience", Names: []string{"senior managers with canadian work experience", "senior managers"}},
	{Slug: "physicians", Name: "Physicians with Canadian work experience", Names: []string{"physicians with canadian work experience", "physicians"}},
	{Slug: "skilled-military-recruits", Name: "Skilled military recruits", Names: []string{"skilled military recruits", "military recruits"}},
}

var (
	// "(Version 2)", "(2023-1)", "2026-Version 2", "Version 1": the round
	// type's revision, not its kind.
	eeVersionTag = regexp.MustCompile(`(?i)\([^)]*\)|\b(?:\d{4}\s*-\s*)?version\s*\d+\b|\b\d{4}\s*-\s*\d+\b|\b(?:19|20)\d{2}\b`)
	eeFiller     = map[string]bool{"occupations": true, "occupation": true, "program": true, "programs": true, "category": true, "the": true}
)

// NormalizeEERoundName reduces a round name to the words that say its
// kind: full keeps every word ("no program specified"), short leaves out
// filler ("Provincial Nominee Program" is "provincial nominee").
func NormalizeEERoundName(name string) (full, short string) {
	all := strings.Fields(strings.ReplaceAll(Slug(eeVersionTag.ReplaceAllString(name, " ")), "-", " "))
	var words []string
	for _, w := range all {
		if !eeFiller[w] {
			words = append(words, w)
		}
	}
	return strings.Join(all, " "), strings.Join(words, " ")
}

// EECategoryOf maps IRCC's round name to its category slug. A name it does
// not know gets a slug of its own (known is false): the round is still
// read, and the caller warns that the vocabulary needs the new name.
func EECategoryOf(drawName string) (slug string, known bool) {
	full, short := NormalizeEERoundName(drawName)
	for _, c := range EECategories {
		for _, n := range c.Names {
			if full == n || short == n {
				return c.Slug, true
			}
		}
	}
	switch {
	case full == "":
		return "unnamed", false
	case short == "":
		return Slug(full), false
	}
	return Slug(short), false
}

// EECategoryName is the display name of an EE category slug; an unknown
// slug reads as its words.
func EECategoryName(slug string) string {
	for _, c := range EECategories {
		if c.Slug == slug {
			return c.Name
		}
	}
	s := strings.ReplaceAll(slug, "-", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// IsEECategory reports whether slug is one of EECategories.
func IsEECategory(slug string) bool {
	for _, c := range EECategories {
		if c.Slug == slug {
			return true
		}
	}
	return false
}

// EECategorySlugs lists the known EE category slugs, in table order.
func EECategorySlugs() []string {
	out := make([]string, len(EECategories))
	for i, c := range EECategories {
		out[i] = c.Slug
	}
	return out
}

// PoolBand is one CRS score range of the Express Entry pool, with the
// narrower ranges IRCC splits it into (451–500 into five, 401–450 into five).
type PoolBand struct {
	Min   int        `json:"min"`
	Max   int        `json:"max"`
	Count int        `json:"count"`
	Parts []PoolBand `json:"parts,omitempty"`
}

// PoolDistribution is how many candidates were in the Express Entry pool,
// per CRS range, on AsOf (ISO date), as IRCC published it with a round.
type PoolDistribution struct {
	AsOf  string     `json:"as_of"`
	Total int        `json:"total"`
	Bands []PoolBand `json:"bands"`
}

// Check says whether the distribution adds up: the bands to the total, and
// each split band to its parts. It returns the first mismatch, or "".
func (p PoolDistribution) Check() string {
	sum := 0
	for _, b := range p.Bands {
		sum += b.Count
		if len(b.Parts) == 0 {
			continue
		}
		parts := 0
		for _, s := range b.Parts {
			parts += s.Count
		}
		if parts != b.Count {
			return fmt.Sprintf("CRS %d–%d holds %d candidates but its parts add up to %d", b.Min, b.Max, b.Count, parts)
		}
	}
	if sum != p.Total {
		return fmt.Sprintf("the bands add up to %d candidates but the total says %d", sum, p.Total)
	}
	return ""
}
