package main

import (
	"flag"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// TestServiceFlagsOnRun checks that the flags pkg/service binds on a Go
// flag set parse with two dashes on run and show in its help.
func TestServiceFlagsOnRun(t *testing.T) {
	tests := []struct {
		name, flag, value, want string
	}{
		{name: "llm url", flag: "llm-url", value: "http://127.0.0.1:8000/v1", want: "http://127.0.0.1:8000/v1"},
		{name: "llm backend", flag: "llm", value: "openai", want: "openai"},
		{name: "llm timeout", flag: "llm-timeout", value: "5s", want: "5s"},
		{name: "judge url", flag: "judge-url", value: "http://judge", want: "http://judge"},
		{name: "batch rows", flag: "batch-rows", value: "100", want: "100"},
	}
	help := helpText([]string{"run"})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := newRunCmd().Flags()
			if err := fs.Parse([]string{"--" + tt.flag, tt.value}); err != nil {
				t.Fatal(err)
			}
			if got := fs.Lookup(tt.flag).Value.String(); got != tt.want {
				t.Errorf("--%s = %q, want %q", tt.flag, got, tt.want)
			}
			if !fs.Changed(tt.flag) {
				t.Errorf("--%s not marked as given", tt.flag)
			}
			if !helpLists(help, tt.flag) {
				t.Errorf("run --help does not list --%s", tt.flag)
			}
		})
	}
}

// TestAddGoFlagsRefusesADuplicate: a name bound twice is a programming
// error that must not pass silently (one of the two would be dead).
func TestAddGoFlagsRefusesADuplicate(t *testing.T) {
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	fs.String("taxonomy", "", "the request's")
	goFlags := flag.NewFlagSet("x", flag.ContinueOnError)
	goFlags.String("taxonomy", "", "the service's")
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "taxonomy") {
			t.Errorf("recovered %v, want a panic naming taxonomy", r)
		}
	}()
	addGoFlags(fs, goFlags)
}
