package main

import (
	"context"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/output"
	"github.com/drawwatch/drawwatch/scraper"
	"github.com/drawwatch/drawwatch/wiring"
)

func cmdParse(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags("parse", env)
	kind := fs.String("kind", "", "page kind: updates, noi, ita or ee-rounds (default: detect)")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("usage: drawwatch parse [--kind updates|noi|ita|ee-rounds] FILE_OR_URL [--json]")
	}
	switch drawwatch.PageKind(*kind) {
	case "", drawwatch.PageUpdates, drawwatch.PageNOI, drawwatch.PageITA, drawwatch.PageEERounds:
	default:
		return usagef("--kind %q: want updates, noi, ita or ee-rounds", *kind)
	}
	src := pos[0]
	data, pageURL, err := wiring.ReadPage(ctx, src)
	if err != nil {
		return err
	}
	page, err := scraper.Parse(drawwatch.PageKind(*kind), data, pageURL)
	if err != nil {
		return err // names the page and says what went wrong
	}
	if page.Truncated {
		env.Errorf("warning: %s is truncated; only the complete announcements before the cut were read", src)
	}
	for _, w := range page.Warnings {
		env.Errorf("warning: %s: %s", src, w)
	}
	if *asJSON {
		return output.JSON(env.Stdout, page)
	}
	output.Page(env.Stdout, page)
	return nil
}
