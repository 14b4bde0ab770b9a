package drawwatch

import "testing"

func TestEECategoryOf(t *testing.T) {
	tests := []struct {
		name, slug string
		known      bool
	}{
		{"No Program Specified", "general", true},
		{"General", "general", true},
		{"Canadian Experience Class", "canadian-experience-class", true},
		{"Provincial Nominee Program", "provincial-nominee-program", true},
		{"Federal Skilled Worker", "federal-skilled-worker", true},
		{"Federal Skilled Trades", "federal-skilled-trades", true},
		{"French language proficiency (2023-1)", "french-language-proficiency", true},
		{"French-Language proficiency 2026-Version 2", "french-language-proficiency", true},
		{"Healthcare and social services occupations (Version 2)", "healthcare", true},
		{"Healthcare and Social Services Occupations, 2026-Version 3", "healthcare", true},
		{"Transport Occupations, 2026-Version 2", "transport", true},
		{"Trades Occupations, 2026-Version 3", "trade", true},
		{"STEM occupations", "stem", true},
		{"Agriculture and agri-food occupations (Version 1)", "agriculture", true},
		{"Education occupations (Version 1)", "education", true},
		// Forms not met yet.
		{"Transport occupations 2027-Version 4", "transport", true},
		{"  STEM  Occupations (Version 3) ", "stem", true},
		{"Aviation occupations (Version 1)", "aviation", false},
		{"Healthcare, social services and education occupations", "healthcare-social-services-and-education", false},
		{"", "unnamed", false},
	}
	for _, tt := range tests {
		slug, known := EECategoryOf(tt.name)
		if slug != tt.slug || known != tt.known {
			t.Errorf("EECategoryOf(%q) = %q, %v; want %q, %v", tt.name, slug, known, tt.slug, tt.known)
		}
	}
}

func TestPoolDistributionCheck(t *testing.T) {
	p := PoolDistribution{Total: 30, Bands: []PoolBand{
		{Min: 451, Max: 500, Count: 20, Parts: []PoolBand{{Min: 491, Max: 500, Count: 5}, {Min: 451, Max: 490, Count: 15}}},
		{Min: 0, Max: 450, Count: 10},
	}}
	if msg := p.Check(); msg != "" {
		t.Errorf("consistent distribution: %q", msg)
	}
	p.Bands[0].Parts[0].Count = 6
	if msg := p.Check(); msg != "CRS 451–500 holds 20 candidates but its parts add up to 21" {
		t.Errorf("split band off by one: %q", msg)
	}
	p.Bands[0].Parts[0].Count, p.Total = 5, 31
	if msg := p.Check(); msg != "the bands add up to 30 candidates but the total says 31" {
		t.Errorf("total off by one: %q", msg)
	}
}
