package main

import "github.com/drawwatch/drawwatch/internal/cli"

var (
	usagef   = cli.Usagef   // a bad command line: exit 2
	withCode = cli.WithCode // err with its exit code
)

// cmdFlags is a command's flag set (help on -h/--help, flags after
// positional arguments).
type cmdFlags struct{ *cli.Flags }

func newFlags(name string, env *cliEnv) cmdFlags { return cmdFlags{program.Flags(name, env)} }

// configFlag declares --config, on every command that reads the config.
func (f cmdFlags) configFlag() *string {
	return f.String("config", "", "config `FILE` (default $DRAWWATCH_CONFIG, else ./drawwatch.toml)")
}

func (f cmdFlags) parse(args []string) ([]string, error) { return f.Positional(args) }
