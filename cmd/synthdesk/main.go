// Command synthdesk is the command line of synthdesk: it runs a whole job
// on this machine (run), talks to a cluster (submit, status, cancel), and exposes
// the rules (classify, rules) and the LLM protocol simulator (llm-sim).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error
}

var commands = []command{
	{"run", "run a job on this machine: embedded NATS, all four stages, local or S3 output", cmdRun},
	{"submit", "send a generation request to a cluster and print the job id (--wait follows it)", cmdSubmit},
	{"status", "show a job's progress on a cluster (--watch follows it)", cmdStatus},
	{"admin", "operate a cluster: topology shows (and with --apply fixes) how its streams differ from the wanted settings", cmdAdmin},
	{"eval", "measure datasets: train on synthetic, test on real requests; diversity, memorization, A/B", cmdEval},
	{"cancel", "cancel a job on a cluster: stages stop, it ends cancelled (--wait follows it)", cmdCancel},
	{"classify", "label texts from a CSV or JSONL file with the rules", cmdClassify},
	{"rules", "evaluate (eval) or calibrate (calibrate) the rules on labeled data", cmdRules},
	{"llm-sim", "serve the Ollama and OpenAI chat protocols with simulated answers and faults", cmdLLMSim},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	os.Exit(dispatch(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// Exit codes of the commands that follow a job (run, submit --wait,
// status, cancel --wait), one per way a job ends; 1 is any other failure.
const (
	exitDone        = 0
	exitUsage       = 2
	exitPartial     = 3
	exitFailed      = 4
	exitCancelled   = 5
	exitInterrupted = 130
)

// dispatch runs the named command and returns the process exit code:
// 0 success (a job done), 1 failure, 2 usage error, 3 a job that ended
// partial, 4 failed, 5 cancelled, 130 interrupted (SIGINT) before the
// job ended.
func dispatch(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], stdin, stdout, stderr)
		var partial *partialError
		var ended *endedError
		switch {
		case err == nil, errors.Is(err, flag.ErrHelp):
			return exitDone
		case errors.As(err, &partial):
			fmt.Fprintln(stderr, "synthdesk "+c.name+":", err)
			return exitPartial
		case errors.As(err, &ended):
			fmt.Fprintln(stderr, "synthdesk "+c.name+":", err)
			return ended.code
		case errors.Is(err, errUsage):
			fmt.Fprintln(stderr, "synthdesk "+c.name+":", err)
			return 2
		default:
			fmt.Fprintln(stderr, "synthdesk "+c.name+":", err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "synthdesk: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

// errUsage marks command-line mistakes.
var errUsage = errors.New("usage")

// partialError is a job that ended without meeting every quota.
type partialError struct{ msg string }

func (e *partialError) Error() string { return e.msg }

// endedError is a job that ended failed or cancelled, or a command
// interrupted before its job ended; code is the exit code.
type endedError struct {
	code int
	msg  string
}

func (e *endedError) Error() string { return e.msg }

func usage(w io.Writer) {
	fmt.Fprintln(w, "synthdesk manufactures labeled synthetic customer-service conversations.")
	fmt.Fprintln(w, "\nUsage: synthdesk <command> [flags]   (synthdesk <command> --help for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
}

// parseFlags parses args; a bad flag is a usage error (the flag package has
// already printed the flags), --help is flag.ErrHelp.
func parseFlags(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return err
}
