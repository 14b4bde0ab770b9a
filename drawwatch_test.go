package drawwatch

import "testing"

func TestScoreBand(t *testing.T) {
	n := func(v int) *int { return &v }
	tests := []struct {
		min, max *int
		want     string
	}{
		{n(379), n(430), "379–430"},
		{n(78), nil, "78+"},
		{nil, n(460), "≤ 460"},
		{n(460), n(460), "460"},
		{nil, nil, ""},
	}
	for _, tt := range tests {
		if got := (Draw{ScoreMin: tt.min, ScoreMax: tt.max}).ScoreBand(); got != tt.want {
			t.Errorf("ScoreBand(%v, %v) = %q, want %q", tt.min, tt.max, got, tt.want)
		}
	}
}

func TestFieldChangeSummary(t *testing.T) {
	tests := []struct {
		fc   FieldChange
		want string
	}{
		{FieldChange{Field: "2024-02-06|hcp|health-occupations.score_min", Old: "379", New: "385"}, "379 → 385"},
		{FieldChange{Field: "k.invitations", Old: "", New: "2086"}, "(none) → 2086"},
		{FieldChange{Field: "k.nocs", Old: "31200", New: ""}, "removed 31200"},
		{FieldChange{Field: "k.nocs", Old: "31200", New: "32102, 32103"}, "added 32102, 32103; removed 31200"},
	}
	for _, tt := range tests {
		if got := tt.fc.Summary(); got != tt.want {
			t.Errorf("%s: Summary() = %q, want %q", tt.fc.Field, got, tt.want)
		}
	}
}

func TestSlugAndKey(t *testing.T) {
	d := Draw{Date: "2024-02-06", Stream: StreamHCP, Category: "Health occupations"}
	if got := d.Key(); got != "2024-02-06|hcp|health-occupations" {
		t.Errorf("Key() = %q", got)
	}
	if got := Slug("  Employer Job Offer: Foreign Worker — Northern Ontario!"); got != "employer-job-offer-foreign-worker-northern-ontario" {
		t.Errorf("Slug = %q", got)
	}
}

func TestScoreBandWords(t *testing.T) {
	n := func(v int) *int { return &v }
	tests := []struct {
		kind     string
		min, max *int
		want     string
	}{
		{"CRS", n(379), n(430), "CRS 379–430"},
		{"EOI", n(73), nil, "EOI 73 and above"},
		{"CRS", nil, n(430), "CRS up to 430"},
		{"", n(460), n(460), "score 460"},
		{"CRS", nil, nil, ""},
	}
	for _, tt := range tests {
		if got := (Draw{ScoreKind: tt.kind, ScoreMin: tt.min, ScoreMax: tt.max}).ScoreBandWords(); got != tt.want {
			t.Errorf("ScoreBandWords(%s %v, %v) = %q, want %q", tt.kind, tt.min, tt.max, got, tt.want)
		}
	}
}

func TestStreamTable(t *testing.T) {
	seen := map[Stream]bool{}
	for _, s := range Streams {
		if seen[s.Slug] || s.Slug != Stream(Slug(string(s.Slug))) || s.Name == "" || s.Label == "" || len(s.Keys) == 0 || len(s.Bare) == 0 {
			t.Errorf("stream %+v: repeated, not a slug, or missing names", s)
		}
		seen[s.Slug] = true
		if s.Slug.Name() != s.Name || s.Slug.Label() != s.Label {
			t.Errorf("%s: Name/Label do not read the table", s.Slug)
		}
	}
	if inv, sk := StreamHCP.Kinds(); inv != InvitationNOI || sk != ScoreCRS {
		t.Errorf("hcp kinds = %s %s", inv, sk)
	}
	if inv, sk := Stream("unknown").Kinds(); inv != InvitationITA || sk != ScoreEOI || Stream("unknown").Name() != "unknown" {
		t.Errorf("unknown stream kinds = %s %s", inv, sk)
	}
	if got := len(StreamSlugs()); got != len(Streams) {
		t.Errorf("StreamSlugs has %d, table %d", got, len(Streams))
	}
}

func TestNormalizeNOCs(t *testing.T) {
	got := NormalizeNOCs([]NOC{{"44101", ""}, {"75101", "Material handlers"}, {"44101", "Home support workers"}, {"75101", "x"}})
	want := []NOC{{"44101", "Home support workers"}, {"75101", "Material handlers"}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("NormalizeNOCs = %v, want %v", got, want)
	}
}
