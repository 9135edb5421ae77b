package service

import (
	"flag"

	"io"
	"slices"
	"testing"

	"github.com/synthdesk/synthdesk/pkg/store/location"
)

func TestServicesConfineOutputs(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		root    string
		allowed []string
	}{
		{name: "nothing configured", root: "", allowed: nil},
		{name: "environment", env: map[string]string{"SYNTHDESK_OUTPUT_ROOT": "/data", "SYNTHDESK_ALLOWED_OUTPUTS": "datasets, s3://shared/synthdesk"},
			root: "/data", allowed: []string{"datasets", "s3://shared/synthdesk"}},
		{name: "flags over environment", env: map[string]string{"SYNTHDESK_ALLOWED_OUTPUTS": "datasets"},
			args: []string{"--output-root", "/srv/out", "--allowed-outputs", "s3://other"}, root: "/srv/out", allowed: []string{"s3://other"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var cfg struct{ Outputs location.Policy }
			fs := flag.NewFlagSet("sink", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			BindOutputs(fs, env(tc.env), &cfg.Outputs)
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			p := cfg.Outputs
			if !p.Confined || p.Root != tc.root || !slices.Equal(p.Allowed, tc.allowed) {
				t.Errorf("policy %+v, want confined, root %q, allowed %v", p, tc.root, tc.allowed)
			}
			if _, err := p.Resolve("../evil"); err == nil {
				t.Error("a service accepts ../evil")
			}
		})
	}
}
