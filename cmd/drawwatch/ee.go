package main

import (
	"strings"

	"github.com/drawwatch/drawwatch"
)

// checkProgram validates a --program flag value ("" is every program).
func checkProgram(p string) error {
	if p == "" {
		return nil
	}
	var codes []string
	for _, info := range drawwatch.Programs {
		if strings.EqualFold(info.Code, p) {
			return nil
		}
		codes = append(codes, info.Code)
	}
	return usagef("--program %q: want one of %s", p, strings.Join(codes, ", "))
}
