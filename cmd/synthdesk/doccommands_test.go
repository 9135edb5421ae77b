package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/spf13/cobra"
)

// TestDocumentedCommandsCovered reads every `synthdesk` command line in the
// shell blocks of README.md and docs/*.md and requires, for each, that its
// command exists, that every flag it uses is in that command's --help, and
// that some script in testdata/script runs the same command with each of
// those flags. A documented command no script runs, or a documented flag
// that disappears, fails here.
func TestDocumentedCommandsCovered(t *testing.T) {
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	files = append([]string{filepath.Join(root, "README.md")}, files...)
	var documented []docCommand
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, f)
		documented = append(documented, documentedCommands(rel, string(b))...)
	}
	// README alone shows a dozen commands; finding fewer means the
	// extraction broke, not that the docs shrank.
	if n := countFrom(documented, "README.md"); n < 10 {
		t.Fatalf("found %d synthdesk commands in README.md's shell blocks, want at least 10: %v", n, documented)
	}

	covered, err := scriptCoverage(filepath.Join("testdata", "script"))
	if err != nil {
		t.Fatal(err)
	}
	helps := map[string]string{}
	for _, d := range documented {
		t.Logf("%s: synthdesk %s %v", d.where, strings.Join(d.path, " "), d.flags)
		key := strings.Join(d.path, " ")
		if !isCommand(d.path[0]) {
			t.Errorf("%s: `synthdesk %s` is documented but there is no such command (synthdesk --help lists %s)", d.where, d.path[0], commandNames())
			continue
		}
		help, ok := helps[key]
		if !ok {
			help = helpText(d.path)
			helps[key] = help
			if strings.Contains(help, "--help panicked") {
				t.Errorf("%s: %s", d.where, help)
			}
		}
		flags, ok := covered[key]
		if !ok {
			t.Errorf("%s: `synthdesk %s` is documented but no script in testdata/script runs it; add one", d.where, key)
		}
		for _, f := range d.flags {
			if !helpLists(help, f) && !strings.Contains(help, "--help panicked") {
				t.Errorf("%s: `synthdesk %s --%s` is documented but `synthdesk %s --help` does not list -%s: update the docs or restore the flag", d.where, key, f, key, f)
			}
			if ok && !flags[f] {
				t.Errorf("%s: `synthdesk %s --%s` is documented but no script in testdata/script runs `synthdesk %s` with --%s; add it to a script", d.where, key, f, key, f)
			}
		}
	}
}

// docCommand is one documented command line.
type docCommand struct {
	where string   // file:line
	path  []string // command and subcommand: ["rules", "eval"]
	flags []string // flag names without dashes, in order
}

func (d docCommand) String() string {
	return d.where + ": synthdesk " + strings.Join(d.path, " ")
}

func countFrom(ds []docCommand, file string) int {
	n := 0
	for _, d := range ds {
		if strings.HasPrefix(d.where, file+":") {
			n++
		}
	}
	return n
}

// shellLangs are the info strings of fenced blocks read as shell; an
// unlabelled block counts too.
var shellLangs = map[string]bool{"": true, "sh": true, "bash": true, "shell": true, "console": true}

// documentedCommands returns the synthdesk command lines of a Markdown
// file's shell blocks, continuation lines joined.
func documentedCommands(file, md string) []docCommand {
	var out []docCommand
	lines := strings.Split(md, "\n")
	inBlock, shell := false, false
	fence := ""
	for i := 0; i < len(lines); i++ {
		trimmed := strings.TrimSpace(lines[i])
		if !inBlock {
			if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
				inBlock, fence = true, trimmed[:3]
				lang := strings.TrimSpace(strings.TrimLeft(trimmed, "`~"))
				if f := strings.Fields(lang); len(f) > 0 {
					lang = f[0]
				}
				shell = shellLangs[lang]
			}
			continue
		}
		if strings.HasPrefix(trimmed, fence) {
			inBlock = false
			continue
		}
		if !shell {
			continue
		}
		start := i
		line := trimmed
		for strings.HasSuffix(line, `\`) && i+1 < len(lines) {
			i++
			line = strings.TrimSuffix(line, `\`) + " " + strings.TrimSpace(lines[i])
		}
		if args, ok := synthdeskArgs(shellWords(strings.TrimPrefix(line, "$ "))); ok {
			if d, ok := parseDocArgs(args); ok {
				d.where = fmt.Sprintf("%s:%d", file, start+1)
				out = append(out, d)
			}
		}
	}
	return out
}

var envAssign = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

// synthdeskArgs returns the arguments of a synthdesk invocation: words
// after `synthdesk`, `./bin/synthdesk` or `go run ./cmd/synthdesk`, once
// leading variable assignments and a `time` wrapper are skipped, up to the
// first redirection, pipe, background or comment.
func synthdeskArgs(words []string) ([]string, bool) {
	for len(words) > 0 && envAssign.MatchString(words[0]) {
		words = words[1:]
	}
	if len(words) > 0 && (words[0] == "time" || words[0] == "/usr/bin/time") {
		words = words[1:]
		for len(words) > 0 && strings.HasPrefix(words[0], "-") {
			words = words[1:]
		}
	}
	switch {
	case len(words) >= 3 && words[0] == "go" && words[1] == "run" && strings.TrimSuffix(words[2], "/") == "./cmd/synthdesk":
		words = words[3:]
	case len(words) >= 1 && (words[0] == "synthdesk" || strings.HasSuffix(words[0], "/synthdesk")):
		words = words[1:]
	default:
		return nil, false
	}
	var args []string
	for _, w := range words {
		if isTerminator(w) {
			break
		}
		args = append(args, w)
	}
	return args, true
}

func isTerminator(w string) bool {
	switch w {
	case "|", "||", "&", "&&", ";", "<":
		return true
	}
	return strings.HasPrefix(w, ">") || strings.HasPrefix(w, "2>") || strings.HasPrefix(w, "#")
}

// shellWords splits a line into words with shell quoting (single and double
// quotes, backslash escapes); good enough for documentation lines.
func shellWords(s string) []string {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case unicode.IsSpace(r):
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// parseDocArgs splits a documented command's arguments into its command
// path and flags. Optional parts written [--flag value] count as flags.
// An argument that is a placeholder (<command>) makes it no command.
func parseDocArgs(args []string) (docCommand, bool) {
	var d docCommand
	if len(args) == 0 || strings.HasPrefix(args[0], "-") || strings.ContainsAny(args[0], "<>[]") {
		return d, false // `synthdesk --help`, `synthdesk <command> --help`
	}
	d.path = []string{args[0]}
	rest := args[1:]
	if len(rest) > 0 && isSubcommand(args[0], rest[0]) {
		d.path = append(d.path, rest[0])
		rest = rest[1:]
	}
	d.flags = flagNames(rest)
	return d, true
}

// flagNames are the names of the flags among args: -x, --x, --x=v, [--x.
func flagNames(args []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, a := range args {
		a = strings.TrimLeft(a, "[")
		if !strings.HasPrefix(a, "-") || a == "-" || a == "--" {
			continue
		}
		name := strings.TrimLeft(a, "-")
		name, _, _ = strings.Cut(name, "=")
		name = strings.TrimRight(name, "]")
		if name == "" || !unicode.IsLetter(rune(name[0])) || seen[name] {
			continue // -1 is a value, not a flag
		}
		seen[name] = true
		out = append(out, name)
	}
	return out
}

var lowerWord = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

// isSubcommand tells whether word is a subcommand of cmd in the command
// tree (`synthdesk rules eval`).
func isSubcommand(cmd, word string) bool {
	if !lowerWord.MatchString(word) || !isCommand(cmd) {
		return false
	}
	sub, _, err := cliTree().Find([]string{cmd, word})
	return err == nil && sub.Name() == word && sub.Parent().Name() == cmd
}

// isCommand tells whether name is a command of synthdesk, cobra's own
// (help, completion) included.
func isCommand(name string) bool {
	for _, c := range cliTree().Commands() {
		if c.Name() == name {
			return true
		}
	}
	return false
}

func commandNames() string {
	var names []string
	for _, c := range cliTree().Commands() {
		names = append(names, c.Name())
	}
	return strings.Join(names, ", ")
}

// cliTree is the command tree as a run sees it, cobra's help and
// completion commands included, its output discarded.
func cliTree() *cobra.Command {
	root := newRoot(strings.NewReader(""), io.Discard, io.Discard)
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	return root
}

// helpText is what `synthdesk PATH --help` prints; a command that panics
// on --help yields the panic, which lists no flag.
func helpText(path []string) (text string) {
	var out, errOut bytes.Buffer
	defer func() {
		if r := recover(); r != nil {
			text = fmt.Sprintf("synthdesk %s --help panicked: %v", strings.Join(path, " "), r)
		}
	}()
	args := append(append([]string{}, path...), "--help")
	dispatch(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return out.String() + errOut.String()
}

// helpLists tells whether a flag set's help lists the flag: cobra lists
// "  -h, --help", "      --out string" and "      --wait[=true|false]".
func helpLists(help, flag string) bool {
	return regexp.MustCompile(`(?m)^\s+(-[a-zA-Z], )?--?` + regexp.QuoteMeta(flag) + `(\s|$|=|\[)`).MatchString(help)
}

// scriptCoverage returns, per command path run by a script ("run",
// "rules eval"), the flags the scripts give it.
func scriptCoverage(dir string) (map[string]map[string]bool, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no scripts in %s", dir)
	}
	sort.Strings(files)
	covered := map[string]map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "-- ") {
				break // the script ends where the archive's files begin
			}
			words := shellWords(line)
			for len(words) > 0 && (words[0] == "!" || words[0] == "?" || words[0] == "exec" ||
				strings.HasPrefix(words[0], "[") && strings.HasSuffix(words[0], "]")) {
				words = words[1:]
			}
			if len(words) == 0 || words[0] != "synthdesk" {
				continue
			}
			var args []string
			for _, w := range words[1:] {
				if isTerminator(w) || strings.HasPrefix(w, "&") {
					break
				}
				args = append(args, w)
			}
			d, ok := parseDocArgs(args)
			if !ok {
				continue
			}
			key := strings.Join(d.path, " ")
			if covered[key] == nil {
				covered[key] = map[string]bool{}
			}
			for _, fl := range d.flags {
				covered[key][fl] = true
			}
		}
	}
	return covered, nil
}

// TestDocumentedCommandsExtract checks the extraction on the forms the docs
// use: variables before the command, continuation lines, comments,
// redirections, `go run`, optional flags in brackets, and blocks that are
// not shell.
func TestDocumentedCommandsExtract(t *testing.T) {
	md := "text `synthdesk run --inline` is prose\n" +
		"```sh\n" +
		"# a comment\n" +
		"go run ./cmd/synthdesk run --samples 10 --out ./out    # the main job\n" +
		"AWS_ACCESS_KEY_ID=... SYNTHDESK_S3_ENDPOINT=http://x:9000 \\\n" +
		"  synthdesk run --samples=5 \\\n" +
		"  --out s3://b/p\n" +
		"synthdesk classify --in texts.csv --text-col text > labels.jsonl\n" +
		"synthdesk llm-sim --port 1 --faults all &\n" +
		"/usr/bin/time -v ./bin/synthdesk run --seed 7 [--mem-limit-mib 0]\n" +
		"synthdesk rules eval --data 'a b.csv' --json\n" +
		"synthdesk <command> --help\n" +
		"go build -o bin/synthdesk ./cmd/synthdesk\n" +
		"```\n" +
		"```go\n" +
		"synthdesk run --not-shell\n" +
		"```\n" +
		"```\n" +
		"synthdesk status --watch <job-id>\n" +
		"```\n"
	var got []string
	for _, d := range documentedCommands("x.md", md) {
		got = append(got, fmt.Sprintf("%s %s %s", d.where, strings.Join(d.path, " "), strings.Join(d.flags, ",")))
	}
	want := []string{
		"x.md:4 run samples,out",
		"x.md:5 run samples,out",
		"x.md:8 classify in,text-col",
		"x.md:9 llm-sim port,faults",
		"x.md:10 run seed,mem-limit-mib",
		"x.md:11 rules eval data,json",
		"x.md:19 status watch",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("extracted:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestHelpLists checks the flag lookup in help output both ways.
func TestHelpLists(t *testing.T) {
	help := helpText([]string{"rules", "eval"})
	for _, f := range []string{"data", "json", "text-col"} {
		if !helpLists(help, f) {
			t.Errorf("rules eval --help does not list -%s:\n%s", f, help)
		}
	}
	for _, f := range []string{"dat", "no-such-flag"} {
		if helpLists(help, f) {
			t.Errorf("rules eval --help lists -%s:\n%s", f, help)
		}
	}
}
