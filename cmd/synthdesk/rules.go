package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/synthdesk/synthdesk/pkg/rules"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// defaultCalibrationPath is where `rules calibrate` writes when run from
// the repository root without --out.
const defaultCalibrationPath = "pkg/taxonomy/default/calibration.yaml"

// rulesUsage shows the subcommands of rules.
const rulesUsage = `  synthdesk rules eval --data FILE.csv [--text-col text] [--label-col intent] [--taxonomy a.yaml,b.yaml] [--json]
  synthdesk rules calibrate --data FILE.csv [--out calibration.yaml] [--taxonomy ...]`

// newRulesCmd builds `synthdesk rules eval|calibrate`; rules alone says
// which subcommand to give.
func newRulesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "rules",
		Short:   "evaluate (eval) or calibrate (calibrate) the rules on labeled data",
		Example: rulesUsage,
		RunE:    rulesSubcommand,
	}
	cmd.AddCommand(newRulesEvalCmd(), newRulesCalibrateCmd())
	return cmd
}

// rulesSubcommand runs when rules is given no known subcommand.
func rulesSubcommand(c *cobra.Command, args []string) error {
	if len(args) > 0 && args[0] == "help" {
		return c.Help()
	}
	if len(args) > 0 {
		return fmt.Errorf("rules: unknown subcommand %q; use eval or calibrate", args[0])
	}
	fmt.Fprintln(c.ErrOrStderr(), "usage:\n"+rulesUsage)
	return errors.New("rules: a subcommand is required: eval or calibrate")
}

// dataFlags are the flags shared by eval and calibrate.
type dataFlags struct {
	data, textCol, labelCol, taxonomy string
}

func (d *dataFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&d.data, "data", "", "labeled CSV file with a header row (required)")
	fs.StringVar(&d.textCol, "text-col", "text", "column holding the text")
	fs.StringVar(&d.labelCol, "label-col", "intent", "column holding the intent label")
	fs.StringVar(&d.taxonomy, "taxonomy", "", "comma-separated taxonomy files (default: built-in taxonomy)")
}

func (d *dataFlags) load() (*rules.Engine, []rules.Example, error) {
	if d.data == "" {
		return nil, nil, errors.New("--data is required")
	}
	eng, err := loadEngine(d.taxonomy)
	if err != nil {
		return nil, nil, err
	}
	exs, err := readLabeled(d.data, d.textCol, d.labelCol)
	return eng, exs, err
}

// rulesEvalFlags are rules eval's flags.
type rulesEvalFlags struct {
	d      dataFlags
	asJSON bool
	top    int
}

func newRulesEvalCmd() *cobra.Command {
	var o rulesEvalFlags
	cmd := &cobra.Command{
		Use:   "eval --data FILE.csv [flags]",
		Args:  noArgs,
		Short: "report the rules' accuracy, calibration, confusions and weakest rules on labeled data",
		RunE: func(c *cobra.Command, _ []string) error {
			return rulesEval(&o, c.OutOrStdout())
		},
	}
	fs := cmd.Flags()
	o.d.register(fs)
	fs.BoolVar(&o.asJSON, "json", false, "write the report as JSON")
	fs.IntVar(&o.top, "top", 10, "confusions and least accurate rules to show")
	return cmd
}

func rulesEval(o *rulesEvalFlags, stdout io.Writer) error {
	d := &o.d
	eng, exs, err := d.load()
	if err != nil {
		return fmt.Errorf("rules eval: %w", err)
	}
	rep := eng.Evaluate(exs)
	rep.Rules = eng.Diagnostics(exs)
	if o.asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printReport(stdout, eng, rep, o.top)
	return nil
}

func printReport(w io.Writer, eng *rules.Engine, r rules.Report, top int) {
	fmt.Fprintf(w, "engine %s\nexamples %d\naccuracy %.4f\nmacro_f1 %.4f\nece %.4f\nabstain_rate %.4f\n\n",
		eng.Version(), r.Examples, r.Accuracy, r.MacroF1, r.ECE, r.AbstainRate)
	fmt.Fprintf(w, "%-26s %7s %9s %7s %7s\n", "intent", "support", "precision", "recall", "f1")
	for _, m := range r.PerIntent {
		fmt.Fprintf(w, "%-26s %7d %9.3f %7.3f %7.3f\n", m.Intent, m.Support, m.Precision, m.Recall, m.F1)
	}
	fmt.Fprintln(w, "\ntop confusions (label -> predicted)")
	for _, c := range r.Confusions[:min(top, len(r.Confusions))] {
		fmt.Fprintf(w, "  %4d  %s -> %s\n", c.Count, c.Label, c.Predicted)
	}
	fmt.Fprintf(w, "\nrules: %d fired; least accurate (fires, coverage, overlap, conflict, accuracy)\n", len(r.Rules))
	for _, s := range r.Rules[:min(top, len(r.Rules))] {
		fmt.Fprintf(w, "  %-24s %-32q %4d %.3f %.3f %.3f %.3f\n", s.Intent, s.Rule, s.Fires, s.Coverage, s.Overlap, s.Conflict, s.Accuracy)
	}
}

// rulesCalibrateFlags are rules calibrate's flags.
type rulesCalibrateFlags struct {
	d   dataFlags
	out string
}

func newRulesCalibrateCmd() *cobra.Command {
	var o rulesCalibrateFlags
	cmd := &cobra.Command{
		Use:   "calibrate --data FILE.csv [flags]",
		Args:  noArgs,
		Short: "fit the rules' confidence calibration on labeled data and write it as YAML",
		RunE: func(c *cobra.Command, _ []string) error {
			return rulesCalibrate(&o, c.OutOrStdout())
		},
	}
	fs := cmd.Flags()
	o.d.register(fs)
	fs.StringVar(&o.out, "out", "", "calibration YAML to write (default "+defaultCalibrationPath+" when run from the repository root)")
	return cmd
}

func rulesCalibrate(o *rulesCalibrateFlags, stdout io.Writer) error {
	d := &o.d
	path := o.out
	if path == "" {
		if _, err := os.Stat(filepath.Dir(defaultCalibrationPath)); err != nil {
			return errors.New("rules calibrate: --out is required outside the repository root")
		}
		path = defaultCalibrationPath
	}
	eng, exs, err := d.load()
	if err != nil {
		return fmt.Errorf("rules calibrate: %w", err)
	}
	cal, err := eng.Calibrate(exs)
	if err != nil {
		return fmt.Errorf("rules calibrate: %w", err)
	}
	if err := os.WriteFile(path, calibrationYAML(cal, len(exs)), 0o644); err != nil {
		return fmt.Errorf("rules calibrate: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %s: temperature %v, threshold %v (%d examples)\n", path, cal.Temperature, cal.Threshold, len(exs))
	return nil
}

// calibrationYAML renders a calibration document that the taxonomy loader
// merges (a top-level calibration section).
func calibrationYAML(c taxonomy.Calibration, n int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# Rule calibration fitted by `synthdesk rules calibrate` on %d labeled examples.\n", n)
	fmt.Fprintf(&b, "calibration:\n  temperature: %v\n  threshold: %v\n", c.Temperature, c.Threshold)
	if len(c.TurnWeights) > 0 {
		fmt.Fprintf(&b, "  turn_weights: %s\n", strings.Join(strings.Fields(fmt.Sprint(c.TurnWeights)), ", "))
	}
	if c.AgentWeight != 0 {
		fmt.Fprintf(&b, "  agent_weight: %v\n", c.AgentWeight)
	}
	if c.NegationWindow != 0 {
		fmt.Fprintf(&b, "  negation_window: %d\n", c.NegationWindow)
	}
	return []byte(b.String())
}

// loadEngine compiles the taxonomy files of a comma-separated list (none
// means the built-in taxonomy).
func loadEngine(list string) (*rules.Engine, error) {
	var files []string
	for _, f := range strings.Split(list, ",") {
		if f = strings.TrimSpace(f); f != "" {
			files = append(files, f)
		}
	}
	tax, err := taxonomy.Load(files...)
	if err != nil {
		return nil, err
	}
	return rules.Compile(tax)
}

// readLabeled reads text and label columns of a CSV file with a header.
func readLabeled(path, textCol, labelCol string) ([]rules.Example, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := readCSV(f, textCol, labelCol)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	exs := make([]rules.Example, len(rows))
	for i, r := range rows {
		exs[i] = rules.Example{Text: r[0], Label: r[1]}
	}
	return exs, nil
}

// readCSV returns the named columns of every row of a CSV with a header.
func readCSV(r io.Reader, cols ...string) ([][]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("reading the header row: %w", err)
	}
	idx := make([]int, len(cols))
	for i, c := range cols {
		idx[i] = -1
		for j, h := range head {
			if strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")) == c {
				idx[i] = j
			}
		}
		if idx[i] < 0 {
			return nil, fmt.Errorf("no column %q in the header %v", c, head)
		}
	}
	var out [][]string
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		row := make([]string, len(cols))
		for i, j := range idx {
			if j >= len(rec) {
				return nil, fmt.Errorf("line %d: missing column %q", line, cols[i])
			}
			row[i] = rec[j]
		}
		out = append(out, row)
	}
}
