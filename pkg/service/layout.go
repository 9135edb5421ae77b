package service

import (
	"flag"

	"github.com/synthdesk/synthdesk/pkg/pipeline"
)

// BindLayout registers the output layout flags. The generator fixes them
// on every job it starts and the sink consumes by them, so both services
// must run with the same values.
func BindLayout(fs *flag.FlagSet, env Env, cfg *pipeline.Config) {
	fs.IntVar(&cfg.BatchRows, "batch-rows", Int(env, "SYNTHDESK_BATCH_ROWS", 10000), "records per Parquet part [SYNTHDESK_BATCH_ROWS]")
	fs.IntVar(&cfg.Partitions, "partitions", Int(env, "SYNTHDESK_SINK_PARTITIONS", 4), "sink partitions (parallel sink writers) [SYNTHDESK_SINK_PARTITIONS]")
}
