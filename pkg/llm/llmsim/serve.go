package llmsim

import (
	"fmt"
	"net/http"
	"time"
)

// chat is one decoded chat request, whichever the protocol.
type chat struct {
	model        string
	user         string // the last user message: the per-call part of a prompt
	promptChars  int
	stream       bool
	includeUsage bool
}

// protocol writes answers in one wire format.
type protocol interface {
	fail(w http.ResponseWriter, status int, msg string)
	reply(w http.ResponseWriter, c chat, content string, promptTokens, completionTokens int, took time.Duration)
}

// serve runs one chat call: admission, fault, latency, content, reply.
func (s *Sim) serve(w http.ResponseWriter, r *http.Request, c chat, p protocol) {
	ctx := r.Context()
	s.stats.request()
	if !s.modelKnown(c.model) {
		s.stats.served("unknown_model", 0, 0, 0)
		p.fail(w, http.StatusNotFound, fmt.Sprintf("model %q not found, try pulling it first", c.model))
		return
	}
	if s.cfg.Overflow == Overflow429 {
		if !s.slots.tryAcquire() {
			s.stats.served("overflow_429", 0, 0, 0)
			p.fail(w, http.StatusTooManyRequests, "server busy: all slots in use")
			return
		}
	} else if err := s.slots.acquire(ctx); err != nil {
		s.stats.served("client_gone", 0, 0, 0)
		return
	}
	defer s.slots.release()
	start := time.Now()
	f := s.drawFault()
	if st := f.httpStatus(); st != 0 {
		s.stats.served(string(f), 0, 0, 0)
		p.fail(w, st, http.StatusText(st))
		return
	}
	if f == FaultTimeout {
		<-ctx.Done() // hang until the client gives up
		s.stats.served(string(f), 0, 0, 0)
		return
	}
	if wait(ctx, s.latency()) != nil {
		s.stats.served("client_gone", 0, 0, 0)
		return
	}
	content, n, err := s.content(ctx, c.user, f)
	if err != nil {
		s.stats.served("error", 0, 0, 0)
		p.fail(w, http.StatusInternalServerError, err.Error())
		return
	}
	pt, ct := tokens(c.promptChars), tokens(len(content))
	kind := string(f)
	if f == FaultNone {
		kind = "ok"
	}
	s.stats.served(kind, n, pt, ct)
	p.reply(w, c, content, pt, ct, time.Since(start))
}

// tokens estimates a token count the way servers' counts scale: about one
// token per 4 bytes of English text.
func tokens(chars int) int { return max(1, (chars+3)/4) }

// chunks splits s into pieces of about n bytes for streaming.
func chunks(s string, n int) []string {
	var out []string
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	return append(out, s)
}
