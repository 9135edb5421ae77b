package remote

import "github.com/synthdesk/synthdesk/pkg/llm"

// usageOf reads token counts from a langchaingo GenerationInfo. Both the
// Ollama (prompt_eval_count, eval_count) and OpenAI (usage) clients store
// them under "PromptTokens" and "CompletionTokens"; when the server sent
// none they are estimated at one token per 4 bytes.
func usageOf(info map[string]any, prompt, completion string) llm.Usage {
	p, c := intOf(info["PromptTokens"]), intOf(info["CompletionTokens"])
	if p == 0 && c == 0 {
		return llm.Usage{PromptTokens: estimate(prompt), CompletionTokens: estimate(completion), Estimated: true}
	}
	return llm.Usage{PromptTokens: p, CompletionTokens: c}
}

func estimate(s string) int { return (len(s) + 3) / 4 }

func intOf(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case int64:
		return int(n)
	case float64:
		return int(n)
	}
	return 0
}
