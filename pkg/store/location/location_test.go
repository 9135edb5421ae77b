package location

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPolicyResolve(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "team"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "escape")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "team"), filepath.Join(root, "alias")); err != nil {
		t.Fatal(err)
	}
	p := Policy{Confined: true, Root: root, Allowed: []string{"datasets", "s3://shared/synthdesk"}}
	tests := []struct {
		name, output, want, refused string
	}{
		{name: "empty is the sink default", output: "", want: ""},
		{name: "relative inside", output: "team/run1", want: filepath.Join(root, "team/run1")},
		{name: "absolute inside", output: filepath.Join(root, "team"), want: filepath.Join(root, "team")},
		{name: "the root itself", output: root, want: root},
		{name: "file URL inside", output: "file://" + filepath.Join(root, "x"), want: filepath.Join(root, "x")},
		{name: "link staying inside", output: "alias/deeper", want: filepath.Join(root, "alias/deeper")},
		{name: "parent", output: "../evil", refused: "must not contain '..'"},
		{name: "dot-dot in the middle", output: "team/../../evil", refused: "must not contain '..'"},
		{name: "absolute outside", output: outside, refused: "outside the output root"},
		{name: "root prefix but sibling", output: root + "-sibling", refused: "outside the output root"},
		{name: "symlink escape", output: "escape/x", refused: "symbolic link leads out"},
		{name: "symlink escape itself", output: "escape", refused: "symbolic link leads out"},
		{name: "allowed bucket", output: "s3://datasets/any/prefix", want: "s3://datasets/any/prefix"},
		{name: "allowed prefix", output: "s3://shared/synthdesk/team", want: "s3://shared/synthdesk/team"},
		{name: "allowed prefix exactly", output: "s3://shared/synthdesk", want: "s3://shared/synthdesk"},
		{name: "prefix look-alike", output: "s3://shared/synthdesk-other", refused: "not in this cluster's allowed outputs"},
		{name: "other bucket", output: "s3://private/x", refused: "not in this cluster's allowed outputs"},
		{name: "s3 dot-dot", output: "s3://shared/synthdesk/../secrets", refused: "must not contain '..'"},
		{name: "other scheme", output: "http://example.com/x", refused: "neither a folder nor"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := p.Resolve(tc.output)
			if tc.refused != "" {
				if !errors.Is(err, ErrOutputRefused) || !strings.Contains(err.Error(), tc.refused) {
					t.Fatalf("Resolve(%q) = %q, %v; want a refusal saying %q", tc.output, got, err, tc.refused)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Resolve(%q) = %q, %v; want %q", tc.output, got, err, tc.want)
			}
		})
	}
}

func TestPolicyWithoutRootRefusesLocalOutputs(t *testing.T) {
	p := Policy{Confined: true}
	if _, err := p.Resolve("/data/out"); !errors.Is(err, ErrOutputRefused) || !strings.Contains(err.Error(), "no output root is configured") {
		t.Fatalf("local output without a root: %v", err)
	}
	if got, err := p.Resolve("s3://any/bucket"); err != nil || got != "s3://any/bucket" {
		t.Fatalf("s3 without an allow-list: %q, %v", got, err)
	}
	if got, err := (Policy{}).Resolve("../anywhere"); err != nil || got != "../anywhere" {
		t.Errorf("the zero policy confines: %q, %v", got, err)
	}
}

func TestPolicyValidate(t *testing.T) {
	err := Policy{Root: "relative/root", Allowed: []string{"s3://", "ok", "s3://b/../x"}}.Validate()
	for _, want := range []string{`output root "relative/root" must be an absolute path`, `allowed output "s3://"`, `allowed output "s3://b/../x"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %s", err, want)
		}
	}
}
