package llmsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

type openaiRequest struct {
	Model    string `json:"model"`
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
	Stream        bool `json:"stream"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
	ResponseFormat json.RawMessage `json:"response_format"`
}

type openaiUsage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

type openaiMessage struct {
	Role    string `json:"role,omitempty"`
	Content string `json:"content"`
}

type openaiChoice struct {
	Index        int            `json:"index"`
	Message      *openaiMessage `json:"message,omitempty"`
	Delta        *openaiMessage `json:"delta,omitempty"`
	FinishReason *string        `json:"finish_reason"`
}

type openaiResponse struct {
	ID                string         `json:"id"`
	Object            string         `json:"object"`
	Created           int64          `json:"created"`
	Model             string         `json:"model"`
	SystemFingerprint string         `json:"system_fingerprint"`
	Choices           []openaiChoice `json:"choices"`
	Usage             *openaiUsage   `json:"usage,omitempty"`
}

type openai struct{ ids *atomic.Int64 }

var completionIDs atomic.Int64

func (s *Sim) openaiChat(w http.ResponseWriter, r *http.Request) {
	var req openaiRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		s.stats.served("bad_request", 0, 0, 0)
		openai{}.fail(w, http.StatusBadRequest, "invalid request body: "+err.Error())
		return
	}
	c := chat{model: req.Model, stream: req.Stream, includeUsage: req.StreamOptions != nil && req.StreamOptions.IncludeUsage}
	for _, m := range req.Messages {
		text := messageText(m.Content)
		c.promptChars += len(text)
		if m.Role == "user" {
			c.user = text
		}
	}
	s.serve(w, r, c, openai{ids: &completionIDs})
}

// messageText reads a message content that is a string or a list of parts.
func messageText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	_ = json.Unmarshal(raw, &parts) // anything else carries no text
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p.Text)
	}
	return b.String()
}

func (openai) fail(w http.ResponseWriter, status int, msg string) {
	typ := map[int]string{400: "invalid_request_error", 404: "not_found_error", 429: "rate_limit_error"}[status]
	if typ == "" {
		typ = "server_error"
	}
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": msg, "type": typ, "code": status}})
}

func (o openai) reply(w http.ResponseWriter, c chat, content string, pt, ct int, _ time.Duration) {
	stop := "stop"
	base := openaiResponse{ID: fmt.Sprintf("chatcmpl-sim%08d", o.ids.Add(1)), Created: time.Now().Unix(),
		Model: c.model, SystemFingerprint: "fp_llmsim"}
	usage := &openaiUsage{PromptTokens: pt, CompletionTokens: ct, TotalTokens: pt + ct}
	if !c.stream {
		base.Object = "chat.completion"
		base.Choices = []openaiChoice{{Message: &openaiMessage{Role: "assistant", Content: content}, FinishReason: &stop}}
		base.Usage = usage
		writeJSON(w, http.StatusOK, base)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	base.Object = "chat.completion.chunk"
	fl, _ := w.(http.Flusher)
	send := func(v any) bool {
		b, _ := json.Marshal(v) // fixed struct types always encode
		if _, err := fmt.Fprintf(w, "data: %s\n\n", b); err != nil {
			return false
		}
		if fl != nil {
			fl.Flush()
		}
		return true
	}
	for i, part := range chunks(content, 64) {
		chunk := base
		d := &openaiMessage{Content: part}
		if i == 0 {
			d.Role = "assistant"
		}
		chunk.Choices = []openaiChoice{{Delta: d}}
		if !send(chunk) {
			return
		}
	}
	last := base
	last.Choices = []openaiChoice{{Delta: &openaiMessage{}, FinishReason: &stop}}
	send(last)
	if c.includeUsage {
		u := base
		u.Choices = []openaiChoice{}
		u.Usage = usage
		send(u)
	}
	fmt.Fprint(w, "data: [DONE]\n\n")
}

func (s *Sim) openaiModels(w http.ResponseWriter, _ *http.Request) {
	type model struct {
		ID      string `json:"id"`
		Object  string `json:"object"`
		Created int64  `json:"created"`
		OwnedBy string `json:"owned_by"`
	}
	var data []model
	for _, m := range s.modelNames() {
		data = append(data, model{ID: m, Object: "model", Created: 1_700_000_000, OwnedBy: "llmsim"})
	}
	writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": data})
}
