package scraper

import "bytes"

// blockMarkers are phrases only a bot-check page carries. The site's bot
// manager (Radware, serving captcha images from perfdrive.com) answers with
// HTTP 200, so the body is the only evidence. Matched case-insensitively.
var blockMarkers = [][]byte{
	[]byte("captcha.perfdrive.com"),
	[]byte("radware captcha"),
	[]byte("made us think that you are a bot"),
	[]byte("please solve this captcha"),
	[]byte("shieldsquare"),
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
	// What is meant is bytes.Contains(bytes.ToLower(data), m). Only two
	// runes lower-case to ASCII ("İ" and the Kelvin sign); without them, a
	// marker matches the raw bytes in any ASCII case, and the copy is
	// spared.
	if bytes.Contains(data, []byte("\u0130")) || bytes.Contains(data, []byte("\u212a")) {
		lower := bytes.ToLower(data)
		for _, m := range blockMarkers {
			if bytes.Contains(lower, m) {
				return true
			}
		}
		return false
	}
	for _, m := range blockMarkers {
		if containsASCIIFold(data, m) {
			return true
		}
	}
	return false
}

// containsASCIIFold reports whether data holds marker (lower-case ASCII)
// in any ASCII case.
func containsASCIIFold(data, marker []byte) bool {
	for _, first := range []byte{marker[0], upperASCII(marker[0])} {
		for rest := data; len(rest) >= len(marker); rest = rest[1:] {
			i := bytes.IndexByte(rest, first)
			if i < 0 || len(rest)-i < len(marker) {
				break
			}
			rest = rest[i:]
			j := 1
			for j < len(marker) && lowerASCII(rest[j]) == marker[j] {
				j++
			}
			if j == len(marker) {
				return true
			}
		}
		if upperASCII(marker[0]) == marker[0] {
			break
		}
	}
	return false
}
