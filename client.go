package drawwatch

// Client is one client profile from a team's roster: who a draw may have
// reached. Empty Program and Streams mean "any"; nil scores mean "not on
// file". Client data is confidential: it is never logged and only ever goes
// to the client's Owner target or a route's target.
type Client struct {
	ID             string   `json:"id"`
	Label          string   `json:"label"`
	Program        string   `json:"program"`
	Streams        []Stream `json:"streams"`
	NOCs           []string `json:"nocs"`
	CRS            *int     `json:"crs"`
	EOI            *int     `json:"eoi"`
	ProfileCreated string   `json:"profile_created"` // YYYY-MM-DD, "" when not on file
	Owner          string   `json:"owner"`           // a target name, "" for none
}

// ClientMatch is one client a draw matched. NOC is the client's code found
// in the draw's list ("" when the draw lists none); Score is the client's
// score of the draw's ScoreKind (nil when the draw states no band or the
// client has none). Possible matches carry the Reason they are unsure.
type ClientMatch struct {
	ClientID  string `json:"client_id"`
	Label     string `json:"label"`
	Owner     string `json:"-"` // routing only: never shown
	NOC       string `json:"noc"`
	ScoreKind string `json:"score_kind"`
	Score     *int   `json:"score"`
	Possible  bool   `json:"possible"`
	Reason    string `json:"reason,omitempty"`
}

// ClientMatches are the clients an alert's announcement matched, as one
// target may see them: the sure matches and, apart, the possible ones.
type ClientMatches struct {
	Matches  []ClientMatch `json:"matches"`
	Possible []ClientMatch `json:"possible"`
}

// Empty reports whether no client matched at all.
func (m *ClientMatches) Empty() bool {
	return m == nil || len(m.Matches) == 0 && len(m.Possible) == 0
}
