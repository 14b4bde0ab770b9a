package scraper

import (
	"bytes"
	"testing"

	"golang.org/x/net/html"

	"github.com/drawwatch/drawwatch"
)

// BenchmarkParseUpdates2024 is a full Parse of the Dec 2025 capture of the
// 2024 page, down to draws. Target: within 3x BenchmarkHTMLParseBaseline.
func BenchmarkParseUpdates2024(b *testing.B) {
	data := readPage(b, "captured/2024-updates.2025-12.html")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		page, err := Parse(drawwatch.PageUpdates, data, url2024)
		if err != nil || len(page.Announcements) == 0 {
			b.Fatalf("Parse: %v", err)
		}
	}
}

// BenchmarkHTMLParseBaseline is html.Parse alone on the same bytes.
func BenchmarkHTMLParseBaseline(b *testing.B) {
	data := readPage(b, "captured/2024-updates.2025-12.html")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := html.Parse(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
