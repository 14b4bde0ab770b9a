package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/config"
	"github.com/drawwatch/drawwatch/output"
	"github.com/drawwatch/drawwatch/scraper"
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
	data, pageURL, err := readPage(ctx, src)
	if err != nil {
		return err
	}
	page, err := scraper.Parse(drawwatch.PageKind(*kind), data, pageURL)
	if err != nil {
		return err // names the page and says what went wrong
	}
	if page.Truncated {
		env.errorf("warning: %s is truncated; only the complete announcements before the cut were read", src)
	}
	for _, w := range page.Warnings {
		env.errorf("warning: %s: %s", src, w)
	}
	if *asJSON {
		return output.JSON(env.stdout, page)
	}
	output.Page(env.stdout, page)
	return nil
}

// readPage reads a local file, or fetches a URL once with the polite fetcher.
func readPage(ctx context.Context, src string) ([]byte, string, error) {
	if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
		f := scraper.NewFetcher(scraper.DefaultFetcherConfig())
		res, err := f.Fetch(ctx, scraper.FetchRequest{URL: src})
		if err != nil {
			return nil, "", err
		}
		return res.Body, src, nil
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return nil, "", fmt.Errorf("read page: %w", err)
	}
	return data, guessPageURL(src), nil
}

// guessPageURL gives a saved page the URL it most likely came from, so
// source_url links in the output point at the live page.
func guessPageURL(file string) string {
	base := filepath.Base(file)
	switch {
	case yearUpdates.MatchString(base):
		return strings.ReplaceAll(config.DefaultUpdatesURL, "{year}", yearUpdates.FindStringSubmatch(base)[1])
	case strings.Contains(base, "notifications-interest"):
		return config.DefaultNOIURL
	case strings.Contains(base, "invitations-apply"):
		return config.DefaultITAURL
	case strings.HasPrefix(base, "ee_rounds"):
		return config.DefaultEERoundsURL
	}
	if abs, err := filepath.Abs(file); err == nil {
		file = abs
	}
	return "file://" + filepath.ToSlash(file)
}

var yearUpdates = regexp.MustCompile(`((?:19|20)\d\d)-(?:ontario-immigrant-nominee-program-)?updates`)
