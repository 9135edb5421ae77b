package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// classifyFlags are classify's flags.
type classifyFlags struct {
	in, textCol, taxFiles string
}

func newClassifyCmd() *cobra.Command {
	var o classifyFlags
	cmd := &cobra.Command{
		Use:   "classify --in FILE [flags]",
		Args:  noArgs,
		Short: "label texts from a CSV or JSONL file with the rules",
		RunE: func(c *cobra.Command, _ []string) error {
			return cmdClassify(c.Context(), &o, c.InOrStdin(), c.OutOrStdout())
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.in, "in", "", "CSV (with a header row) or JSONL file to classify; - reads stdin (required)")
	fs.StringVar(&o.textCol, "text-col", "text", "column or JSON field holding the text")
	fs.StringVar(&o.taxFiles, "taxonomy", "", "comma-separated taxonomy files (default: built-in taxonomy)")
	return cmd
}

// cmdClassify runs `synthdesk classify`: it labels every row of a CSV or
// JSONL file and writes one JSON object per row, in input order.
func cmdClassify(ctx context.Context, o *classifyFlags, stdin io.Reader, stdout io.Writer) error {
	if o.in == "" {
		return fmt.Errorf("classify: --in is required (a file, or - for stdin)")
	}
	eng, err := loadEngine(o.taxFiles)
	if err != nil {
		return fmt.Errorf("classify: %w", err)
	}
	data, err := readInput(o.in, stdin)
	if err != nil {
		return fmt.Errorf("classify: %w", err)
	}
	texts, err := inputTexts(o.in, data, o.textCol)
	if err != nil {
		return fmt.Errorf("classify %s: %w", o.in, err)
	}
	w := bufio.NewWriter(stdout)
	enc := json.NewEncoder(w)
	for i, t := range texts {
		if i%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		r := eng.ClassifyText(t)
		row := struct {
			Intent     string  `json:"intent"`
			Confidence float64 `json:"confidence"`
			RunnerUp   string  `json:"runner_up"`
			Margin     float64 `json:"margin"`
		}{r.Intent, r.Confidence, r.RunnerUp, r.Margin}
		if err := enc.Encode(row); err != nil {
			return fmt.Errorf("classify: %w", err)
		}
	}
	return w.Flush()
}

func readInput(path string, stdin io.Reader) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(stdin)
	}
	return os.ReadFile(path)
}

// inputTexts picks the format by extension, else by content: a first
// non-blank byte '{' means JSONL.
func inputTexts(path string, data []byte, col string) ([]string, error) {
	jsonl := strings.HasSuffix(path, ".jsonl") || strings.HasSuffix(path, ".json") || strings.HasSuffix(path, ".ndjson")
	if !strings.HasSuffix(path, ".csv") && !jsonl {
		jsonl = bytes.HasPrefix(bytes.TrimSpace(data), []byte("{"))
	}
	if !jsonl {
		rows, err := readCSV(bytes.NewReader(data), col)
		if err != nil {
			return nil, err
		}
		out := make([]string, len(rows))
		for i, r := range rows {
			out[i] = r[0]
		}
		return out, nil
	}
	var out []string
	for n, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var obj map[string]any
		if err := json.Unmarshal(line, &obj); err != nil {
			return nil, fmt.Errorf("line %d: %w", n+1, err)
		}
		s, ok := obj[col].(string)
		if !ok {
			return nil, fmt.Errorf("line %d: no string field %q", n+1, col)
		}
		out = append(out, s)
	}
	return out, nil
}
