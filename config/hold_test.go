package config

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // America/Toronto without a system zone database

	"github.com/drawwatch/drawwatch"
)

const holdBase = "[[slack]]\nname = \"a\"\nwebhook_url = \"https://h/x\"\n[[route]]\ntargets = [\"a\"]\n"

func TestRouteHoldErrorsNameTheKey(t *testing.T) {
	for _, tt := range []struct {
		name, doc string
		want      []string
	}{
		{"unknown deliver", `deliver = "later"`, []string{"route[0].deliver", `"later"`}},
		{"digest without schedule", `deliver = "digest"`, []string{"route[0].digest", "needs a schedule"}},
		{"bad digest cron", "deliver = \"digest\"\ndigest = \"61 8 * * *\"", []string{"route[0].digest", "61 8"}},
		{"digest zone only does not panic", "deliver = \"digest\"\ndigest = \"CRON_TZ=America/Toronto\"", []string{"route[0].digest"}},
		{"digest without deliver", `digest = "0 8 * * *"`, []string{"route[0].digest", `deliver = "digest"`}},
		{"bad quiet hours", `quiet_hours = "9pm-7am"`, []string{"route[0].quiet_hours", "21:00-07:30"}},
		{"empty quiet window", `quiet_hours = "07:00-07:00"`, []string{"route[0].quiet_hours", "starts when it ends"}},
		{"bad quiet_for", "quiet_hours = \"21:00-07:30\"\nquiet_for = [\"drafts\"]", []string{"route[0].quiet_for", `"drafts"`}},
		{"quiet_for without quiet hours", `quiet_for = ["draw"]`, []string{"route[0].quiet_for", "no quiet_hours"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(holdBase+tt.doc+"\n"), env(nil))
			if err == nil {
				t.Fatal("want an error, got none")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestRouteHoldPolicy(t *testing.T) {
	doc := holdBase + "deliver = \"digest\"\ndigest = \"CRON_TZ=America/Toronto 0 8 * * MON-FRI\"\nquiet_hours = \"21:00-07:30\"\nquiet_for = [\"draw\"]\n"
	cfg, err := Parse([]byte(doc), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("America/Toronto")
	p, err := cfg.Routes[0].RouteHold(loc)
	if err != nil {
		t.Fatal(err)
	}
	if p.Quiet == nil || p.Quiet.String() != "21:00-07:30" || p.Zone != loc || len(p.QuietFor) != 1 {
		t.Errorf("policy = %+v", p)
	}
	// Friday 17:00 -> Monday 08:00 local.
	until, why := p.Release("news", time.Date(2026, 6, 12, 17, 0, 0, 0, loc))
	if why != drawwatch.HoldDigest || !until.Equal(time.Date(2026, 6, 15, 8, 0, 0, 0, loc)) {
		t.Errorf("Release = %s %q", until, why)
	}
	// A route without these keys sends at once.
	plain, _ := Parse([]byte(holdBase), env(nil))
	if p, err := plain.Routes[0].RouteHold(loc); err != nil || p.Deliver != "" || p.Quiet != nil || p.Digest != nil {
		t.Errorf("plain route policy = %+v, %v", p, err)
	}
}
