package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/drawwatch/drawwatch"
)

// checkRoutePrograms validates a route's programs, and its categories when
// the route is for Express Entry rounds only: there they are EE category
// slugs (or part of one: "health" matches "healthcare"), and a typo would
// silently never match.
func checkRoutePrograms(r Route) []string {
	var msgs []string
	var codes []string
	for _, p := range drawwatch.Programs {
		codes = append(codes, p.Code)
	}
	eeOnly := len(r.Programs) > 0
	for _, p := range r.Programs {
		if !slices.ContainsFunc(codes, func(c string) bool { return strings.EqualFold(c, p) }) {
			msgs = append(msgs, fmt.Sprintf("programs: %q is not a program (%s)", p, strings.Join(codes, ", ")))
		}
		eeOnly = eeOnly && strings.EqualFold(p, drawwatch.ProgramEE)
	}
	if !eeOnly {
		return msgs
	}
	slugs := drawwatch.EECategorySlugs()
	for _, c := range r.Categories {
		if !slices.ContainsFunc(slugs, func(s string) bool { return strings.Contains(s, strings.ToLower(c)) }) {
			msgs = append(msgs, fmt.Sprintf("categories: %q is not an Express Entry category (%s)", c, strings.Join(slugs, ", ")))
		}
	}
	if len(r.Streams) > 0 || len(r.NOCs) > 0 {
		msgs = append(msgs, "programs: Express Entry rounds have no OINP streams or NOC lists: drop streams/nocs, or add \"OINP\" to programs")
	}
	return msgs
}
