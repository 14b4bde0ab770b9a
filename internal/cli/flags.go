package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Flags is a command's flag set, which prints its help on -h/--help.
type Flags struct {
	*flag.FlagSet
	cmd Command
	env *Env
	p   *Program
}

// Flags makes the flag set of the command called name; errors are
// returned, not printed.
func (p *Program) Flags(name string, env *Env) *Flags {
	fs := flag.NewFlagSet(p.Name+" "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	c := Command{Name: name}
	for _, k := range p.Commands() {
		if k.Name == name {
			c = k
		}
	}
	return &Flags{FlagSet: fs, cmd: c, env: env, p: p}
}

// Positional parses flags that may come before or after positional
// arguments ("parse page.html --json"), which the flag package alone stops
// at, and returns the positional ones. Help is printed to stdout
// (ErrHelp); a bad flag is a usage error.
func (f *Flags) Positional(args []string) ([]string, error) {
	var positional []string
	for {
		if err := f.Parse(args); errors.Is(err, flag.ErrHelp) {
			f.printHelp(f.env.Stdout)
			return nil, ErrHelp
		} else if err != nil {
			return nil, Usagef("%s: %v (see `%s help %s`)", f.cmd.Name, err, f.p.Name, f.cmd.Name)
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
// double dashes as READMEs write them; a flag that takes no value shows
// none, one that does shows its `NAME` from the usage text.
func (f *Flags) printHelp(w io.Writer) {
	fmt.Fprintf(w, "usage: %s %s\n\n%s\n", f.p.Name, strings.TrimSpace(f.cmd.Name+" "+f.cmd.Args), f.cmd.Summary)
	if subs := f.p.Subcommands(f.cmd.Name); len(subs) > 0 {
		fmt.Fprintf(w, "\nsubcommands: %s (see `%s help %s`)\n", strings.Join(subs, ", "), f.p.Name, subs[0])
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
