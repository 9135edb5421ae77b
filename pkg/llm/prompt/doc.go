// Package prompt builds the prompts real LLM backends are sent: a static
// system part (task, output format, rules) that servers with prefix caching
// reuse across calls, then a few curated example conversations rotated by
// seed, then one REQUEST line per conversation asked for.
package prompt
