package record

import (
	"errors"
	"strings"
	"testing"
)

func TestExperimentAndVariantNames(t *testing.T) {
	tests := []struct {
		name                string
		experiment, variant string
		wantField           string
	}{
		{name: "unset"},
		{name: "named", experiment: "noise-profiles", variant: "heavy"},
		{name: "longest experiment", experiment: strings.Repeat("é", MaxNameLabel)},
		{name: "experiment too long", experiment: strings.Repeat("x", MaxNameLabel+1), wantField: "experiment"},
		{name: "variant too long", variant: strings.Repeat("x", MaxNameLabel+1), wantField: "variant"},
		{name: "control character", variant: "a\nb", wantField: "variant"},
		{name: "invalid UTF-8", experiment: "a\xffb", wantField: "experiment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Request{Experiment: tt.experiment, Variant: tt.variant}
			r.ApplyDefaults()
			err := r.Validate(Limits{}, nil)
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			var fe *FieldError
			if !errors.Is(err, ErrInvalidRequest) || !errors.As(err, &fe) || fe.Field != tt.wantField {
				t.Fatalf("Validate = %v, want a %s field error", err, tt.wantField)
			}
		})
	}
}

func TestDecodeRequestNames(t *testing.T) {
	r, err := DecodeRequest([]byte(`{"experiment": "noise", "variant": "none"}`))
	if err != nil {
		t.Fatal(err)
	}
	if r.Experiment != "noise" || r.Variant != "none" {
		t.Errorf("decoded %q/%q", r.Experiment, r.Variant)
	}
}
