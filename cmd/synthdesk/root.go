package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// newRoot builds the command tree. Results go to stdout; help, usage,
// progress and errors go to stderr. Cobra prints no error itself: dispatch
// reports it, with the command's name, and picks the exit code.
func newRoot(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use: "synthdesk",
		Long: "synthdesk manufactures labeled synthetic customer-service conversations.\n\n" +
			"`synthdesk <command> --help` (or `synthdesk help <command>`) lists a command's flags;\n" +
			"`synthdesk completion bash|zsh|fish|powershell` prints a shell completion script.",
		// Runnable only to report an unknown command the project's way.
		Args:          cobra.ArbitraryArgs,
		RunE:          unknownCommand,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetHelpFunc(writeHelp)
	root.SetFlagErrorFunc(flagError)
	root.AddCommand(
		newRunCmd(),
		newSubmitCmd(),
		newStatusCmd(),
		newAdminCmd(),
		newEvalCmd(),
		newCancelCmd(),
		newClassifyCmd(),
		newRulesCmd(),
		newLLMSimCmd(),
	)
	return root
}

// unknownCommand is the root's run: any argument there is a command that
// does not exist (flags and --help are handled before).
func unknownCommand(_ *cobra.Command, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: give a command", errUsage)
	}
	return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
}

// writeHelp writes a command's help to stderr, like its usage, so stdout
// carries only a command's results.
func writeHelp(c *cobra.Command, _ []string) {
	w := c.ErrOrStderr()
	if s := strings.TrimRightFunc(cmp.Or(c.Long, c.Short), unicode.IsSpace); s != "" {
		fmt.Fprintf(w, "%s\n\n", s)
	}
	fmt.Fprint(w, c.UsageString())
}

// printUsage writes a command's usage (its flags and subcommands) to
// stderr.
func printUsage(c *cobra.Command) {
	fmt.Fprint(c.ErrOrStderr(), c.UsageString())
}

// flagError marks a flag the command line got wrong as a usage error. A
// long flag given with one dash, the syntax of Go's flag package
// (-samples), is read as shorthands; the message then names the
// two-dash spelling.
func flagError(c *cobra.Command, err error) error {
	var notExist *pflag.NotExistError
	if errors.As(err, &notExist) {
		name, _, _ := strings.Cut(notExist.GetSpecifiedShortnames(), "=")
		if len(name) > 1 && c.Flags().Lookup(name) != nil {
			return fmt.Errorf("%w: %w; long flags take two dashes: --%s", errUsage, err, name)
		}
	}
	return fmt.Errorf("%w: %w", errUsage, err)
}

// addGoFlags adds flags bound on a Go flag set (the binders of
// pkg/service, which the services share) to a command's flags. A name
// already there is a programming error: pflag would silently keep the
// first, so it panics instead, as pflag does for its own flags.
func addGoFlags(fs *pflag.FlagSet, goFlags *flag.FlagSet) {
	goFlags.VisitAll(func(f *flag.Flag) {
		if fs.Lookup(f.Name) != nil {
			panic(fmt.Sprintf("%s flag redefined: %s", fs.Name(), f.Name))
		}
	})
	fs.AddGoFlagSet(goFlags)
}
