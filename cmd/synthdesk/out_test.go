package main

import (
	"io"
	"path/filepath"
	"testing"

	"github.com/spf13/pflag"
)

// run resolves a relative --out in the working folder; submit sends it as
// given, for the cluster to place inside its output root.
func TestRelativeOutput(t *testing.T) {
	for _, tc := range []struct {
		name   string
		remote bool
		want   func() string
	}{
		{"run", false, func() string { abs, _ := filepath.Abs("team/run1"); return abs }},
		{"submit", true, func() string { return "team/run1" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := pflag.NewFlagSet(tc.name, pflag.ContinueOnError)
			fs.SetOutput(io.Discard)
			rf := requestFlags{remote: tc.remote}
			rf.bind(fs, tc.remote)
			if err := fs.Parse([]string{"--out", "team/run1"}); err != nil {
				t.Fatal(err)
			}
			req, err := rf.build(fs)
			if err != nil {
				t.Fatal(err)
			}
			if req.Output != tc.want() {
				t.Errorf("output %q, want %q", req.Output, tc.want())
			}
		})
	}
}
