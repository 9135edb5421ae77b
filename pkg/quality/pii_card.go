package quality

// testCards are published payment-processor test numbers: allowed in
// synthetic conversations because they can never charge anyone.
var testCards = map[string]bool{
	"4111111111111111": true, "4242424242424242": true, "4012888888881881": true,
	"4000056655665556": true, "4222222222222": true, "4000000000000002": true,
	"4000000000000077": true, "4000000000009995": true, "4000002500003155": true,
	"5555555555554444": true, "5105105105105100": true, "5200828282828210": true,
	"2223003122003222": true, "5454545454545454": true,
	"378282246310005": true, "371449635398431": true, "378734493671000": true,
	"6011111111111117": true, "6011000990139424": true, "6011981111111113": true,
	"3056930009020004": true, "30569309025904": true, "38520000023237": true,
	"36227206271667": true, "3566002020360505": true, "3530111333300000": true,
	"6200000000000005": true,
}

// findCards appends the card numbers of s: 13 to 19 digits, optionally in
// groups separated by one space or hyphen, with a card network prefix and
// length, a valid Luhn checksum, and not a published test number.
func findCards(s string, spans []piiSpan) []piiSpan {
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		groups := digitGroups(s, i)
		end := groups[len(groups)-1][1]
		spans = cardsInRun(s, groups, spans)
		i = end
	}
	return spans
}

// digitGroups returns the [start, end) of each digit group of the run
// starting at i, where groups are separated by a single space or hyphen.
func digitGroups(s string, i int) [][2]int {
	var groups [][2]int
	for {
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		groups = append(groups, [2]int{i, j})
		if j+1 < len(s) && (s[j] == ' ' || s[j] == '-') && isDigit(s[j+1]) {
			i = j + 1
			continue
		}
		return groups
	}
}

// cardsInRun tries every contiguous range of at most 19 digits of groups,
// longest first, so a card followed by an expiry or preceded by a quantity
// is still found.
func cardsInRun(s string, groups [][2]int, spans []piiSpan) []piiSpan {
	for a := range groups {
		last, n := a, 0
		for b := a; b < len(groups) && n+groups[b][1]-groups[b][0] <= 19; b++ {
			n += groups[b][1] - groups[b][0]
			last = b
		}
		for b := last; b >= a; b-- {
			start, end := groups[a][0], groups[b][1]
			d := digitsOf(s[start:end])
			if len(d) < 13 || overlaps(spans, start, end) || glued(s, start, end) {
				continue
			}
			if isCardNumber(d) && !testCards[d] {
				spans = append(spans, piiSpan{start, end, piiCard})
			}
		}
	}
	return spans
}

// digitsOf returns the digits of s, which holds at most 19 of them.
func digitsOf(s string) string {
	var buf [19]byte
	n := 0
	for i := 0; i < len(s) && n < len(buf); i++ {
		if isDigit(s[i]) {
			buf[n] = s[i]
			n++
		}
	}
	return string(buf[:n])
}

// isCardNumber reports whether d has a network prefix and length of a
// major card network (Visa, Mastercard, Amex, Discover, Diners, JCB,
// UnionPay) and a valid Luhn checksum.
func isCardNumber(d string) bool {
	n := len(d)
	p2, p4 := atoi(d[:2]), atoi(d[:4])
	ok := false
	switch {
	case d[0] == '4':
		ok = n == 13 || n == 16 || n == 19
	case p2 >= 51 && p2 <= 55, p4 >= 2221 && p4 <= 2720:
		ok = n == 16
	case p2 == 34 || p2 == 37:
		ok = n == 15
	case p4 == 6011, p2 == 65, p2 == 62, p4 >= 6440 && p4 <= 6499, p4 >= 3528 && p4 <= 3589:
		ok = n >= 16
	case p2 == 36 || p2 == 38 || p2 == 39 || p4 >= 3000 && p4 <= 3059:
		ok = n >= 14
	}
	return ok && luhn(d)
}

// luhn reports whether the digits of d pass the Luhn checksum.
func luhn(d string) bool {
	sum := 0
	for i := len(d) - 1; i >= 0; i-- {
		v := int(d[i] - '0')
		if (len(d)-1-i)%2 == 1 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 == 0
}

func atoi(d string) int {
	v := 0
	for i := 0; i < len(d); i++ {
		v = v*10 + int(d[i]-'0')
	}
	return v
}
