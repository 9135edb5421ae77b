package validator

import (
	"flag"
	"os"
	"strings"

	"github.com/synthdesk/synthdesk/pkg/llm/judge"
	"github.com/synthdesk/synthdesk/pkg/service"
)

// JudgeFlags configure the validator's optional LLM judge.
type JudgeFlags struct {
	Config  judge.Config
	KeyFile string
}

// Bind registers the flags; no URL means no judge.
func (j *JudgeFlags) Bind(fs *flag.FlagSet, env service.Env) {
	fs.StringVar(&j.Config.Backend, "judge-backend", service.Str(env, "SYNTHDESK_JUDGE_BACKEND", "openai"), "judge protocol: ollama or openai [SYNTHDESK_JUDGE_BACKEND]")
	fs.StringVar(&j.Config.BaseURL, "judge-url", service.Str(env, "SYNTHDESK_JUDGE_URL", ""), "judge server; empty disables judging [SYNTHDESK_JUDGE_URL]")
	fs.StringVar(&j.Config.Model, "judge-model", service.Str(env, "SYNTHDESK_JUDGE_MODEL", ""), "judge model [SYNTHDESK_JUDGE_MODEL]")
	j.Config.APIKey = service.Str(env, "OPENAI_API_KEY", "")
	fs.StringVar(&j.KeyFile, "judge-api-key-file", service.Str(env, "SYNTHDESK_OPENAI_API_KEY_FILE", ""), "file holding the judge server's API key (or set OPENAI_API_KEY)")
}

// Build returns the judge, or nil when none is configured.
func (j *JudgeFlags) Build() (*judge.Judge, error) {
	if j.Config.BaseURL == "" {
		return nil, nil
	}
	if j.KeyFile != "" {
		b, err := os.ReadFile(j.KeyFile)
		if err != nil {
			return nil, err
		}
		j.Config.APIKey = strings.TrimSpace(string(b))
	}
	return judge.New(j.Config)
}
