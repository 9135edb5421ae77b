package deploy

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"gopkg.in/yaml.v3"
)

// services are the four pipeline stages, each deployed on its own.
var services = []string{"generator", "classifier", "validator", "sink"}

// contract is testdata/contract.yaml: what the services read and export.
type contract struct {
	Env        map[string][]string `yaml:"env"`
	Consumers  map[string]consumer `yaml:"consumers"`
	Metrics    []string            `yaml:"metrics"`
	Histograms []string            `yaml:"histograms"`
}

// consumer names the durable consumers a service pulls from one stream.
type consumer struct {
	Stream string   `yaml:"stream"`
	Names  []string `yaml:"names"`
}

// loadContract reads testdata/contract.yaml strictly.
func loadContract(t *testing.T) contract {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "contract.yaml"))
	if err != nil {
		t.Fatalf("open contract: %v", err)
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	dec.KnownFields(true)
	var c contract
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("decode contract: %v", err)
	}
	return c
}

// allowedEnv reports the variable names a service may be given: the common
// ones plus its own.
func (c contract) allowedEnv(service string) map[string]bool {
	ok := map[string]bool{}
	for _, n := range c.Env["common"] {
		ok[n] = true
	}
	for _, n := range c.Env[service] {
		ok[n] = true
	}
	return ok
}

// unknown returns the sorted names not in allowed.
func unknown(names []string, allowed map[string]bool) []string {
	var bad []string
	for _, n := range names {
		if !allowed[n] {
			bad = append(bad, n)
		}
	}
	sort.Strings(bad)
	return bad
}

// repoRoot is the repository root, one level above this module; go test
// runs in the package directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatalf("locate repository root: %v", err)
	}
	return root
}

func TestContractCoversEveryService(t *testing.T) {
	c := loadContract(t)
	for _, s := range services {
		if _, ok := c.Env[s]; !ok {
			t.Errorf("contract env has no entry for %s", s)
		}
		if _, ok := c.Consumers[s]; !ok {
			t.Errorf("contract consumers has no entry for %s", s)
		}
	}
}
