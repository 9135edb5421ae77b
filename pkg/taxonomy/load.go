package taxonomy

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"reflect"

	"gopkg.in/yaml.v3"
)

//go:embed default/*.yaml
var defaultFiles embed.FS

// defaultOrder is the merge order of the embedded default files.
var defaultOrder = []string{"intents.yaml", "rules.yaml", "calibration.yaml", "material.yaml", "examples.yaml"}

// Default returns the built-in 27-intent customer-service taxonomy.
func Default() (*Taxonomy, error) {
	t := &Taxonomy{}
	for _, name := range defaultOrder {
		b, err := defaultFiles.ReadFile(path.Join("default", name))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if err := t.mergeYAML(bytes.NewReader(b), "default/"+name); err != nil {
			return nil, err
		}
	}
	return t, t.finish()
}

// Load reads taxonomy files and merges them in order. A first file with
// `extends: default` starts from the built-in taxonomy; otherwise the files
// alone define the taxonomy.
func Load(files ...string) (*Taxonomy, error) {
	if len(files) == 0 {
		return Default()
	}
	t := &Taxonomy{}
	for i, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("taxonomy: %w", err)
		}
		if i == 0 {
			var head struct {
				Extends string `yaml:"extends"`
			}
			_ = yaml.Unmarshal(b, &head) // decode errors are reported by mergeYAML below
			switch head.Extends {
			case "":
			case "default":
				if t, err = Default(); err != nil {
					return nil, err
				}
			default:
				return nil, fmt.Errorf("taxonomy %s: extends: %q is unknown; use \"default\" or leave it out", f, head.Extends)
			}
		}
		if err := t.mergeYAML(bytes.NewReader(b), f); err != nil {
			return nil, err
		}
	}
	return t, t.finish()
}

// Parse decodes one self-contained taxonomy document (as carried inline in a
// request). `extends: default` is honoured as in Load.
func Parse(doc []byte) (*Taxonomy, error) {
	var head struct {
		Extends string `yaml:"extends"`
	}
	_ = yaml.Unmarshal(doc, &head)
	t := &Taxonomy{}
	if head.Extends == "default" {
		var err error
		if t, err = Default(); err != nil {
			return nil, err
		}
	} else if head.Extends != "" {
		return nil, fmt.Errorf("taxonomy: extends: %q is unknown; use \"default\" or leave it out", head.Extends)
	}
	if err := t.mergeYAML(bytes.NewReader(doc), "inline taxonomy"); err != nil {
		return nil, err
	}
	return t, t.finish()
}

func (t *Taxonomy) finish() error {
	t.reindex()
	if err := t.Validate(); err != nil {
		return fmt.Errorf("taxonomy: %w", err)
	}
	return nil
}

// mergeYAML decodes one file strictly and merges it over t: intents are
// matched by name, and every non-empty section of the file replaces the one
// already there.
func (t *Taxonomy) mergeYAML(r io.Reader, name string) error {
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	var f Taxonomy
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("taxonomy %s: %w", name, err)
	}
	if f.Version != "" {
		t.Version = f.Version
	}
	if !reflect.ValueOf(f.Calibration).IsZero() {
		t.Calibration = f.Calibration
	}
	t.reindex()
	for _, in := range f.Intents {
		i, ok := t.index[in.Name]
		if !ok {
			t.Intents = append(t.Intents, in)
			t.index[in.Name] = len(t.Intents) - 1
			continue
		}
		mergeIntent(&t.Intents[i], in)
	}
	return nil
}

func mergeIntent(dst *Intent, src Intent) {
	if src.Category != "" {
		dst.Category = src.Category
	}
	if src.Description != "" {
		dst.Description = src.Description
	}
	if !reflect.ValueOf(src.Rules).IsZero() {
		dst.Rules = src.Rules
	}
	if !reflect.ValueOf(src.Material).IsZero() {
		dst.Material = src.Material
	}
	if len(src.Examples) > 0 {
		dst.Examples = src.Examples
	}
}
