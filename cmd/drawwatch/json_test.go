package main

import (
	"encoding/json"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// Every command with --json writes one JSON document whose keys, at every
// depth, are snake_case; a command that gains --json must be added here.
func TestEveryJSONOutputIsSnakeCase(t *testing.T) {
	site := &testSite{}
	site.version.Store(1)
	srv := httptest.NewServer(site)
	defer srv.Close()
	hook := httptest.NewServer(&slackHook{})
	defer hook.Close()
	dir := t.TempDir()
	writeFile(t, dir, "clients.csv", "id,label,nocs,crs,eoi\nH-1,Priya,31301;32102,420,\nT-1,Marco,21231,,60\n")
	cfg := siteConfig(t, dir, srv.URL, hook.URL+"/hook", "\n[clients]\nroster = \"clients.csv\"\n")
	for v := int32(1); v <= 2; v++ {
		site.version.Store(v)
		if code, out, errOut := runCLI(t, "scrape", "--once", "--config", cfg); code != exitOK {
			t.Fatalf("scrape: exit %d\n%s\n%s", code, out, errOut)
		}
	}
	runs := [][]string{
		{"draws", "--json"},
		{"draws", "--json", "--kind", "all", "--removed"},
		{"history", "--json", "march12-0"},
		{"outbox", "--json", "--sent"},
		{"parse", "--json", "../../demo/pages/updates-v2.html"},
		{"parse", "--json", "../../demo/pages/noi.html"},
		{"parse", "--json", "../../demo/pages/ita.html"},
		{"parse", "--json", "../../demo/pages/ee-rounds-v2.json"},
		{"clients", "check", "--json"},
		{"match", "--json", "march12-0"},
		{"match", "--json", "--client", "H-1"},
	}
	covered := map[string]bool{}
	for _, args := range runs {
		if args[0] != "parse" { // parse reads no config
			args = append(args, "--config", cfg)
		}
		code, out, errOut := runCLI(t, args...)
		if code != exitOK || !json.Valid([]byte(out)) {
			t.Errorf("%v: exit %d, valid JSON %v\n%s\n%s", args, code, json.Valid([]byte(out)), out, errOut)
			continue
		}
		assertSnakeKeys(t, out)
		for _, k := range jsonKeys(out) {
			if !regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`).MatchString(k) {
				t.Errorf("%v: key %q is not snake_case", args, k)
			}
		}
		c, _, _ := program.Lookup(args)
		covered[c.Name] = true
	}
	for _, c := range commands() {
		_, help, _ := runCLI(t, append(strings.Fields(c.name), "--help")...)
		if strings.Contains(help, "  --json") && !covered[c.name] {
			t.Errorf("%s has --json but this test does not check its keys", c.name)
		}
	}
}

// jsonKeys lists every object key in a JSON document, at every depth.
func jsonKeys(doc string) []string {
	var v any
	if json.Unmarshal([]byte(doc), &v) != nil {
		return nil
	}
	var keys []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				keys = append(keys, k)
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return keys
}
