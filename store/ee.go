package store

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/drawwatch/drawwatch"
)

// eeColumns are the draws columns only Express Entry rounds fill: round,
// tie_break, programs_included (JSON list) and distribution (JSON, ” for none).
func eeColumns(d drawwatch.Draw) ([]any, error) {
	programs := []byte("[]")
	if len(d.ProgramsIncluded) > 0 {
		var err error
		if programs, err = json.Marshal(d.ProgramsIncluded); err != nil {
			return nil, err
		}
	}
	dist := ""
	if d.Distribution != nil {
		b, err := json.Marshal(d.Distribution)
		if err != nil {
			return nil, err
		}
		dist = string(b)
	}
	return []any{d.Round, d.TieBreak, string(programs), dist}, nil
}

func scanEEColumns(d *drawwatch.Draw, programs, dist string) error {
	if programs != "" && programs != "[]" {
		if err := json.Unmarshal([]byte(programs), &d.ProgramsIncluded); err != nil {
			return fmt.Errorf("programs included: %w", err)
		}
	}
	if dist != "" {
		d.Distribution = new(drawwatch.PoolDistribution)
		if err := json.Unmarshal([]byte(dist), d.Distribution); err != nil {
			return fmt.Errorf("pool distribution: %w", err)
		}
	}
	return nil
}

// distributionSummary is a pool distribution in one line, for field
// changes: "2026-08-03: 229100 (601-1200 500, 501-600 19705, ...)".
func distributionSummary(p *drawwatch.PoolDistribution) string {
	if p == nil {
		return ""
	}
	parts := make([]string, 0, 12)
	for _, b := range p.Bands {
		parts = append(parts, fmt.Sprintf("%d-%d %d", b.Min, b.Max, b.Count))
		for _, s := range b.Parts {
			parts = append(parts, fmt.Sprintf("%d-%d %d", s.Min, s.Max, s.Count))
		}
	}
	return fmt.Sprintf("%s: %d (%s)", p.AsOf, p.Total, strings.Join(parts, ", "))
}
