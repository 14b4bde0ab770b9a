package scraper

import "unsafe"

// blockMarkers are phrases only a bot-check page carries. The site's bot
// manager (Radware, serving captcha images from perfdrive.com) answers with
// HTTP 200, so the body is the only evidence. Matched case-insensitively.
var blockMarkers = []string{
	"captcha.perfdrive.com",
	"radware captcha",
	"made us think that you are a bot",
	"please solve this captcha",
	"shieldsquare",
}

// blockScanLimit bounds the scan: a captcha page is small, and a real page
// that quotes one of the phrases far down must not be taken for one.
const blockScanLimit = 64 << 10

// IsBlockPage reports whether data is the site's bot-check (captcha) page,
// in HTML or in a crawler's Markdown rendering of it.
func IsBlockPage(data []byte) bool {
	if len(data) > blockScanLimit {
		data = data[:blockScanLimit]
	}
	// read in place: string(data) copied the first 64 KiB of every page
	// parsed, and the markers are only looked for (data is not changed)
	text := unsafe.String(unsafe.SliceData(data), len(data))
	for _, m := range blockMarkers {
		if containsFold(text, m) {
			return true
		}
	}
	return false
}
