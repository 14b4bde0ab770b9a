package store

import (
	"encoding/json"
	"fmt"

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
