// Command drawwatch watches the OINP draw pages on ontario.ca, stores every
// draw and alerts teams on Slack and email when a draw appears or changes.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/drawwatch/drawwatch/internal/cli"
	"github.com/drawwatch/drawwatch/scraper"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := program.Run(ctx, &cliEnv{Stdout: os.Stdout, Stderr: os.Stderr, Process: true}, os.Args[1:])
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK      = cli.ExitOK
	exitFailed  = 1 // the command ran and something failed (a source, a send)
	exitUsage   = cli.ExitUsage
	exitBusy    = 3 // another run holds the store (or took it over)
	exitBlocked = 4 // parse: the page is a bot-check page
)

type cliEnv = cli.Env

// command is one entry of the command table. A subcommand's name has a
// space ("outbox retry").
type command struct {
	name    string
	args    string // synopsis after the name, as the README writes it
	summary string
	run     func(ctx context.Context, env *cliEnv, args []string) error
}

var program = &cli.Program{Name: "drawwatch", ExitCode: exitCodeFor, Version: scraper.Version,
	Footer: "Config: --config FILE, else $DRAWWATCH_CONFIG, else ./drawwatch.toml."}

// init fills the table in: the commands' flags refer back to program.
func init() {
	program.Commands = func() []cli.Command {
		var out []cli.Command
		for _, c := range commands() {
			out = append(out, cli.Command{Name: c.name, Args: c.args, Summary: c.summary, Run: c.run})
		}
		return out
	}
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
	return program.Run(ctx, &cliEnv{Stdout: stdout, Stderr: stderr}, args)
}
