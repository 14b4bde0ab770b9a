// Command drawwatch watches the OINP draw pages on ontario.ca, stores every
// draw and alerts teams on Slack and email when a draw appears or changes.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, &cliEnv{stdout: os.Stdout, stderr: os.Stderr, process: true}, os.Args[1:])
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK      = 0
	exitFailed  = 1 // the command ran and something failed (a source, a send)
	exitUsage   = 2 // bad flags or arguments
	exitBusy    = 3 // another run holds the store (or took it over)
	exitBlocked = 4 // parse: the page is a bot-check page
)

// command is one entry of the command line. A subcommand's name has a
// space ("outbox retry").
type command struct {
	name    string
	args    string // synopsis after the name, as the README writes it
	summary string
	run     func(ctx context.Context, env *cliEnv, args []string) error
}

// cliEnv carries the process's streams so commands are testable in-process.
type cliEnv struct {
	stdout, stderr io.Writer
	// process is set when running as the real process (not in-process in a
	// test), where replacing global state such as slog's default is right.
	process bool
}

func (e *cliEnv) errorf(format string, a ...any) {
	fmt.Fprintf(e.stderr, "drawwatch: "+format+"\n", a...)
}

func commands() []command {
	return []command{
		{"scrape", "--once [--dry-run]", "fetch every source once, store, alert", cmdScrape},
		{"run", "", "the daemon: scrape on a cron schedule, deliver alerts, serve /metrics and the status page", cmdRun},
		{"demo", "[--store FILE]", "a full scrape against bundled sample pages on a local server (no network needed)", cmdDemo},
		{"parse", "[--kind updates|noi|ita] FILE_OR_URL [--json]", "parse one page (file or URL) and print its announcements and draws", cmdParse},
		{"draws", "[--json|--csv] [--stream SLUG] [--noc CODE|PREFIX*] [--since DATE] [--kind draw|news|all] [--program OINP|EE] [--limit N] [--removed]", "query stored draws", cmdDraws},
		{"history", "[--json] ANNOUNCEMENT_ID", "show the versions of one announcement and what changed", cmdHistory},
		{"clients check", "[--json]", "validate the client roster ([clients] roster): every problem with row and column", cmdClientsCheck},
		{"match", "[--json] DRAW_ID | --client ID", "the roster clients a stored draw matches, or every stored draw a client matches", cmdMatch},
		{"outbox", "[--sent] [--json]", "list queued, failed and dead alerts", cmdOutbox},
		{"outbox retry", "ID | --all", "re-queue one alert, or every pending and dead one", cmdOutboxRetry},
		{"notify test", "[--target NAME]", "send a test message to each target", cmdNotifyTest},
		{"config check", "", "validate the config and print it with secrets masked", cmdConfigCheck},
		{"store migrate", "--from FILE.db --to postgres://...", "copy a SQLite store into an empty PostgreSQL database, counts verified", cmdStoreMigrate},
		{"healthcheck", "[--url URL]", "probe a running daemon's /healthz at the config's http.listen (for container HEALTHCHECKs)", cmdHealthcheck},
		{"version", "", "print the version", cmdVersion},
	}
}

// Run executes one drawwatch command line and returns the exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return run(ctx, &cliEnv{stdout: stdout, stderr: stderr}, args)
}

func run(ctx context.Context, env *cliEnv, args []string) int {
	if len(args) == 0 {
		usage(env.stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		usage(env.stdout)
		return exitOK
	case "--version", "-version":
		return env.exit(cmdVersion(ctx, env, nil))
	case "help":
		if len(args) == 1 {
			usage(env.stdout)
			return exitOK
		}
		args = append(args[1:len(args):len(args)], "--help")
	}
	c, rest, err := lookup(args)
	if err != nil && wantsHelp(args[1:]) && len(subcommands(args[0])) > 0 {
		groupUsage(env.stdout, args[0])
		return exitOK
	}
	if err != nil {
		env.errorf("%v", err)
		usage(env.stderr)
		return exitUsage
	}
	return env.exit(c.run(ctx, env, rest))
}

// lookup finds the command args name, a subcommand before its parent.
func lookup(args []string) (command, []string, error) {
	cmds := commands()
	if len(args) > 1 {
		for _, c := range cmds {
			if c.name == args[0]+" "+args[1] {
				return c, args[2:], nil
			}
		}
	}
	for _, c := range cmds {
		if c.name == args[0] {
			return c, args[1:], nil
		}
	}
	if subs := subcommands(args[0]); len(subs) > 0 {
		return command{}, nil, fmt.Errorf("%s needs a subcommand: %s", args[0], strings.Join(subs, ", "))
	}
	return command{}, nil, fmt.Errorf("unknown command %q", args[0])
}

func subcommands(parent string) []string {
	var out []string
	for _, c := range commands() {
		if strings.HasPrefix(c.name, parent+" ") {
			out = append(out, c.name)
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
func groupUsage(w io.Writer, parent string) {
	fmt.Fprintf(w, "usage:\n")
	for _, c := range commands() {
		if strings.HasPrefix(c.name, parent+" ") {
			fmt.Fprintf(w, "  drawwatch %s %s\n      %s\n", c.name, c.args, c.summary)
		}
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: drawwatch COMMAND [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-13s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun `drawwatch help COMMAND` (or `drawwatch COMMAND --help`) for a command's flags.\n"+
		"Config: --config FILE, else $DRAWWATCH_CONFIG, else ./drawwatch.toml.")
}
