package offline

import (
	"strconv"
	"strings"
)

// Built-in slots. Values are drawn once per conversation on first use, so
// every mention of {order_id} in one conversation is the same number.
const (
	slotName = iota
	slotFirstName
	slotLastName
	slotAgentName
	slotProduct
	slotProduct2
	slotOrderID
	slotInvoiceID
	slotRefundID
	slotTicketID
	slotTrackingID
	slotDate
	slotWeekday
	slotMonth
	slotDays
	slotAmount
	slotEmail
	slotPhone
	slotCard
	slotCardLast4
	slotCardBrand
	slotStreet
	slotCity
	slotZip
	slotPlan
	slotUsername
	slotQuantity
	slotSize
	slotColor
	slotCountry
	numBuiltin
)

// builtinSlots are the slot names usable in every template.
var builtinSlots = [numBuiltin]string{
	"name", "first_name", "last_name", "agent_name", "product", "product2",
	"order_id", "invoice_id", "refund_id", "ticket_id", "tracking_id",
	"date", "weekday", "month", "days", "amount", "email", "phone",
	"card", "card_last4", "card_brand", "street", "city", "zip", "plan",
	"username", "quantity", "size", "color", "country",
}

// slotTable maps slot names of one intent to ids: the built-ins, then the
// intent's own material.slots.
type slotTable struct {
	names map[string]int
	// vals holds the material's values per id; nil means built-in.
	vals [][]string
}

func newSlotTable(custom map[string][]string) *slotTable {
	st := &slotTable{names: make(map[string]int, numBuiltin+len(custom)), vals: make([][]string, numBuiltin)}
	for i, n := range builtinSlots {
		st.names[n] = i
	}
	for _, n := range sortedKeys(custom) {
		if len(custom[n]) == 0 {
			continue
		}
		id, ok := st.names[n]
		if !ok {
			id = len(st.vals)
			st.names[n] = id
			st.vals = append(st.vals, nil)
		}
		st.vals[id] = custom[n]
	}
	return st
}

func (st *slotTable) id(name string) (int, bool) {
	id, ok := st.names[name]
	return id, ok
}

// Safe values: published test card numbers, reserved phone numbers and
// documentation email domains only.
var (
	testCards = [...]struct{ number, brand string }{
		{"4111111111111111", "Visa"},
		{"4242424242424242", "Visa"},
		{"4012888888881881", "Visa"},
		{"5555555555554444", "Mastercard"},
		{"5105105105105100", "Mastercard"},
		{"378282246310005", "American Express"},
		{"6011111111111117", "Discover"},
	}
	mailDomains = [...]string{"example.com", "example.org", "example.net"}
	roadTypes   = [...]string{"Street", "Avenue", "Road", "Lane", "Drive", "Court", "Way"}
	weekdays    = [...]string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	plans       = [...]string{"Basic", "Standard", "Plus", "Premium", "Family", "Pro", "Business", "Gold", "Platinum", "Freemium", "free"}
	sizes       = [...]string{"small", "medium", "large", "extra large", "size 8", "size 10", "size M", "size L"}
	colors      = [...]string{"black", "white", "navy", "grey", "red", "green", "beige", "blue"}
	agentNames  = [...]string{"Sam", "Alex", "Jordan", "Priya", "Marco", "Lena", "Tom", "Aisha", "Kenji", "Sofia", "Daniel", "Maya"}
)

// value returns the conversation's value of slot id, drawing it on first
// use.
func (c *composer) value(id int) string {
	if c.have[id] {
		return c.vals[id]
	}
	var v string
	if custom := c.ci.slots.vals[id]; custom != nil {
		v = custom[c.rng.IntN(len(custom))]
	} else {
		v = c.draw(id)
	}
	c.vals[id], c.have[id] = v, true
	return v
}

func (c *composer) draw(id int) string {
	f := c.fk
	switch id {
	case slotName:
		return c.value(slotFirstName) + " " + c.value(slotLastName)
	case slotFirstName:
		return f.FirstName()
	case slotLastName:
		return f.LastName()
	case slotAgentName:
		return agentNames[c.rng.IntN(len(agentNames))]
	case slotProduct:
		return c.product()
	case slotProduct2:
		p := c.value(slotProduct)
		for range 4 {
			if q := c.product(); q != p {
				return q
			}
		}
		return "another item"
	case slotOrderID:
		switch c.rng.IntN(3) {
		case 0:
			return "ORD-" + strconv.Itoa(100000+c.rng.IntN(900000))
		case 1:
			return "#" + strconv.Itoa(10000000+c.rng.IntN(90000000))
		}
		return strconv.FormatInt(1_000_000_000+c.rng.Int64N(99_000_000_000), 10)
	case slotInvoiceID:
		return "INV-" + strconv.Itoa(2023+c.rng.IntN(3)) + "-" + strconv.Itoa(10000+c.rng.IntN(90000))
	case slotRefundID:
		return "RF-" + strconv.Itoa(100000+c.rng.IntN(900000))
	case slotTicketID:
		return "CS-" + strconv.Itoa(100000+c.rng.IntN(900000))
	case slotTrackingID:
		return "TRK" + strconv.Itoa(100000000+c.rng.IntN(900000000))
	case slotDate:
		return c.value(slotMonth) + " " + strconv.Itoa(f.Number(1, 28))
	case slotWeekday:
		return weekdays[c.rng.IntN(len(weekdays))]
	case slotMonth:
		return f.MonthString()
	case slotDays:
		return strconv.Itoa(2 + c.rng.IntN(12))
	case slotAmount:
		switch c.rng.IntN(3) {
		case 0:
			return strconv.Itoa(5+c.rng.IntN(1500)) + " dollars"
		case 1:
			return "$" + strconv.Itoa(5+c.rng.IntN(1500))
		}
		return "$" + strconv.FormatFloat(f.Price(4, 400), 'f', 2, 64)
	case slotEmail:
		return c.email()
	case slotPhone:
		return "555-01" + strconv.Itoa(10+c.rng.IntN(90))
	case slotCard, slotCardLast4, slotCardBrand:
		return c.card(id)
	case slotStreet:
		return f.StreetNumber() + " " + f.StreetName() + f.StreetSuffix() + " " + roadTypes[c.rng.IntN(len(roadTypes))]
	case slotCity:
		return f.City()
	case slotZip:
		return f.Zip()
	case slotPlan:
		return plans[c.rng.IntN(len(plans))]
	case slotUsername:
		return strings.ToLower(c.value(slotFirstName)) + strconv.Itoa(10+c.rng.IntN(90))
	case slotQuantity:
		return strconv.Itoa(2 + c.rng.IntN(4))
	case slotSize:
		return sizes[c.rng.IntN(len(sizes))]
	case slotColor:
		return colors[c.rng.IntN(len(colors))]
	case slotCountry:
		return f.Country()
	}
	return "it"
}

func (c *composer) email() string {
	local := strings.ToLower(c.value(slotFirstName))
	switch c.rng.IntN(3) {
	case 0:
		local += "." + strings.ToLower(c.value(slotLastName))
	case 1:
		local += strconv.Itoa(1 + c.rng.IntN(99))
	}
	return mailSafe(local) + "@" + mailDomains[c.rng.IntN(len(mailDomains))]
}

// mailSafe keeps the letters, digits and dots of an email local part.
func mailSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' {
			return r
		}
		return -1
	}, s)
}

func (c *composer) card(id int) string {
	if !c.have[slotCard] {
		k := testCards[c.rng.IntN(len(testCards))]
		c.vals[slotCard], c.have[slotCard] = k.number, true
		c.vals[slotCardBrand], c.have[slotCardBrand] = k.brand, true
		c.vals[slotCardLast4], c.have[slotCardLast4] = k.number[len(k.number)-4:], true
	}
	return c.vals[id]
}
