package llmsim

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/synthdesk/synthdesk/pkg/llm"
	"github.com/synthdesk/synthdesk/pkg/record"
)

type conversation struct {
	Intent string        `json:"intent"`
	Turns  []record.Turn `json:"turns"`
}

type answer struct {
	Conversations []conversation `json:"conversations"`
}

// content writes the answer to a prompt's user message under fault f and
// returns it with the number of conversations asked for.
func (s *Sim) content(ctx context.Context, user string, f Fault) (string, int, error) {
	reqs := s.cfg.ParseRequests(user)
	if f == FaultDuplicate {
		s.mu.Lock()
		last := s.last
		s.mu.Unlock()
		if last != "" {
			return last, len(reqs), nil
		}
	}
	convs, err := s.write(ctx, reqs)
	if err != nil {
		return "", len(reqs), err
	}
	if len(convs) > 0 {
		if err := s.spoil(ctx, &convs[0], f); err != nil {
			return "", len(reqs), err
		}
	}
	b, err := json.Marshal(answer{Conversations: convs})
	if err != nil {
		return "", len(reqs), fmt.Errorf("encode answer: %w", err)
	}
	out := string(b)
	switch f {
	case FaultNone, FaultDuplicate:
		s.mu.Lock()
		s.last = out
		s.mu.Unlock()
	case FaultTruncated:
		out = out[:len(out)*2/3]
	case FaultSchema:
		out = wrongShape(convs)
	case FaultEmpty:
		out = ""
	}
	return out, len(reqs), nil
}

// write asks the backend for one conversation per request.
func (s *Sim) write(ctx context.Context, reqs []Request) ([]conversation, error) {
	call := llm.Call{Specs: make([]llm.Spec, 0, len(reqs))}
	var names []string
	for _, r := range reqs {
		in, ok := s.cfg.Taxonomy.Lookup(r.Intent)
		if !ok {
			// Not answered: the answer is short, which the client must
			// handle as it would a model skipping a request.
			s.stats.unknownIntent(r.Intent)
			if s.cfg.UnknownIntent != nil {
				s.cfg.UnknownIntent(r.Intent)
			}
			continue
		}
		s.mu.Lock()
		seed := s.rng.Int64()
		s.mu.Unlock()
		call.Specs = append(call.Specs, llm.Spec{Intent: in, Axes: record.Axes{Turns: r.Turns},
			MinTurns: r.Turns, MaxTurns: r.Turns, Seed: seed})
		names = append(names, r.Intent)
	}
	if len(call.Specs) == 0 {
		return []conversation{}, nil
	}
	res, err := s.cfg.Backend.Generate(ctx, call)
	if err != nil {
		return nil, fmt.Errorf("write conversations: %w", err)
	}
	convs := make([]conversation, 0, len(res.Drafts))
	for i, d := range res.Drafts {
		if d.Err == nil && i < len(names) {
			convs = append(convs, conversation{Intent: names[i], Turns: d.Turns})
		}
	}
	return convs, nil
}

// spoil applies a content fault to one conversation.
func (s *Sim) spoil(ctx context.Context, c *conversation, f Fault) error {
	if len(c.Turns) == 0 {
		return nil
	}
	switch f {
	case FaultOffIntent:
		names := s.cfg.Taxonomy.Names()
		s.mu.Lock()
		other := names[s.rng.IntN(len(names))]
		s.mu.Unlock()
		if other == c.Intent {
			other = names[(indexOf(names, other)+1)%len(names)]
		}
		w, err := s.write(ctx, []Request{{Intent: other, Turns: len(c.Turns)}})
		if err != nil || len(w) == 0 {
			return err
		}
		*c = w[0]
	case FaultRoles:
		for i := range c.Turns {
			c.Turns[i].Role = map[string]string{record.RoleCustomer: record.RoleAgent, record.RoleAgent: record.RoleCustomer}[c.Turns[i].Role]
		}
	case FaultPlaceholder:
		c.Turns[0].Text += " My order number is [ORDER_ID]."
	case FaultPII:
		s.mu.Lock()
		card := luhnCard(s.rng.Uint64())
		s.mu.Unlock()
		c.Turns[0].Text += " My card is " + card + " and you can mail me at dana.whitfield82@gmail.com."
	case FaultMeta:
		last := len(c.Turns) - 1
		c.Turns[last].Text = "As an AI language model, I cannot access real accounts, but " + c.Turns[last].Text
	}
	return nil
}

func indexOf(names []string, n string) int {
	for i, x := range names {
		if x == n {
			return i
		}
	}
	return 0
}

// wrongShape renders the conversations under other keys than asked.
func wrongShape(convs []conversation) string {
	type line struct {
		Speaker   string `json:"speaker"`
		Utterance string `json:"utterance"`
	}
	var dialogues [][]line
	for _, c := range convs {
		var d []line
		for _, t := range c.Turns {
			d = append(d, line{Speaker: t.Role, Utterance: t.Text})
		}
		dialogues = append(dialogues, d)
	}
	b, _ := json.Marshal(map[string]any{"dialogues": dialogues}) // plain strings always encode
	return string(b)
}

// luhnCard returns a 16-digit Visa-like number passing the Luhn check,
// formatted in groups of four. Its digits come from r, so it is not one of
// the published test numbers a scrubber might allow-list.
func luhnCard(r uint64) string {
	digits := []int{4, 9, 1, 6}
	for len(digits) < 15 {
		digits = append(digits, int(r%10))
		r /= 10
	}
	sum := 0
	for i := range digits { // positions from the right, check digit excluded
		d := digits[len(digits)-1-i]
		if i%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	digits = append(digits, (10-sum%10)%10)
	out := ""
	for i, d := range digits {
		if i > 0 && i%4 == 0 {
			out += " "
		}
		out += strconv.Itoa(d)
	}
	return out
}
