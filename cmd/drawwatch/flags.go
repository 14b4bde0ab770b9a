package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// errHelp: the help asked for was printed; exit 0.
var errHelp = errors.New("help printed")

// exitError carries an exit code other than the one exitCodeFor derives;
// err may be nil when the command already said everything.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usagef is a bad command line: exit 2.
func usagef(format string, a ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, a...)}
}

// withCode gives err the exit code code (nil stays nil).
func withCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: code, err: err}
}

// exit prints err and maps it to the exit code.
func (e *cliEnv) exit(err error) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, errHelp) {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			e.errorf("%v", ee.err)
		}
		return ee.code
	}
	e.errorf("%v", err)
	return exitCodeFor(err)
}

// cmdFlags is a command's flag set, which prints its help on -h/--help.
type cmdFlags struct {
	*flag.FlagSet
	cmd command
	env *cliEnv
}

// newFlags makes the flag set of the command called name; errors are
// returned, not printed, and --config is everywhere the config is read.
func newFlags(name string, env *cliEnv) *cmdFlags {
	fs := flag.NewFlagSet("drawwatch "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	c := command{name: name}
	for _, k := range commands() {
		if k.name == name {
			c = k
		}
	}
	return &cmdFlags{FlagSet: fs, cmd: c, env: env}
}

// configFlag declares --config.
func (f *cmdFlags) configFlag() *string {
	return f.String("config", "", "config `FILE` (default $DRAWWATCH_CONFIG, else ./drawwatch.toml)")
}

// parse parses flags that may come before or after positional arguments
// ("parse page.html --json"), which the flag package alone stops at. Help
// is printed to stdout (errHelp); a bad flag is a usage error.
func (f *cmdFlags) parse(args []string) ([]string, error) {
	var positional []string
	for {
		if err := f.Parse(args); errors.Is(err, flag.ErrHelp) {
			f.printHelp(f.env.stdout)
			return nil, errHelp
		} else if err != nil {
			return nil, usagef("%s: %v (see `drawwatch help %s`)", f.cmd.name, err, f.cmd.name)
		}
		args = f.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// printHelp writes the synopsis, the summary and every flag, with GNU
// double dashes as the README writes them; a flag that takes no value
// shows none.
func (f *cmdFlags) printHelp(w io.Writer) {
	fmt.Fprintf(w, "usage: drawwatch %s\n\n%s\n", strings.TrimSpace(f.cmd.name+" "+f.cmd.args), f.cmd.summary)
	if subs := subcommands(f.cmd.name); len(subs) > 0 {
		fmt.Fprintf(w, "\nsubcommands: %s (see `drawwatch help %s`)\n", strings.Join(subs, ", "), subs[0])
	}
	first := true
	f.VisitAll(func(fl *flag.Flag) {
		if first {
			fmt.Fprintln(w, "\nflags:")
			first = false
		}
		arg, text := flag.UnquoteUsage(fl)
		name := "--" + fl.Name
		if arg != "" {
			name += " " + strings.ToUpper(arg)
		}
		if fl.DefValue != "" && fl.DefValue != "false" && fl.DefValue != "0" {
			text += fmt.Sprintf(" (default %s)", fl.DefValue)
		}
		fmt.Fprintf(w, "  %-20s %s\n", name, text)
	})
}
