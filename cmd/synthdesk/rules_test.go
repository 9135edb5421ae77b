package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

const labeledCSV = `text,intent,category
"please cancel my order 12345678",cancel_order,ORDER
where is my package,track_order,ORDER
do you accept paypal,check_payment_methods,PAYMENT
"I forgot my password, help",recover_password,ACCOUNT
good morning,review,FEEDBACK
`

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestClassifyFormats(t *testing.T) {
	tests := []struct {
		name, file, content, stdin string
		args                       []string
		want                       []string
	}{
		{name: "csv", file: "in.csv", content: labeledCSV, want: []string{"cancel_order", "track_order", "check_payment_methods", "recover_password", "unknown"}},
		{name: "jsonl by content", file: "in.txt", content: "{\"msg\":\"reset my password\"}\n\n{\"msg\":\"do you ship to Peru\"}\n", args: []string{"--text-col", "msg"}, want: []string{"recover_password", "delivery_options"}},
		{name: "stdin csv", stdin: "text\ncancel my order\n", want: []string{"cancel_order"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := "-"
			if tt.file != "" {
				in = writeFile(t, tt.file, tt.content)
			}
			var out, errb bytes.Buffer
			err := execute(context.Background(), "classify", append([]string{"--in", in}, tt.args...), strings.NewReader(tt.stdin), &out, &errb)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			sc := bufio.NewScanner(&out)
			for sc.Scan() {
				var row map[string]any
				if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
					t.Fatal(err)
				}
				for _, k := range []string{"intent", "confidence", "runner_up", "margin"} {
					if _, ok := row[k]; !ok {
						t.Errorf("row %v lacks %q", row, k)
					}
				}
				got = append(got, row["intent"].(string))
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("intents %v, want %v", got, tt.want)
			}
		})
	}
}

func TestClassifyErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{name: "no input", args: nil},
		{name: "missing file", args: []string{"--in", filepath.Join(t.TempDir(), "nope.csv")}},
		{name: "missing column", args: []string{"--in", writeFile(t, "x.csv", "body\nhi\n")}},
		{name: "bad jsonl", args: []string{"--in", writeFile(t, "x.jsonl", "{oops\n")}},
		{name: "bad taxonomy", args: []string{"--in", writeFile(t, "y.csv", labeledCSV), "--taxonomy", "/nonexistent.yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if err := execute(context.Background(), "classify", tt.args, strings.NewReader(""), &out, &errb); err == nil {
				t.Error("want an error")
			}
		})
	}
}

func TestRulesEval(t *testing.T) {
	data := writeFile(t, "dev.csv", labeledCSV)
	var out, errb bytes.Buffer
	if err := execute(context.Background(), "rules", []string{"eval", "--data", data, "--json"}, nil, &out, &errb); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Examples    int     `json:"examples"`
		Accuracy    float64 `json:"accuracy"`
		AbstainRate float64 `json:"abstain_rate"`
		Rules       []any   `json:"rules"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Examples != 5 || rep.Accuracy != 0.8 || rep.AbstainRate != 0.2 || len(rep.Rules) == 0 {
		t.Errorf("report %+v", rep)
	}
	out.Reset()
	if err := execute(context.Background(), "rules", []string{"eval", "--data", data}, nil, &out, &errb); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"accuracy 0.8000", "macro_f1", "ece", "top confusions", "review -> unknown"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRulesCalibrate(t *testing.T) {
	data := writeFile(t, "dev.csv", labeledCSV)
	dst := filepath.Join(t.TempDir(), "cal.yaml")
	var out, errb bytes.Buffer
	if err := execute(context.Background(), "rules", []string{"calibrate", "--data", data, "--out", dst}, nil, &out, &errb); err != nil {
		t.Fatal(err)
	}
	intents := writeFile(t, "intents.yaml", "extends: default\n")
	tax, err := taxonomy.Load(intents, dst)
	if err != nil {
		t.Fatalf("written calibration does not load: %v", err)
	}
	if !(tax.Calibration.Temperature > 0) {
		t.Errorf("calibration %+v", tax.Calibration)
	}
}

func TestRulesUsage(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr bool
	}{
		{name: "no subcommand", wantErr: true},
		{name: "unknown", args: []string{"frobnicate"}, wantErr: true},
		{name: "help", args: []string{"--help"}},
		{name: "eval help", args: []string{"eval", "--help"}},
		{name: "eval without data", args: []string{"eval"}, wantErr: true},
		{name: "calibrate without data", args: []string{"calibrate", "--out", "x.yaml"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			err := execute(context.Background(), "rules", tt.args, nil, &out, &errb)
			if (err != nil) != tt.wantErr {
				t.Errorf("err = %v, want error %v", err, tt.wantErr)
			}
		})
	}
}
