package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// Every command and subcommand answers `help CMD`, `CMD --help` and
// `CMD -h` on stdout with exit 0; its help lists its flags the way the
// README's command table writes them, and a flag that takes no value shows
// none ("--once", not "--once drawwatch run").
func TestHelpForEveryCommand(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	flagLine := regexp.MustCompile(`(?m)^  (--[a-z-]+)( [A-Z_]+)?\s`)
	for _, c := range commands() {
		args := strings.Fields(c.name)
		for _, form := range [][]string{
			append([]string{"help"}, args...),
			append(append([]string{}, args...), "--help"),
			append(append([]string{}, args...), "-h"),
		} {
			code, out, errOut := runCLI(t, form...)
			if code != exitOK || errOut != "" || !strings.HasPrefix(out, "usage: drawwatch "+c.name) {
				t.Errorf("%q: exit %d, stdout %q, stderr %q", form, code, out, errOut)
			}
		}
		_, out, _ := runCLI(t, append(args, "--help")...)
		cells := readmeRows(string(readme), c.name)
		if cells == "" {
			t.Errorf("README's command table has no row for drawwatch %s", c.name)
		}
		for _, m := range flagLine.FindAllStringSubmatch(out, -1) {
			name, arg := m[1], strings.TrimSpace(m[2])
			if name != "--config" && !strings.Contains(c.args, name) {
				t.Errorf("%s: flag %s is missing from the synopsis %q", c.name, name, c.args)
			}
			if name != "--config" && !strings.Contains(cells, name) {
				t.Errorf("%s: flag %s is missing from the README's row", c.name, name)
			}
			if arg != "" && !regexp.MustCompile(`^[A-Z][A-Z_]*$`).MatchString(arg) {
				t.Errorf("%s: %s shows argument %q", c.name, name, arg)
			}
		}
	}
	for _, group := range []string{"notify", "config", "clients"} {
		for _, form := range [][]string{{"help", group}, {group, "--help"}, {group, "-h"}} {
			if code, out, _ := runCLI(t, form...); code != exitOK || !strings.Contains(out, "drawwatch "+group+" ") {
				t.Errorf("%q: exit %d\n%s", form, code, out)
			}
		}
	}
}

// readmeRows is the first cells of the README table rows documenting the
// command called name (not those of its subcommands), joined.
func readmeRows(readme, name string) string {
	var cells []string
	sub := regexp.MustCompile("^\\| `drawwatch " + regexp.QuoteMeta(name) + " (retry|test|check)\\b")
	for _, line := range strings.Split(readme, "\n") {
		prefix := "| `drawwatch " + name
		if !strings.HasPrefix(line, prefix+" ") && !strings.HasPrefix(line, prefix+"`") || sub.MatchString(line) {
			continue
		}
		if cell, _, ok := strings.Cut(line[2:], "` |"); ok {
			cells = append(cells, cell)
		}
	}
	return strings.Join(cells, "\n")
}

func TestHelpOfScrapeOnceTakesNoArgument(t *testing.T) {
	_, out, _ := runCLI(t, "scrape", "--help")
	if !regexp.MustCompile(`(?m)^  --once {2,}\S`).MatchString(out) {
		t.Errorf("the --once line reads as if it took an argument:\n%s", out)
	}
}

func TestVersionAndUsage(t *testing.T) {
	for _, form := range [][]string{{"--version"}, {"version"}} {
		if code, out, _ := runCLI(t, form...); code != exitOK || !strings.HasPrefix(out, "drawwatch ") {
			t.Errorf("%q: exit %d %q", form, code, out)
		}
	}
	for _, form := range [][]string{{"help"}, {"--help"}, {"-h"}} {
		if code, out, _ := runCLI(t, form...); code != exitOK || !strings.Contains(out, "outbox retry") {
			t.Errorf("%q: exit %d %q", form, code, out)
		}
	}
	if code, _, errOut := runCLI(t); code != exitUsage || !strings.Contains(errOut, "usage:") {
		t.Errorf("no arguments: exit %d %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "draws", "--bogus"); code != exitUsage || !strings.Contains(errOut, "bogus") || !strings.Contains(errOut, "help draws") {
		t.Errorf("unknown flag: exit %d %q", code, errOut)
	}
}
