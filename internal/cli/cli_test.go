package cli

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// testProgram has a command, a subcommand of another parent, and a
// command whose run records its positional arguments and flags.
func testProgram(got *[]string) *Program {
	p := &Program{Name: "prog", Version: "v1.2.3", ExitCode: func(error) int { return 1 }}
	p.Commands = func() []Command {
		return []Command{
			{Name: "list", Args: "[--json] ID", Summary: "list things", Run: func(ctx context.Context, env *Env, args []string) error {
				fs := p.Flags("list", env)
				asJSON := fs.Bool("json", false, "print JSON")
				config := fs.String("config", "", "config `FILE`")
				pos, err := fs.Positional(args)
				if err != nil {
					return err
				}
				*got = append(pos, "json="+map[bool]string{true: "yes", false: "no"}[*asJSON], "config="+*config)
				return nil
			}},
			{Name: "box retry", Args: "ID", Summary: "retry one", Run: func(ctx context.Context, env *Env, args []string) error {
				_, err := p.Flags("box retry", env).Positional(args)
				if err == nil && len(args) == 0 {
					return Usagef("retry needs an ID")
				}
				return err
			}},
			{Name: "fail", Summary: "fails", Run: func(context.Context, *Env, []string) error { return errors.New("it broke") }},
			{Name: "quiet", Summary: "fails quietly", Run: func(context.Context, *Env, []string) error { return Silent(4) }},
		}
	}
	return p
}

func TestProgramRun(t *testing.T) {
	for _, tt := range []struct {
		args          []string
		code          int
		stdout, stder string // substrings
		got           string // recorded by list
	}{
		{args: nil, code: ExitUsage, stder: "usage: prog COMMAND"},
		{args: []string{"--version"}, code: 0, stdout: "prog v1.2.3"},
		{args: []string{"help"}, code: 0, stdout: "box retry"},
		{args: []string{"help", "list"}, code: 0, stdout: "usage: prog list [--json] ID"},
		{args: []string{"list", "-h"}, code: 0, stdout: "--config FILE"},
		{args: []string{"help", "box", "retry"}, code: 0, stdout: "usage: prog box retry ID"},
		{args: []string{"box", "--help"}, code: 0, stdout: "prog box retry ID"},
		{args: []string{"box"}, code: ExitUsage, stder: "box needs a subcommand: box retry"},
		{args: []string{"box", "retry"}, code: ExitUsage, stder: "prog: retry needs an ID"},
		{args: []string{"nope"}, code: ExitUsage, stder: `unknown command "nope"`},
		{args: []string{"list", "--bogus"}, code: ExitUsage, stder: "see `prog help list`"},
		{args: []string{"list", "a", "--json", "b", "--config", "c.toml"}, code: 0, got: "a b json=yes config=c.toml"},
		{args: []string{"fail"}, code: 1, stder: "prog: it broke"},
		{args: []string{"quiet"}, code: 4},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var got []string
			var out, errb bytes.Buffer
			code := testProgram(&got).Run(context.Background(), &Env{Stdout: &out, Stderr: &errb}, tt.args)
			if code != tt.code || !strings.Contains(out.String(), tt.stdout) || !strings.Contains(errb.String(), tt.stder) {
				t.Errorf("exit %d (want %d)\nstdout %q (want %q)\nstderr %q (want %q)", code, tt.code, out.String(), tt.stdout, errb.String(), tt.stder)
			}
			if tt.got != "" && strings.Join(got, " ") != tt.got {
				t.Errorf("list saw %q, want %q", strings.Join(got, " "), tt.got)
			}
			if tt.code == 4 && errb.Len() != 0 {
				t.Errorf("a silent exit printed %q", errb.String())
			}
		})
	}
}

// A flag that takes no value shows none in the help; one that does shows
// the `NAME` its usage text quotes.
func TestHelpShowsFlagArguments(t *testing.T) {
	var got []string
	var out bytes.Buffer
	testProgram(&got).Run(context.Background(), &Env{Stdout: &out, Stderr: &out}, []string{"list", "--help"})
	help := out.String()
	for _, want := range []string{"  --json  ", "  --config FILE  ", "config FILE"} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q:\n%s", want, help)
		}
	}
}
