package scraper

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkFetchRun is one `scrape --once` worth of fetching with the
// production politeness (2 s per-host delay, robots.txt obeyed): a new
// Fetcher per run, robots.txt from the store after the first run, then the
// real 2024 updates page from a loopback server. Before robots.txt was
// stored and the delay stopped preceding a run's first request, every
// iteration slept 2 s between robots.txt and the page.
func BenchmarkFetchRun(b *testing.B) {
	page := readPage(b, "captured/2024-updates.2025-12.html")
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("User-agent: *\nDisallow: /search\n"))
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { w.Write(page) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	store := &memRobots{}
	cfg := DefaultFetcherConfig()
	cfg.Robots = store
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		f := NewFetcher(cfg)
		if _, err := f.Fetch(b.Context(), FetchRequest{URL: srv.URL + "/page/2024-ontario-immigrant-nominee-program-updates"}); err != nil {
			b.Fatal(err)
		}
	}
}
