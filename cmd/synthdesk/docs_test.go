package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// machinePath matches an absolute path into a particular machine's
// folders; documentation must cite what a reader can get (the repository,
// a public source), not files only its writer had.
var machinePath = regexp.MustCompile("(^|[\\s`'\"(])(/(work|home|root|Users|mnt|srv)/[^\\s`'\")]*|\\.\\./shared/[^\\s`'\")]*)")

func TestDocsCiteNoPathOutsideTheRepository(t *testing.T) {
	docs, err := filepath.Glob("../../docs/*.md")
	if err != nil || len(docs) == 0 {
		t.Fatalf("no docs found: %v", err)
	}
	for _, f := range append(docs, "../../README.md") {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range machinePath.FindAllSubmatch(b, -1) {
			t.Errorf("%s cites %s, a path outside the repository", filepath.Base(f), m[2])
		}
	}
}
