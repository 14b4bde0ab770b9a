package scraper

import (
	"bytes"
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/internal/realpages"
)

// readPage reads a real ontario.ca page in place (see ../shared/README.md):
// skipped without ../shared, failed under CI.
func readPage(t testing.TB, rel string) []byte {
	t.Helper()
	return realpages.Read(t, "ontario.ca/"+rel)
}

func mustParseFragment(t *testing.T, s string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestDetectKind(t *testing.T) {
	tests := []struct {
		page    string
		want    drawwatch.PageKind
		wantErr error
	}{
		{"captured/2024-updates.2025-12.html", drawwatch.PageUpdates, nil},
		{"captured/2024-updates.2024-08-22.prettified.html", drawwatch.PageUpdates, nil},
		{"captured/2020-updates.body-only.2020-12.html", drawwatch.PageUpdates, nil}, // no head: by content
		{"rendered/2015-updates.html", drawwatch.PageUpdates, nil},
		{"rendered/2026-updates.html", drawwatch.PageUpdates, nil},
		{"rendered/oinp-express-entry-notifications-interest.html", drawwatch.PageNOI, nil},
		{"rendered/oinp-invitations-apply.2021-2024.html", drawwatch.PageITA, nil},
		{"captured/oinp-employer-job-offer-foreign-worker-stream.2025.html", "", ErrUnknownPage},
		{"captured/oinp-tech-draws.2025.html", "", ErrUnknownPage},
		{"rendered/bot-block-captcha.html", "", ErrBlocked},
		{"crawl-md/2022-updates.bot-block-captcha.md", "", ErrBlocked},
	}
	for _, tt := range tests {
		t.Run(tt.page, func(t *testing.T) {
			got, err := DetectKind(readPage(t, tt.page))
			if got != tt.want || !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Errorf("DetectKind = %q, %v; want %q, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// TestParseNoDraws: pages that hold no draws never yield any, and the
// captcha page is a distinct error, never an empty page.
func TestParseNoDraws(t *testing.T) {
	stream := "captured/oinp-employer-job-offer-foreign-worker-stream.2025.html"
	tests := []struct {
		name    string
		kind    drawwatch.PageKind
		data    []byte
		wantErr error // nil: an empty page is expected
	}{
		{"captcha html", "", readPage(t, "rendered/bot-block-captcha.html"), ErrBlocked},
		{"captcha html as updates", drawwatch.PageUpdates, readPage(t, "rendered/bot-block-captcha.html"), ErrBlocked},
		{"captcha markdown", drawwatch.PageUpdates, readPage(t, "crawl-md/2022-updates.bot-block-captcha.md"), ErrBlocked},
		{"empty body", drawwatch.PageUpdates, nil, ErrEmptyPage},
		{"blank body", "", []byte(" \n\t "), ErrEmptyPage},
		{"stream page detected", "", readPage(t, stream), ErrUnknownPage},
		{"stream page as updates", drawwatch.PageUpdates, readPage(t, stream), nil},
		{"tech draws page as updates", drawwatch.PageUpdates, readPage(t, "captured/oinp-tech-draws.2025.html"), nil},
		{"unknown kind", "bogus", readPage(t, stream), ErrUnknownPage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := Parse(tt.kind, tt.data, "https://www.ontario.ca/page/x")
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || page != nil {
					t.Fatalf("Parse = %v, %v; want nil page and %v", page, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if len(page.Announcements) != 0 {
				t.Errorf("got %d announcements, want none; first %q", len(page.Announcements), page.Announcements[0].Title)
			}
		})
	}
}

func TestIsBlockPageOnlyNearTheTop(t *testing.T) {
	real := readPage(t, "captured/2024-updates.2025-12.html")
	if IsBlockPage(real) {
		t.Fatal("a real updates page was taken for a captcha page")
	}
	// a page that merely quotes the phrase far below the top is not a block page
	quoted := append(bytes.Clone(real), []byte("<p>please solve this captcha</p>")...)
	if IsBlockPage(quoted) {
		t.Error("a phrase past the scan limit made a real page a block page")
	}
}

// A draw reported on the 2024 updates page and in the invitations-to-apply
// table has the same keys on both, so the store can match the two.
func TestDrawKeysAgreeAcrossPages(t *testing.T) {
	updates := parseReal(t, "captured/2024-updates.2025-12.html", url2024)
	table, err := Parse(drawwatch.PageITA, readPage(t, "rendered/oinp-invitations-apply.2021-2024.html"), tablesITAURL)
	if err != nil {
		t.Fatal(err)
	}
	keys := func(p *drawwatch.Page, date string, stream drawwatch.Stream) []string {
		var out []string
		for _, a := range p.Announcements {
			for _, d := range a.Draws {
				if d.Date == date && d.Stream == stream {
					out = append(out, d.Key())
				}
			}
		}
		sort.Strings(out)
		return out
	}
	for _, c := range []struct {
		date   string
		stream drawwatch.Stream
	}{
		{"2024-10-08", drawwatch.StreamEJOForeignWorker},        // sub-headings "Skilled trades", "Other priority occupations"
		{"2024-09-10", drawwatch.StreamEJOInternationalStudent}, // sub-headings "Health occupations", "Skilled trades"
	} {
		u, tb := keys(updates, c.date, c.stream), keys(table, c.date, c.stream)
		if len(u) == 0 {
			t.Fatalf("no %s draw of %s on the updates page", c.stream, c.date)
		}
		if diff := cmp.Diff(tb, u); diff != "" {
			t.Errorf("%s %s: keys differ (-table +updates):\n%s", c.date, c.stream, diff)
		}
	}
}
