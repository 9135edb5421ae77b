package bus_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestOnlyBusImportsNATS walks every Go file of the repository that is not
// a test and fails on any import of a NATS module outside pkg/bus: the
// stages reach the bus only through its operations, so a change of
// transport touches one package. Tests may start servers and dial them.
func TestOnlyBusImportsNATS(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	busDir := filepath.Join(root, "pkg", "bus") + string(filepath.Separator)
	fset := token.NewFileSet()
	files := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		files++
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(p, "github.com/nats-io/") && !strings.HasPrefix(path, busDir) {
				rel, _ := filepath.Rel(root, path)
				t.Errorf("%s imports %s: only pkg/bus may use NATS; add the operation to pkg/bus", rel, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 100 {
		t.Fatalf("walked %d Go files under %s: not the repository root?", files, root)
	}
}
