package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

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
func (f *evalFlags) bind(fs *flag.FlagSet, prefix string) {
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

// cmdEval evaluates one or more datasets: trained on each, tested on a
// real sample, side by side with intervals on the differences to the first.
func cmdEval(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: synthdesk eval DATASET [DATASET...] [--real sample.csv] [flags]")
		fmt.Fprintln(stderr, "\nDATASET is a job folder (out/job_id=...), an output folder holding one job,")
		fmt.Fprintln(stderr, "an s3://bucket/prefix of either, or a Parquet part. Flags may follow the datasets.")
		fmt.Fprintln(stderr, "\nFlags:")
		fs.PrintDefaults()
	}
	var ef evalFlags
	ef.bind(fs, "")
	fs.Int64Var(&ef.seed, "seed", 1, "seed of the classifier, folds, samples and bootstrap")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	writeTexts := fs.String("write-texts", "", "also write the texts and intents of the first dataset used for training to this CSV (text,intent), for other tools")
	sets, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(sets) == 0 {
		return fmt.Errorf("%w: give at least one DATASET (a job folder, s3:// prefix or Parquet file)", errUsage)
	}
	if err := ef.validate(); err != nil {
		return err
	}
	real, err := ef.readReal()
	if err != nil {
		return err
	}
	s3, err := store.S3ConfigFromEnv(os.LookupEnv)
	if err != nil {
		return err
	}
	var ds []eval.Dataset
	for _, arg := range sets {
		d, _, err := loadDataset(ctx, arg, s3, ef.text, nil)
		if err != nil {
			return err
		}
		if len(d.Examples) == 0 {
			return fmt.Errorf("dataset %s: no rows with a customer turn", arg)
		}
		ds = append(ds, d)
	}
	if *writeTexts != "" {
		if err := writeTextsCSV(*writeTexts, ds[0].Examples); err != nil {
			return err
		}
	}
	rep, err := ef.evaluate(real, ds)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return writeEvalTable(stdout, rep)
}

// parseInterspersed parses flags that may come before, between or after
// the positional arguments, and returns the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
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
