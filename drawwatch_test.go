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
