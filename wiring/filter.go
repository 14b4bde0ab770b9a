package wiring

import (
	"fmt"
	"strings"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/store"
)

// DrawFilter checks the draws command's filter, naming the flag at fault,
// and sets its kind ("draw", "news", "all").
func DrawFilter(f *store.DrawFilter, kind string) error {
	if _, ok := drawwatch.LookupStream(drawwatch.Stream(f.Stream)); f.Stream != "" && !ok {
		return fmt.Errorf("--stream %q is not a stream slug; the known ones are %s", f.Stream, strings.Join(drawwatch.StreamSlugs(), ", "))
	}
	if f.Since != "" {
		if _, err := time.Parse(time.DateOnly, f.Since); err != nil {
			return fmt.Errorf("--since %q: want a date like 2024-02-06", f.Since)
		}
	}
	if err := checkProgram(f.Program); err != nil {
		return err
	}
	switch kind {
	case "draw", "news":
		f.Kind = drawwatch.Kind(kind)
	case "all", "":
	default:
		return fmt.Errorf("--kind %q: want draw, news or all", kind)
	}
	return nil
}

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
	return fmt.Errorf("--program %q: want one of %s", p, strings.Join(codes, ", "))
}
