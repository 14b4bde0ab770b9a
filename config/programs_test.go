package config

import (
	"strings"
	"testing"
)

func TestRoutePrograms(t *testing.T) {
	const head = "[[slack]]\nname = \"t\"\nwebhook_url = \"https://hooks.slack.com/x\"\n[[route]]\ntargets = [\"t\"]\n"
	tests := []struct {
		route, errHas string
	}{
		{`programs = ["EE"]` + "\n" + `categories = ["transport", "health"]`, ""},
		{`programs = ["ee", "OINP"]` + "\n" + `categories = ["tech"]` + "\n" + `streams = ["hcp"]`, ""},
		{`categories = ["tech"]`, ""},
		{`programs = ["PNP"]`, `route[0].programs: "PNP" is not a program (OINP, EE)`},
		{`programs = ["EE"]` + "\n" + `categories = ["trasport"]`, `route[0].categories: "trasport" is not an Express Entry category (general, `},
		{`programs = ["EE"]` + "\n" + `streams = ["hcp"]`, "Express Entry rounds have no OINP streams or NOC lists"},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(head+tt.route+"\n"), env(nil))
		switch {
		case tt.errHas == "" && err != nil:
			t.Errorf("%s: %v", tt.route, err)
		case tt.errHas != "" && (err == nil || !strings.Contains(err.Error(), tt.errHas)):
			t.Errorf("%s: error %v, want it to say %q", tt.route, err, tt.errHas)
		}
	}
}

func TestEERoundsSourceKind(t *testing.T) {
	cfg, err := Parse([]byte("[[source]]\nkind = \"ircc-ee-rounds\"\nurl = \""+DefaultEERoundsURL+"\"\n"), env(nil))
	if err != nil || len(cfg.Sources) != 1 || cfg.Sources[0].Name != SourceEERounds {
		t.Fatalf("EE source: %+v, %v", cfg, err)
	}
}
