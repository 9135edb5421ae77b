package llmsim

import (
	"encoding/json"
	"net/http"
	"time"
)

type ollamaMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type ollamaRequest struct {
	Model    string          `json:"model"`
	Messages []ollamaMessage `json:"messages"`
	// Stream defaults to true in Ollama when absent.
	Stream *bool           `json:"stream"`
	Format json.RawMessage `json:"format"`
}

// ollamaResponse is one line of /api/chat, as Ollama writes it.
type ollamaResponse struct {
	Model              string         `json:"model"`
	CreatedAt          time.Time      `json:"created_at"`
	Message            *ollamaMessage `json:"message,omitempty"`
	Done               bool           `json:"done"`
	DoneReason         string         `json:"done_reason,omitempty"`
	TotalDuration      int64          `json:"total_duration,omitempty"`
	LoadDuration       int64          `json:"load_duration,omitempty"`
	PromptEvalCount    int            `json:"prompt_eval_count,omitempty"`
	PromptEvalDuration int64          `json:"prompt_eval_duration,omitempty"`
	EvalCount          int            `json:"eval_count,omitempty"`
	EvalDuration       int64          `json:"eval_duration,omitempty"`
}

type ollama struct{}

func (s *Sim) ollamaChat(w http.ResponseWriter, r *http.Request) {
	var req ollamaRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		s.stats.served("bad_request", 0, 0, 0)
		ollama{}.fail(w, http.StatusBadRequest, "invalid request body: "+err.Error())
		return
	}
	c := chat{model: req.Model, stream: req.Stream == nil || *req.Stream}
	for _, m := range req.Messages {
		c.promptChars += len(m.Content)
		if m.Role == "user" {
			c.user = m.Content
		}
	}
	s.serve(w, r, c, ollama{})
}

func (ollama) fail(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func (ollama) reply(w http.ResponseWriter, c chat, content string, pt, ct int, took time.Duration) {
	final := ollamaResponse{Model: c.model, CreatedAt: time.Now().UTC(), Done: true, DoneReason: "stop",
		TotalDuration: int64(took), PromptEvalCount: pt, PromptEvalDuration: int64(took) / 10,
		EvalCount: ct, EvalDuration: int64(took) * 9 / 10}
	if !c.stream {
		final.Message = &ollamaMessage{Role: "assistant", Content: content}
		writeJSON(w, http.StatusOK, final)
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	enc := json.NewEncoder(w)
	fl, _ := w.(http.Flusher)
	for _, part := range chunks(content, 64) {
		if enc.Encode(ollamaResponse{Model: c.model, CreatedAt: time.Now().UTC(),
			Message: &ollamaMessage{Role: "assistant", Content: part}}) != nil {
			return
		}
		if fl != nil {
			fl.Flush()
		}
	}
	final.Message = &ollamaMessage{Role: "assistant", Content: ""}
	_ = enc.Encode(final) // the client may have gone
}

func (s *Sim) ollamaTags(w http.ResponseWriter, _ *http.Request) {
	type model struct {
		Name       string    `json:"name"`
		Model      string    `json:"model"`
		ModifiedAt time.Time `json:"modified_at"`
		Size       int64     `json:"size"`
	}
	var models []model
	for _, m := range s.modelNames() {
		models = append(models, model{Name: m, Model: m, ModifiedAt: time.Unix(1_700_000_000, 0).UTC(), Size: 1 << 30})
	}
	writeJSON(w, http.StatusOK, map[string]any{"models": models})
}
