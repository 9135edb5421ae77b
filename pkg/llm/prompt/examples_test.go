package prompt

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// The shipped few-shot library: every default intent has at least three
// valid, distinct examples that use only safe fake values.
func TestDefaultExamples(t *testing.T) {
	tax, err := taxonomy.Default()
	if err != nil {
		t.Fatal(err)
	}
	var (
		email   = regexp.MustCompile(`[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+\.)+[A-Za-z]+`)
		safeDom = regexp.MustCompile(`@example\.(com|org|net)$`)
		phone   = regexp.MustCompile(`\b\d{3}-\d{4}\b`)
		safeTel = regexp.MustCompile(`^555-01\d\d$`)
		longNum = regexp.MustCompile(`\d{7,}`)
		holder  = regexp.MustCompile(`\{\{|\}\}|\[[A-Z][a-z]+ ?[A-Za-z]*\]`)
	)
	seen := map[string]string{}
	for _, in := range tax.Intents {
		if len(in.Examples) < 3 {
			t.Errorf("%s: %d examples, want at least 3", in.Name, len(in.Examples))
		}
		channels := map[string]bool{}
		for i, ex := range in.Examples {
			where := fmt.Sprintf("%s example %d", in.Name, i)
			channels[ex.Channel] = true
			if err := ex.Validate(); err != nil {
				t.Errorf("%s: %v", where, err)
			}
			if n := len(ex.Turns); n < 3 || n > 6 {
				t.Errorf("%s: %d turns, want 3 to 6", where, n)
			}
			key := fmt.Sprint(ex.Turns)
			if prev, ok := seen[key]; ok {
				t.Errorf("%s duplicates %s", where, prev)
			}
			seen[key] = where
			for _, tu := range ex.Turns {
				for _, m := range email.FindAllString(tu.Text, -1) {
					if !safeDom.MatchString(m) {
						t.Errorf("%s: unsafe email %q", where, m)
					}
				}
				for _, m := range phone.FindAllString(tu.Text, -1) {
					if !safeTel.MatchString(m) {
						t.Errorf("%s: unsafe phone number %q", where, m)
					}
				}
				if m := longNum.FindString(tu.Text); m != "" {
					t.Errorf("%s: long digit run %q (card or account number?)", where, m)
				}
				if m := holder.FindString(tu.Text); m != "" {
					t.Errorf("%s: placeholder %q", where, m)
				}
			}
		}
		for _, c := range []string{"chat", "email", "phone"} {
			if !channels[c] {
				t.Errorf("%s: no %s example", in.Name, c)
			}
		}
	}
}
