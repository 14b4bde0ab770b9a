// Command drawwatch watches the OINP draw pages on ontario.ca, stores every
// draw and alerts teams on Slack and email when a draw appears or changes.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
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
	exitBusy    = 3 // another run holds the store
	exitBlocked = 4 // parse: the page is a bot-check page
)

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *cliEnv, args []string) int
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
		{"scrape", "fetch every source once (--once), store, alert", cmdScrape},
		{"run", "the daemon: scrape on a cron schedule, deliver alerts, serve /metrics and the status page", cmdRun},
		{"demo", "a full scrape against bundled sample pages on a local server (no network needed)", cmdDemo},
		{"parse", "parse one page (file or URL) and print its announcements and draws", cmdParse},
		{"draws", "query stored draws", cmdDraws},
		{"history", "show the versions of one announcement and what changed", cmdHistory},
		{"outbox", "list queued, failed and dead alerts; `outbox retry ID|--all` re-queues", cmdOutbox},
		{"notify", "`notify test [--target NAME]` sends a test message to each target", cmdNotify},
		{"config", "`config check` validates the config and prints it with secrets masked", cmdConfig},
		{"healthcheck", "probe a running daemon's /healthz (for container HEALTHCHECKs)", cmdHealthcheck},
		{"version", "print the version", cmdVersion},
	}
}

// Run executes one drawwatch command line and returns the exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return run(ctx, &cliEnv{stdout: stdout, stderr: stderr}, args)
}

func run(ctx context.Context, env *cliEnv, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(env.stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, env, args[1:])
		}
	}
	env.errorf("unknown command %q", args[0])
	usage(env.stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: drawwatch COMMAND [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun `drawwatch COMMAND -h` for a command's flags. Config: --config FILE, else $DRAWWATCH_CONFIG, else ./drawwatch.toml.")
}
