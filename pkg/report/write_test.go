package report

import (
	"bytes"
	"flag"
	"io"
	"os"
	"testing"

	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/store/storetest"
)

var (
	exampleOut  = flag.String("out", "", "TestWriteExample writes the fixture's report.html to this path")
	exampleCard = flag.String("card", "", "TestWriteExample writes the fixture's README.md to this path")
)

func TestWrite(t *testing.T) {
	m, samples := fixture(t)
	st := storetest.Local(t)
	dir := dataset.JobDir(m.JobID)
	if err := Write(t.Context(), st, dir, m, samples); err != nil {
		t.Fatal(err)
	}
	page, _ := HTML(m, samples)
	card, _ := Card(m)
	for name, want := range map[string][]byte{HTMLName: page, CardName: card} {
		rc, err := st.Get(t.Context(), dir+name)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s in the store differs from the rendering", name)
		}
	}
}

// TestWriteExample writes the fixture's report to -out and its card to
// -card, for a look in a browser or the headless check
// (deploy/check-report.sh).
func TestWriteExample(t *testing.T) {
	if *exampleOut == "" && *exampleCard == "" {
		t.Skip("no -out or -card path")
	}
	m, samples := fixture(t)
	page, err := HTML(m, samples)
	if err != nil {
		t.Fatal(err)
	}
	card, err := Card(m)
	if err != nil {
		t.Fatal(err)
	}
	for path, body := range map[string][]byte{*exampleOut: page, *exampleCard: card} {
		if path == "" {
			continue
		}
		if err := os.WriteFile(path, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
