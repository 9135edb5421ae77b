package llmsim

import (
	"fmt"
	"strings"
)

// Fault is one kind of misbehaviour the simulator can inject.
type Fault string

// Faults. The first group fails the HTTP call; the second answers 200 with
// output the parser must reject; the third answers conversations that
// parse but that the quality gate must reject.
const (
	FaultNone    Fault = ""
	Fault500     Fault = "500"
	Fault429     Fault = "429"
	Fault503     Fault = "503"
	FaultTimeout Fault = "timeout" // hang until the client gives up

	FaultTruncated Fault = "truncated" // JSON cut off mid-way
	FaultSchema    Fault = "schema"    // JSON of another shape
	FaultEmpty     Fault = "empty"     // empty content

	FaultOffIntent   Fault = "off_intent"  // first conversation for another intent
	FaultRoles       Fault = "roles"       // the agent speaks first
	FaultPlaceholder Fault = "placeholder" // a leftover [ORDER_ID]
	FaultDuplicate   Fault = "duplicate"   // repeat of a previous answer
	FaultPII         Fault = "pii"         // card number and e-mail address
	FaultMeta        Fault = "meta"        // "As an AI language model..."
)

// AllFaults lists every fault, in the order of the --faults flag help.
var AllFaults = []Fault{Fault500, Fault429, Fault503, FaultTimeout, FaultTruncated, FaultSchema, FaultEmpty,
	FaultOffIntent, FaultRoles, FaultPlaceholder, FaultDuplicate, FaultPII, FaultMeta}

// ParseFaults reads a comma-separated fault list ("all" for every fault).
func ParseFaults(s string) ([]Fault, error) {
	if strings.TrimSpace(s) == "all" {
		return AllFaults, nil
	}
	var out []Fault
	for _, name := range strings.Split(s, ",") {
		f := Fault(strings.TrimSpace(name))
		if f == "" {
			continue
		}
		known := false
		for _, k := range AllFaults {
			known = known || k == f
		}
		if !known {
			return nil, fmt.Errorf("unknown fault %q; known: %s", f, faultNames())
		}
		out = append(out, f)
	}
	return out, nil
}

func faultNames() string {
	names := make([]string, len(AllFaults))
	for i, f := range AllFaults {
		names[i] = string(f)
	}
	return strings.Join(names, ",")
}

// drawFault picks the fault of one call.
func (s *Sim) drawFault() Fault {
	if s.cfg.FaultRate <= 0 || len(s.cfg.Faults) == 0 {
		return FaultNone
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rng.Float64() >= s.cfg.FaultRate {
		return FaultNone
	}
	return s.cfg.Faults[s.rng.IntN(len(s.cfg.Faults))]
}

// httpStatus is the status a fault answers with, 0 for a 200 answer.
func (f Fault) httpStatus() int {
	switch f {
	case Fault500:
		return 500
	case Fault429:
		return 429
	case Fault503:
		return 503
	}
	return 0
}
