package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/server"
)

// Env is what a command runs with: its arguments and output streams.
type Env struct {
	Stdout io.Writer
	Stderr io.Writer
	Log    *slog.Logger
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(env *Env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run the HTTP service (see ogcard serve -h)", runServe},
		{"render", "draw one card from a layout and data", runRender},
		{"validate", "check layout files and report every problem", runValidate},
		{"sign", "sign an /og/ URL with the first signing key", runSign},
		{"bench", "measure how fast a card is drawn, per format (see bench/peers)", runBench},
		{"warm", "pre-render every card of a source or JSONL file into the card store", runWarm},
		{"meta", "print a card's og: and twitter: meta tags (HTML, or --json)", runMeta},
		{"healthcheck", "exit 0 if the service at OGCARD_ADDR answers /healthz (the image's HEALTHCHECK)", runHealthcheck},
	}
}

// errUsage marks an error in how the command was called (exit status 2).
var errUsage = errors.New("usage")

// Main runs the command line and returns the process's exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	env := &Env{Stdout: stdout, Stderr: stderr, Log: slog.New(slog.NewTextHandler(stderr, nil))}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		return 2
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(env, args[1:])
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			fmt.Fprintf(stderr, "ogcard %s: %v\n", c.name, err)
			return 2
		case errors.Is(err, errReported):
			return 1
		default:
			fmt.Fprintf(stderr, "ogcard %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "ogcard: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

// errReported means the command already printed its errors.
var errReported = errors.New("reported")

func usage(w io.Writer) {
	fmt.Fprintln(w, "ogcard draws Open Graph cards from JSON layouts.\n\nUsage: ogcard <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun ogcard <command> -h for a command's flags.")
}

// newFlags returns a flag set that prints its usage to env.Stderr and
// returns errors instead of exiting.
func newFlags(env *Env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: ogcard %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFormats reads flag's comma-separated list of formats; a bad one
// is a usage error.
func parseFormats(flag, list string) ([]engine.Format, error) {
	var formats []engine.Format
	for _, name := range server.SplitList(list) {
		f, err := engine.ParseFormat(name)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", errUsage, flag, err)
		}
		formats = append(formats, f)
	}
	return formats, nil
}

// parse parses flags, turning flag errors into usage errors.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	return nil
}
