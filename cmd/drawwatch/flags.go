package main

import (
	"flag"
)

// newFlags makes a FlagSet that reports errors instead of exiting.
func newFlags(name string, env *cliEnv) *flag.FlagSet {
	fs := flag.NewFlagSet("drawwatch "+name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	return fs
}

// parseInterspersed parses flags that may come before or after positional
// arguments ("parse page.html --json"), which the flag package alone stops at.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}
