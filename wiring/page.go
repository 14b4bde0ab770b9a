package wiring

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/drawwatch/drawwatch/config"
	"github.com/drawwatch/drawwatch/scraper"
)

// ReadPage reads a local file, or fetches a URL once with the polite fetcher.
func ReadPage(ctx context.Context, src string) ([]byte, string, error) {
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
