// Command classifier is the classifier service: it labels conversations with the rule-based classifier and adds seeded noise.
package main

import (
	"os"

	"github.com/synthdesk/synthdesk/pkg/service"
)

func main() {
	os.Exit(service.Main("classifier", loadConfig, func(c config) string { return c.Common.LogLevel }, run))
}
