package llmsim

import (
	"strings"
	"testing"
)

func TestLuhnCard(t *testing.T) {
	for _, r := range []uint64{0, 1, 987654321, 1<<63 + 12345} {
		digits := strings.ReplaceAll(luhnCard(r), " ", "")
		if len(digits) != 16 {
			t.Fatalf("%q is not 16 digits", digits)
		}
		sum := 0
		for i := range digits {
			d := int(digits[len(digits)-1-i] - '0')
			if i%2 == 1 {
				d *= 2
				if d > 9 {
					d -= 9
				}
			}
			sum += d
		}
		if sum%10 != 0 {
			t.Errorf("%s fails the Luhn check", digits)
		}
	}
}
