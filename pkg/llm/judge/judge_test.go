package judge

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/synthdesk/synthdesk/pkg/record"
)

// server answers both protocols with the content the test chooses.
func server(t *testing.T, content func(prompt string) string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Messages []struct {
				Content string `json:"content"`
			} `json:"messages"`
		}
		_ = json.NewDecoder(r.Body).Decode(&req)
		prompt := ""
		for _, m := range req.Messages {
			prompt += m.Content
		}
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v1/chat/completions":
			_ = json.NewEncoder(w).Encode(map[string]any{
				"id": "c1", "object": "chat.completion", "created": 1, "model": "judge",
				"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
					"message": map[string]any{"role": "assistant", "content": content(prompt)}}},
				"usage": map[string]any{"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
			})
		case "/api/chat":
			_ = json.NewEncoder(w).Encode(map[string]any{
				"model": "judge", "created_at": "2026-01-01T00:00:00Z", "done": true,
				"message": map[string]any{"role": "assistant", "content": content(prompt)},
			})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func conv() *record.Conversation {
	return &record.Conversation{RequestedIntent: "track_order", Turns: []record.Turn{
		{Role: record.RoleCustomer, Text: "Where is my parcel?"}, {Role: record.RoleAgent, Text: "Let me check."}}}
}

func TestScoreThroughBothProtocols(t *testing.T) {
	var seen string
	srv := server(t, func(p string) string { seen = p; return `{"score": 4, "reason": "fine"}` })
	for _, tt := range []struct{ name, backend, url string }{
		{"openai", "openai", srv.URL + "/v1"},
		{"ollama", "ollama", srv.URL},
	} {
		t.Run(tt.name, func(t *testing.T) {
			j, err := New(Config{Backend: tt.backend, BaseURL: tt.url, Model: "judge"})
			if err != nil {
				t.Fatal(err)
			}
			got, err := j.Score(t.Context(), conv())
			if err != nil || got != 4 {
				t.Fatalf("score %v, %v; want 4", got, err)
			}
			if !strings.Contains(seen, "Stated intent: track_order") || !strings.Contains(seen, "customer: Where is my parcel?") {
				t.Errorf("prompt lacks the conversation: %q", seen)
			}
		})
	}
}

func TestParseScore(t *testing.T) {
	tests := []struct {
		name, answer string
		want         float64
		err          error
	}{
		{name: "json", answer: `{"score": 5, "reason": "ok"}`, want: 5},
		{name: "fenced with prose", answer: "Sure.\n```json\n{\"score\": 2}\n```", want: 2},
		{name: "decimal", answer: `{"score": 3.5}`, want: 3.5},
		{name: "out of range", answer: `{"score": 9}`, err: ErrNoScore},
		{name: "no score", answer: `I cannot judge this.`, err: ErrNoScore},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseScore(tt.answer)
			if !errors.Is(err, tt.err) || got != tt.want {
				t.Errorf("parseScore = %v, %v; want %v, %v", got, err, tt.want, tt.err)
			}
		})
	}
}

func TestGarbageAnswerIsAnError(t *testing.T) {
	srv := server(t, func(string) string { return "no idea" })
	j, err := New(Config{Backend: "openai", BaseURL: srv.URL + "/v1", Model: "judge"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.Score(t.Context(), conv()); !errors.Is(err, ErrNoScore) {
		t.Errorf("err %v, want ErrNoScore", err)
	}
}
