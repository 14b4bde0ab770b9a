package scraper

// Streams: finding the OINP streams a text names (the table is drawwatch.Streams).

import (
	"regexp"
	"sort"
	"strings"

	"github.com/drawwatch/drawwatch"
)

// StreamOf maps a stream name as the pages write it ("Human Capital
// Priorities", "Employer Job Offer: Foreign Worker stream", "Skilled Trades
// (Express Entry)", a table heading's "Master's Graduate") to its slug. ok
// is false when s names no known stream; when it names several, the first
// one written wins.
func StreamOf(name string) (drawwatch.Stream, bool) {
	found := findStreams(NormalizeSpace(name))
	if len(found) == 0 {
		// a bare stream name, spelt any way ("Skilled-Trades", "PhD Graduates")
		found = streamsIn("-"+drawwatch.Slug(name)+"-", true, strings.Index)
	}
	if len(found) == 0 {
		return "", false
	}
	return found[0], true
}

// StreamName is the display name of a stream slug ("Express Entry Human
// Capital Priorities stream"), or the slug itself when unknown.
func StreamName(slug drawwatch.Stream) string {
	return slug.Name()
}

// InvitationKind returns what a draw of the stream issues and how it is
// scored: NOI and CRS for the Express Entry streams, ITA and EOI otherwise.
func InvitationKind(slug drawwatch.Stream) (invitation, scoreKind string) {
	return slug.Kinds()
}

// findStreams returns the streams s names, in the order they first appear:
// streamsIn(s, false, indexFold), in one pass over s. It runs on nearly
// every sentence, several times; twenty indexFold scans (one per key) were
// a twentieth of BenchmarkParseUpdates2024.
func findStreams(s string) []drawwatch.Stream {
	var first [maxStreams]int // per stream, 1 + the first place a key of it starts
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		for _, k := range keysByFirst[c] {
			// as indexFold: the rest compared case-insensitively, same length
			if first[k.stream] == 0 && i+1+len(k.rest) <= len(s) && strings.EqualFold(s[i+1:i+1+len(k.rest)], k.rest) {
				first[k.stream] = i + 1
			}
		}
	}
	var buf [maxStreams]streamHit // on the stack: one call per sentence, several times
	hits := buf[:0]
	for i, st := range drawwatch.Streams {
		if first[i] > 0 {
			hits = append(hits, streamHit{first[i] - 1, st.Slug})
		}
	}
	return inOrder(hits)
}

// maxStreams bounds drawwatch.Streams for findStreams' array.
const maxStreams = 32

// streamKey is a key of stream number stream (in drawwatch.Streams) less
// its first byte.
type streamKey struct {
	stream int
	rest   string
}

// keysByFirst lists the stream keys by their first byte (lower-case).
var keysByFirst = func() (t [256][]streamKey) {
	if len(drawwatch.Streams) > maxStreams {
		panic("scraper: more streams than maxStreams")
	}
	for i, st := range drawwatch.Streams {
		for _, k := range st.Keys {
			t[k[0]] = append(t[k[0]], streamKey{i, k[1:]})
		}
	}
	return t
}()

type streamHit struct {
	at   int
	slug drawwatch.Stream
}

// streamsIn returns the streams whose keys (or, with bare, whose bare
// names) index finds in text, in the order they first appear.
func streamsIn(text string, bare bool, index func(s, key string) int) []drawwatch.Stream {
	var hits []streamHit
	for _, st := range drawwatch.Streams {
		keys := st.Keys
		if bare {
			keys = st.Bare
		}
		at := -1
		for _, k := range keys {
			if i := index(text, k); i >= 0 && (at < 0 || i < at) {
				at = i
			}
		}
		if at >= 0 {
			hits = append(hits, streamHit{at, st.Slug})
		}
	}
	return inOrder(hits)
}

// inOrder sorts hits by place, ties in drawwatch.Streams order, and returns
// their streams.
func inOrder(hits []streamHit) []drawwatch.Stream {
	// insertion sort: at most nine hits
	for i := 1; i < len(hits); i++ {
		for j := i; j > 0 && hits[j].at < hits[j-1].at; j-- {
			hits[j], hits[j-1] = hits[j-1], hits[j]
		}
	}
	out := make([]drawwatch.Stream, len(hits))
	for i, h := range hits {
		out[i] = h.slug
	}
	return out
}

// statementStream finds the stream a score statement refers to: the one its
// own sentence names, else the nearest earlier sentence of its paragraph,
// else the nearest earlier sentence of the announcement, else the title.
// The earlier sentences of its paragraph are the last ones seen holds, so
// one search back through seen covers both.
func statementStream(s string, seen *sentencesRead, title string) (drawwatch.Stream, bool) {
	if st := findStreams(s); len(st) > 0 {
		return st[0], true
	}
	if st, ok := seen.lastStream(); ok {
		return st, true
	}
	if st := findStreams(title); len(st) > 0 {
		return st[0], true
	}
	return "", false
}

// sentencesRead are the sentences of an announcement read so far, in order.
type sentencesRead struct {
	text []string
	// what the last lastStream found in text[:upTo], kept so that each
	// sentence is searched for streams once
	upTo  int
	last  drawwatch.Stream
	found bool
}

func (r *sentencesRead) add(s string) {
	r.text = append(r.text, s)
}

// lastStream is the last stream that the latest sentence naming any names.
func (r *sentencesRead) lastStream() (drawwatch.Stream, bool) {
	for i := len(r.text) - 1; i >= r.upTo; i-- {
		if st := findStreams(r.text[i]); len(st) > 0 {
			r.last, r.found = st[len(st)-1], true
			break
		}
	}
	r.upTo = len(r.text)
	return r.last, r.found
}

// streamAt is one place a sentence names a stream: the first byte of the
// key found and the byte after it.
type streamAt struct {
	start, end int
	slug       drawwatch.Stream
}

// streamMentions returns every place normalized s names a stream, in
// order; mentions of one stream closer than a key's length are one.
func streamMentions(s string) []streamAt {
	lower := strings.ToLower(s)
	var out []streamAt
	for _, st := range drawwatch.Streams {
		for _, k := range st.Keys {
			for from := 0; ; {
				i := strings.Index(lower[from:], k)
				if i < 0 {
					break
				}
				at := streamAt{start: from + i, end: from + i + len(k), slug: st.Slug}
				out = append(out, at)
				from = at.end
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	// one stream's keys overlap ("hcp stream", "hcp "): keep the first
	kept := out[:0]
	for _, m := range out {
		if n := len(kept); n > 0 && kept[n-1].slug == m.slug && m.start < kept[n-1].end+2 {
			continue
		}
		kept = append(kept, m)
	}
	return kept
}

// reJoinedStreams is what lies between two streams named together as one
// subject ("the Foreign Worker and International Student streams", "the
// Foreign Worker stream and the Employer Job Offer: International Student stream").
var reJoinedStreams = regexp.MustCompile(`(?i)^\s*(?:streams?)?\s*,?\s*(?:and|or|&)?\s*(?:the\s+)?(?:employer job offer:?\s*|express entry\s*)?$`)

// boundStreams are the streams a band binds to among the mentions in
// s[from:to]: the last one named, with those joined to it.
func boundStreams(s string, ms []streamAt, from, to int) []drawwatch.Stream {
	last := -1
	for i, m := range ms {
		if m.start >= from && m.start < to {
			last = i
		}
	}
	if last < 0 {
		return nil
	}
	out := []drawwatch.Stream{ms[last].slug}
	for i := last - 1; i >= 0 && ms[i].start >= from; i-- {
		if !reJoinedStreams.MatchString(s[ms[i].end:ms[i+1].start]) {
			break
		}
		out = append([]drawwatch.Stream{ms[i].slug}, out...)
	}
	return out
}
