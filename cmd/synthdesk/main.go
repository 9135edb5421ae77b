// Command synthdesk is the command line of synthdesk: it runs a whole job
// on this machine (run), talks to a cluster (submit, status, cancel), and exposes
// the rules (classify, rules) and the LLM protocol simulator (llm-sim).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	os.Exit(dispatch(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// Exit codes of the commands that follow a job (run, submit --wait,
// status, cancel --wait), one per way a job ends; 1 is any other failure.
const (
	exitDone        = 0
	exitFailure     = 1
	exitUsage       = 2
	exitPartial     = 3
	exitFailed      = 4
	exitCancelled   = 5
	exitInterrupted = 130
)

// dispatch runs the command args name and returns the process exit code:
// 0 success (a job done) or help, 1 failure, 2 usage error, 3 a job that
// ended partial, 4 failed, 5 cancelled, 130 interrupted (SIGINT) before
// the job ended. Each call builds a fresh command tree, so it is safe to
// call repeatedly (tests do).
func dispatch(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRoot(stdin, stdout, stderr)
	if len(args) == 0 {
		root.InitDefaultHelpCmd()
		root.InitDefaultCompletionCmd()
		writeHelp(root, nil)
		return exitUsage
	}
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitDone
	}
	fmt.Fprintf(stderr, "%s: %v\n", commandPrefix(cmd), err)
	if cmd == root && errors.Is(err, errUsage) {
		fmt.Fprintln(stderr)
		printUsage(root)
	}
	return exitCode(err)
}

// exitCode is the exit code a command's error ends the process with.
func exitCode(err error) int {
	var partial *partialError
	var ended *endedError
	switch {
	case err == nil:
		return exitDone
	case errors.As(err, &partial):
		return exitPartial
	case errors.As(err, &ended):
		return ended.code
	case errors.Is(err, errUsage):
		return exitUsage
	default:
		return exitFailure
	}
}

// commandPrefix names the command an error came from, as its messages
// start: "synthdesk run", and for a subcommand its top command
// ("synthdesk rules" for rules eval).
func commandPrefix(cmd *cobra.Command) string {
	for cmd != nil && cmd.HasParent() && cmd.Parent().HasParent() {
		cmd = cmd.Parent()
	}
	if cmd == nil || !cmd.HasParent() {
		return "synthdesk"
	}
	return "synthdesk " + cmd.Name()
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
