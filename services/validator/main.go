// Command validator is the validator service: it is the quality gate. It
// checks records, admits them under exact quotas and asks for the
// regeneration of rejected slots.
package main

import (
	"os"

	"github.com/synthdesk/synthdesk/pkg/service"
)

func main() {
	os.Exit(service.Main("validator", loadConfig, func(c config) string { return c.Common.LogLevel }, run))
}
