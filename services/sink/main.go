// Command sink is the sink service: it writes accepted records as Parquet
// parts in a folder or an S3 bucket and finishes jobs with their manifest.
package main

import (
	"os"

	"github.com/synthdesk/synthdesk/pkg/service"
)

func main() {
	os.Exit(service.Main("sink", loadConfig, func(c config) string { return c.Common.LogLevel }, run))
}
