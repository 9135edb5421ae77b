package pipeline_test

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	pq "github.com/parquet-go/parquet-go"
	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/llm/judge"
	"github.com/synthdesk/synthdesk/pkg/pipeline/validator"
	"github.com/synthdesk/synthdesk/pkg/record"
)

// judgeServer is an OpenAI-compatible server that scores a conversation
// 1 to 5 from a hash of the prompt, so some records score low.
func judgeServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Messages []struct {
				Content string `json:"content"`
			} `json:"messages"`
		}
		_ = json.NewDecoder(r.Body).Decode(&req)
		h := fnv.New32a()
		for _, m := range req.Messages {
			h.Write([]byte(m.Content))
		}
		score := h.Sum32()%5 + 1
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": "j", "object": "chat.completion", "created": 1, "model": "judge",
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
				"message": map[string]any{"role": "assistant", "content": fmt.Sprintf(`{"score": %d}`, score)}}},
		})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestJudgeScoresAndGatesRecords(t *testing.T) {
	srv := judgeServer(t)
	j, err := judge.New(judge.Config{Backend: "openai", BaseURL: srv.URL + "/v1", Model: "judge"})
	if err != nil {
		t.Fatal(err)
	}
	c := startCluster(t, func(cfg *testConfig) { cfg.Judge = j })
	reply := c.submit(t, record.Request{Samples: 200, Seed: seed(4), Quality: record.Quality{MinScore: 3, RetryBudget: 5000}})
	job := c.wait(t, reply.JobID, 2*time.Minute)
	if job.Status != record.StatusDone {
		t.Fatalf("status %s", job.Status)
	}
	if job.Rejections[validator.ReasonLowScore] == 0 {
		t.Errorf("no record rejected for a low score: %v", job.Rejections)
	}
	type scored struct {
		Score float64 `parquet:"quality_score"`
	}
	files, _ := filepath.Glob(filepath.Join(c.out, dataset.JobDir(reply.JobID), "part-*.parquet"))
	n := 0
	for _, f := range files {
		rows, err := pq.ReadFile[scored](f)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			n++
			if r.Score < 3 || r.Score > 5 {
				t.Fatalf("a row has quality_score %v, want 3..5", r.Score)
			}
		}
	}
	if n != 200 {
		t.Errorf("%d rows, want 200", n)
	}
}
