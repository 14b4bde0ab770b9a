package drawwatch

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unsafe"
)

// Program is the program of the ontario.ca pages (see ProgramOINP).
const Program = ProgramOINP

// PageKind says which of the watched document layouts a document is.
type PageKind string

// The page kinds drawwatch can parse.
const (
	PageUpdates PageKind = "updates" // yearly "{year} Ontario Immigrant Nominee Program updates" page
	PageNOI     PageKind = "noi"     // Express Entry notifications of interest tables
	PageITA     PageKind = "ita"     // EOI invitations to apply tables
	// PageEERounds is IRCC's Express Entry rounds JSON (canada.ca), every
	// federal round in one document.
	PageEERounds PageKind = "ee-rounds"
)

// Kind separates announcements that report a draw from every other notice.
type Kind string

// Announcement kinds.
const (
	KindDraw Kind = "draw" // invitations or notifications were issued
	KindNews Kind = "news" // openings, pauses, policy changes, allocation reached ...
)

// Stream is a stable slug naming an OINP stream.
type Stream string

// The OINP streams drawwatch knows. Slugs are stable: they are stored,
// used in routing rules and shown to users.
const (
	StreamHCP                     Stream = "hcp"
	StreamFSSW                    Stream = "fssw"
	StreamSkilledTrades           Stream = "skilled-trades"
	StreamEJOForeignWorker        Stream = "ejo-foreign-worker"
	StreamEJOInternationalStudent Stream = "ejo-international-student"
	StreamEJOInDemandSkills       Stream = "ejo-in-demand-skills"
	StreamMastersGraduate         Stream = "masters-graduate"
	StreamPhDGraduate             Stream = "phd-graduate"
	StreamEntrepreneur            Stream = "entrepreneur"
)

// Invitation and score kinds as the pages name them.
const (
	InvitationNOI = "NOI" // notification of interest (Express Entry streams)
	InvitationITA = "ITA" // invitation to apply (EOI streams)
	ScoreCRS      = "CRS" // federal Comprehensive Ranking System score
	ScoreEOI      = "EOI" // Ontario expression of interest score
)

// NOC is one National Occupational Classification code a draw targeted.
// NOC 2021 codes have five digits, NOC 2016 codes four; both occur.
type NOC struct {
	Code  string `json:"code"`
	Title string `json:"title"`
}

// Draw is one round of invitations: one stream and sub-category with its own
// score band or NOC list. Dates are ISO "YYYY-MM-DD"; empty when not stated.
// Pointer fields are nil when the page does not say.
type Draw struct {
	Program      string `json:"program"`
	Stream       Stream `json:"stream"`
	StreamName   string `json:"stream_name"`
	Category     string `json:"category"`
	Date         string `json:"date"`
	Invitation   string `json:"invitation"`
	ScoreKind    string `json:"score_kind"`
	ScoreMin     *int   `json:"score_min"`
	ScoreMax     *int   `json:"score_max"`
	Invitations  *int   `json:"invitations"`
	ProfilesFrom string `json:"profiles_from"`
	ProfilesTo   string `json:"profiles_to"`
	NOCs         []NOC  `json:"nocs"`
	Deadline     string `json:"deadline"`
	Notes        string `json:"notes"`
	SourceURL    string `json:"source_url"`

	// Express Entry rounds (program EE) only; empty for OINP draws, and
	// left out of their JSON.
	Round string `json:"round,omitempty"` // IRCC's round number: "434", "91a"
	// TieBreak is the tie-breaking rule's time (RFC 3339, UTC): among
	// candidates at the cut-off score, those whose profile was submitted
	// before it were invited.
	TieBreak         string            `json:"tie_break,omitempty"`
	ProgramsIncluded []string          `json:"programs_included,omitempty"` // federal programs the round drew from
	Distribution     *PoolDistribution `json:"distribution,omitempty"`      // the pool when the round was made
}

// Key identifies a draw within one page: the same draw read again from a
// later fetch has the same key. Date, stream and category together, since
// one day can hold several draws of one stream for different targets.
//
// An Express Entry round is keyed by its number alone: IRCC's corrections
// may change anything else.
func (d Draw) Key() string {
	if d.Round != "" {
		return "round-" + d.Round
	}
	return d.Date + "|" + string(d.Stream) + "|" + Slug(d.Category)
}

// Announcement is one h4 entry of a yearly updates page, or one table row
// group of a table page, with the draws it reports.
type Announcement struct {
	// ID is stable across fetches: the anchor when there is one, else a
	// slug of posted date and title.
	ID        string `json:"id"`
	Posted    string `json:"posted"`
	Anchor    string `json:"anchor"`
	Title     string `json:"title"`
	Kind      Kind   `json:"kind"`
	Text      string `json:"text"` // normalized: markup and whitespace insensitive
	Hash      string `json:"hash"` // ContentHash(Text)
	SourceURL string `json:"source_url"`
	Draws     []Draw `json:"draws"`
	// InvitationsTotal is the count the announcement states for all its
	// draws together ("we issued 1,057 invitations"); a draw's own
	// Invitations is set only where the text gives that draw its number.
	InvitationsTotal *int `json:"invitations_total"`
	// Unparsed are the sentences of a draw announcement, verbatim, that
	// state a score, a stream or NOC codes no draw accounts for: what the
	// parser could not read. Empty ([]) when everything was read.
	Unparsed []string `json:"unparsed"`
	// Warnings are the parser's warnings about this announcement (also in
	// Page.Warnings): alerted to ops when the announcement is new or changed.
	Warnings []string `json:"warnings,omitempty"`
}

// Page is everything read from one fetched document.
type Page struct {
	Kind          PageKind       `json:"kind"`
	URL           string         `json:"url"`
	Announcements []Announcement `json:"announcements"`
	// Truncated is set when the document ended mid-way (cut off in transit
	// or in capture); every complete announcement before the cut is kept.
	Truncated bool `json:"truncated,omitempty"`
	// Warnings are what the parser passed over that the operator may want
	// to know (a draw table under a heading naming no stream, a row that
	// is no draw): the caller logs them.
	Warnings []string `json:"warnings,omitempty"`
	// Skipped are the IDs of announcements the document holds but the
	// parser could not read (a warning says why): the store keeps what it
	// has for them, neither updated nor marked removed.
	Skipped []string `json:"skipped,omitempty"`
}

// ContentHash is the hex SHA-256 of normalized announcement text.
func ContentHash(normalized string) string {
	// The hash only reads its input, so it reads the string's own bytes:
	// []byte(normalized) escapes through hash.Hash and copied every
	// announcement's text on each parse (a sixth of the parse's bytes).
	sum := sha256.Sum256(unsafe.Slice(unsafe.StringData(normalized), len(normalized)))
	return hex.EncodeToString(sum[:])
}

// Slug lower-cases s and joins its letters and digits with single dashes,
// for ids and keys that must not depend on punctuation or spacing.
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	return b.String()
}
