// Package cli is the small command-line machinery under cmd/drawwatch: a
// table of commands and subcommands ("outbox retry"), help for each
// (`help CMD`, `CMD --help`, `-h`) printed from its flags, flags allowed
// after positional arguments, and errors mapped to exit codes in one place.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Exit codes every program shares; the program defines the rest.
const (
	ExitOK    = 0
	ExitUsage = 2 // bad flags or arguments
)

// Env carries the process's streams so commands are testable in-process.
type Env struct {
	Stdout, Stderr io.Writer
	// Process is set when running as the real process (not in-process in
	// a test), where replacing global state such as slog's default is right.
	Process bool
	name    string
}

// Errorf prints one error line, prefixed with the program's name.
func (e *Env) Errorf(format string, a ...any) {
	fmt.Fprintf(e.Stderr, e.name+": "+format+"\n", a...)
}

// Command is one entry of the command line. A subcommand's Name has a
// space ("outbox retry").
type Command struct {
	Name    string
	Args    string // synopsis after the name, as the README writes it
	Summary string
	Run     func(ctx context.Context, env *Env, args []string) error
}

// Program is a command table and how its errors map to exit codes.
type Program struct {
	Name     string
	Commands func() []Command
	ExitCode func(error) int // for errors that carry no code of their own
	Version  string          // printed by --version
	Footer   string          // last lines of the usage
}

// Run executes one command line and returns the exit code.
func (p *Program) Run(ctx context.Context, env *Env, args []string) int {
	env.name = p.Name
	if len(args) == 0 {
		p.usage(env.Stderr)
		return ExitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		p.usage(env.Stdout)
		return ExitOK
	case "--version", "-version":
		fmt.Fprintf(env.Stdout, "%s %s\n", p.Name, p.Version)
		return ExitOK
	case "help":
		if len(args) == 1 {
			p.usage(env.Stdout)
			return ExitOK
		}
		args = append(args[1:len(args):len(args)], "--help")
	}
	c, rest, err := p.Lookup(args)
	if err != nil && wantsHelp(args[1:]) && len(p.Subcommands(args[0])) > 0 {
		p.groupUsage(env.Stdout, args[0])
		return ExitOK
	}
	if err != nil {
		env.Errorf("%v", err)
		p.usage(env.Stderr)
		return ExitUsage
	}
	return p.exit(env, c.Run(ctx, env, rest))
}

// Lookup finds the command args name, a subcommand before its parent.
func (p *Program) Lookup(args []string) (Command, []string, error) {
	cmds := p.Commands()
	if len(args) > 1 {
		for _, c := range cmds {
			if c.Name == args[0]+" "+args[1] {
				return c, args[2:], nil
			}
		}
	}
	for _, c := range cmds {
		if c.Name == args[0] {
			return c, args[1:], nil
		}
	}
	if subs := p.Subcommands(args[0]); len(subs) > 0 {
		return Command{}, nil, fmt.Errorf("%s needs a subcommand: %s", args[0], strings.Join(subs, ", "))
	}
	return Command{}, nil, fmt.Errorf("unknown command %q", args[0])
}

// Subcommands names the subcommands of parent ("outbox" → "outbox retry").
func (p *Program) Subcommands(parent string) []string {
	var out []string
	for _, c := range p.Commands() {
		if strings.HasPrefix(c.Name, parent+" ") {
			out = append(out, c.Name)
		}
	}
	return out
}

func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

// groupUsage is the help of a command that is only its subcommands.
func (p *Program) groupUsage(w io.Writer, parent string) {
	fmt.Fprintf(w, "usage:\n")
	for _, c := range p.Commands() {
		if strings.HasPrefix(c.Name, parent+" ") {
			fmt.Fprintf(w, "  %s %s %s\n      %s\n", p.Name, c.Name, c.Args, c.Summary)
		}
	}
}

func (p *Program) usage(w io.Writer) {
	fmt.Fprintf(w, "usage: %s COMMAND [flags]\n\ncommands:\n", p.Name)
	for _, c := range p.Commands() {
		fmt.Fprintf(w, "  %-13s %s\n", c.Name, c.Summary)
	}
	fmt.Fprintf(w, "\nRun `%[1]s help COMMAND` (or `%[1]s COMMAND --help`) for a command's flags.\n%s\n", p.Name, p.Footer)
}

// ErrHelp: the help asked for was printed; exit 0.
var ErrHelp = errors.New("help printed")

// ExitError carries an exit code other than the one Program.ExitCode
// derives; Err may be nil when the command already said everything.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// Usagef is a bad command line: exit 2.
func Usagef(format string, a ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, a...)}
}

// WithCode gives err the exit code code (nil stays nil).
func WithCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &ExitError{Code: code, Err: err}
}

// Silent is exit code code with nothing more to print.
func Silent(code int) error { return &ExitError{Code: code} }

// exit prints err and maps it to the exit code.
func (p *Program) exit(env *Env, err error) int {
	if err == nil || errors.Is(err, ErrHelp) {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		if ee.Err != nil {
			env.Errorf("%v", ee.Err)
		}
		return ee.Code
	}
	env.Errorf("%v", err)
	return p.ExitCode(err)
}
