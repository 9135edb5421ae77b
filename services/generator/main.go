// Command generator is the generator service: it serves generation
// requests and fills generator tasks with conversations from an LLM.
package main

import (
	"os"

	"github.com/synthdesk/synthdesk/pkg/service"
)

func main() {
	os.Exit(service.Main("generator", loadConfig, func(c config) string { return c.Common.LogLevel }, run))
}
