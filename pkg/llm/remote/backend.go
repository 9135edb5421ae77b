// Package remote reaches real language-model servers through langchaingo:
// Ollama's native chat API and any OpenAI-compatible server (vLLM,
// llama.cpp, LM Studio, TGI, Ollama's /v1). Both ask for JSON, report token
// usage and classify failures as *llm.CallError.
package remote

import (
	"cmp"
	"context"
	"errors"
	"net"
	"strings"
	"time"

	"github.com/tmc/langchaingo/llms"

	"github.com/synthdesk/synthdesk/pkg/llm"
	"github.com/synthdesk/synthdesk/pkg/llm/parse"
)

// Backend is a remote llm.Backend. It is safe for concurrent use.
type Backend struct {
	kind string // "ollama" or "openai"
	cfg  Config
	// model returns the langchaingo model for one call's JSON schema.
	model func(schema []byte) (llms.Model, []llms.CallOption, error)
}

var _ llm.Backend = (*Backend)(nil)

// Name is "<backend>/<model>", the model defaulting to Config.Model.
func (b *Backend) Name(model string) string {
	if model == "" {
		model = b.cfg.Model
	}
	return b.kind + "/" + model
}

// PromptVersion is Config.PromptVersion.
func (b *Backend) PromptVersion() string { return b.cfg.PromptVersion }

// Generate renders call, sends it and parses the answer. Errors are
// *llm.CallError (test with llm.IsRetryable) except for a caller's own
// cancelled context, which is returned as is.
func (b *Backend) Generate(ctx context.Context, call llm.Call) (llm.Result, error) {
	model, err := b.cfg.model(call)
	if err != nil {
		return llm.Result{}, &llm.CallError{Backend: b.kind, Kind: llm.KindPermanent, Err: err}
	}
	p, err := b.cfg.Render(call)
	if err != nil {
		return llm.Result{}, &llm.CallError{Backend: b.kind, Kind: llm.KindPermanent, Err: err}
	}
	system, user := p.System, p.User
	m, opts, err := b.model(p.Schema)
	if err != nil {
		return llm.Result{}, b.redacted(llm.KindPermanent, 0, err)
	}
	opts = append(opts, callOptions(model, call)...)
	callCtx, cancel := ctx, context.CancelFunc(func() {})
	if b.cfg.Timeout > 0 {
		callCtx, cancel = context.WithTimeout(ctx, b.cfg.Timeout)
	}
	defer cancel()
	callCtx, out := withOutcome(callCtx, call.Temperature == nil)
	start := time.Now()
	resp, err := m.GenerateContent(callCtx, []llms.MessageContent{
		llms.TextParts(llms.ChatMessageTypeSystem, system),
		llms.TextParts(llms.ChatMessageTypeHuman, user),
	}, opts...)
	seconds := time.Since(start).Seconds()
	if cerr := b.classify(ctx, callCtx, out, err); cerr != nil {
		return llm.Result{Usage: llm.Usage{Calls: 1, Seconds: seconds}}, cerr
	}
	content, info := "", map[string]any(nil)
	if len(resp.Choices) > 0 {
		content, info = resp.Choices[0].Content, resp.Choices[0].GenerationInfo
	}
	usage := usageOf(info, system+user, content)
	usage.Seconds, usage.Calls = seconds, 1
	return llm.Result{Drafts: b.parse(content, call), Usage: usage, PromptVersion: cmp.Or(p.Version, b.cfg.PromptVersion)}, nil
}

func (b *Backend) parse(content string, call llm.Call) []llm.Draft {
	if b.cfg.Parse != nil {
		return b.cfg.Parse(content, call)
	}
	intents := make([]string, len(call.Specs))
	for i, s := range call.Specs {
		if s.Intent != nil {
			intents[i] = s.Intent.Name
		}
	}
	return parse.ForIntents(content, intents)
}

func callOptions(model string, call llm.Call) []llms.CallOption {
	opts := []llms.CallOption{llms.WithModel(model)}
	if call.Temperature != nil {
		opts = append(opts, llms.WithTemperature(*call.Temperature))
	}
	if call.TopP != nil {
		opts = append(opts, llms.WithTopP(*call.TopP))
	}
	if call.MaxTokens > 0 {
		opts = append(opts, llms.WithMaxTokens(call.MaxTokens))
	}
	if len(call.Specs) > 0 {
		opts = append(opts, llms.WithSeed(int(call.Specs[0].Seed&0x7fffffff)))
	}
	return opts
}

// classify turns what happened into nil, the caller's context error, or a
// *llm.CallError, using the status the transport recorded.
func (b *Backend) classify(ctx, callCtx context.Context, out *outcome, err error) error {
	switch {
	case out.status >= 400:
		ce := b.redacted(llm.KindForStatus(out.status), out.status, err)
		ce.RetryAfter = out.retryAfter
		return ce
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case callCtx.Err() != nil:
		return b.redacted(llm.KindTimeout, 0, context.DeadlineExceeded)
	case out.err != nil:
		var ne net.Error
		if errors.As(out.err, &ne) && ne.Timeout() {
			return b.redacted(llm.KindTimeout, 0, out.err)
		}
		return b.redacted(llm.KindConnection, 0, out.err)
	}
	// A 2xx answer the client could not read (bad JSON, no choices, a
	// stream cut short): the server misbehaved, another try may work.
	return b.redacted(llm.KindServer, out.status, err)
}

// redacted wraps err's message with the API key removed. The original
// chain is dropped on purpose: transport errors can quote request details.
func (b *Backend) redacted(kind llm.ErrorKind, status int, err error) *llm.CallError {
	msg := "no detail"
	if err != nil {
		msg = err.Error()
	}
	if b.cfg.APIKey != "" {
		msg = strings.ReplaceAll(msg, b.cfg.APIKey, "[redacted]")
	}
	return &llm.CallError{Backend: b.kind, Status: status, Kind: kind, Err: errors.New(msg)}
}
