package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/synthdesk/synthdesk/pkg/eval"
	"github.com/synthdesk/synthdesk/pkg/store"
)

// evalFlags are the settings of an evaluation, shared by eval and
// run --eval-real.
type evalFlags struct {
	real, textCol, labelCol, text string
	seed                          int64
	folds, resamples, maxTrain    int
}

// bind registers the flags, each name prefixed (run uses "eval-"); the
// real sample's flag is prefix+real.
func (f *evalFlags) bind(fs *pflag.FlagSet, prefix string) {
	f.seed = 1
	fs.StringVar(&f.real, prefix+"real", "", "CSV of labeled real requests to test on (train on synthetic, test on real)")
	fs.StringVar(&f.textCol, prefix+"text-col", "text", "column of the real CSV holding the text")
	fs.StringVar(&f.labelCol, prefix+"label-col", "intent", "column of the real CSV holding the intent")
	fs.StringVar(&f.text, prefix+"text", "first", "synthetic text to train on: first (first customer turn) or customer (all customer turns)")
	fs.IntVar(&f.folds, prefix+"folds", 5, "folds of the cross-validation on the real sample (the ceiling)")
	fs.IntVar(&f.resamples, prefix+"resamples", 1000, "bootstrap resamples of the interval on macro-F1 differences")
	fs.IntVar(&f.maxTrain, prefix+"max-train", eval.DefaultMaxTrain, "train on at most this many synthetic rows, sampled with the seed (-1: all)")
}

func (f *evalFlags) validate() error {
	if f.text != "first" && f.text != "customer" {
		return fmt.Errorf("%w: --text %q is not first or customer", errUsage, f.text)
	}
	if f.folds < 2 {
		return fmt.Errorf("%w: --folds must be at least 2, got %d", errUsage, f.folds)
	}
	if f.maxTrain < -1 || f.maxTrain == 0 {
		return fmt.Errorf("%w: --max-train must be positive, or -1 for every row, got %d", errUsage, f.maxTrain)
	}
	if f.resamples < 1 {
		return fmt.Errorf("%w: --resamples must be at least 1, got %d", errUsage, f.resamples)
	}
	return nil
}

// evaluate runs the evaluation and records its settings in the report.
func (f *evalFlags) evaluate(real []eval.Example, ds []eval.Dataset) (eval.Report, error) {
	rep, err := eval.Evaluate(real, ds, eval.Options{Seed: f.seed, Folds: f.folds, Resamples: f.resamples, MaxTrain: f.maxTrain})
	if err != nil {
		return rep, err
	}
	rep.Text = f.text
	if rep.Real != nil {
		rep.Real.Source = f.real
	}
	return rep, nil
}

// readReal reads the real sample, or returns nil without --real.
func (f *evalFlags) readReal() ([]eval.Example, error) {
	if f.real == "" {
		return nil, nil
	}
	file, err := os.Open(f.real)
	if err != nil {
		return nil, fmt.Errorf("real sample: %w", err)
	}
	defer file.Close()
	xs, err := eval.ReadCSV(file, f.textCol, f.labelCol)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.real, err)
	}
	return xs, nil
}

// evalCmdFlags are eval's flags: the evaluation's and its output's.
type evalCmdFlags struct {
	ef         evalFlags
	asJSON     bool
	writeTexts string
}

func newEvalCmd() *cobra.Command {
	var o evalCmdFlags
	cmd := &cobra.Command{
		Use:   "eval DATASET [DATASET...] [--real sample.csv] [flags]",
		Short: "measure datasets: train on synthetic, test on real requests; diversity, memorization, A/B",
		Long: "measure datasets: train on synthetic, test on real requests; diversity, memorization, A/B\n\n" +
			"DATASET is a job folder (out/job_id=...), an output folder holding one job,\n" +
			"an s3://bucket/prefix of either, or a Parquet part. Flags may follow the datasets.",
		RunE: func(c *cobra.Command, args []string) error {
			return cmdEval(c.Context(), &o, args, c.OutOrStdout())
		},
	}
	fs := cmd.Flags()
	o.ef.bind(fs, "")
	fs.Int64Var(&o.ef.seed, "seed", 1, "seed of the classifier, folds, samples and bootstrap")
	fs.BoolVar(&o.asJSON, "json", false, "print the report as JSON")
	fs.StringVar(&o.writeTexts, "write-texts", "", "also write the texts and intents of the first dataset used for training to this CSV (text,intent), for other tools")
	return cmd
}

// cmdEval evaluates one or more datasets: trained on each, tested on a
// real sample, side by side with intervals on the differences to the first.
// Flags may come before, between or after the datasets.
func cmdEval(ctx context.Context, o *evalCmdFlags, sets []string, stdout io.Writer) error {
	if len(sets) == 0 {
		return fmt.Errorf("%w: give at least one DATASET (a job folder, s3:// prefix or Parquet file)", errUsage)
	}
	if err := o.ef.validate(); err != nil {
		return err
	}
	real, err := o.ef.readReal()
	if err != nil {
		return err
	}
	s3, err := store.S3ConfigFromEnv(os.LookupEnv)
	if err != nil {
		return err
	}
	var ds []eval.Dataset
	for _, arg := range sets {
		d, _, err := loadDataset(ctx, arg, s3, o.ef.text, nil)
		if err != nil {
			return err
		}
		if len(d.Examples) == 0 {
			return fmt.Errorf("dataset %s: no rows with a customer turn", arg)
		}
		ds = append(ds, d)
	}
	if o.writeTexts != "" {
		if err := writeTextsCSV(o.writeTexts, ds[0].Examples); err != nil {
			return err
		}
	}
	rep, err := o.ef.evaluate(real, ds)
	if err != nil {
		return err
	}
	if o.asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return writeEvalTable(stdout, rep)
}

func writeTextsCSV(path string, xs []eval.Example) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("--write-texts: %w", err)
	}
	w := csv.NewWriter(f)
	_ = w.Write([]string{"text", "intent"})
	for _, x := range xs {
		_ = w.Write([]string{x.Text, x.Label})
	}
	w.Flush()
	return errors.Join(w.Error(), f.Close())
}
