package service

import (
	"flag"

	"github.com/synthdesk/synthdesk/pkg/pipeline"
)

// BindLayout registers the output layout flags. The generator fixes them
// on every job it starts and the sink consumes by them, so both services
// must run with the same values.
func BindLayout(fs *flag.FlagSet, env Env, l *pipeline.Layout) {
	fs.IntVar(&l.BatchRows, "batch-rows", Int(env, "SYNTHDESK_BATCH_ROWS", pipeline.DefaultBatchRows), "records per Parquet part [SYNTHDESK_BATCH_ROWS]")
	fs.IntVar(&l.Partitions, "partitions", Int(env, "SYNTHDESK_SINK_PARTITIONS", pipeline.DefaultPartitions), "sink partitions (parallel sink writers) [SYNTHDESK_SINK_PARTITIONS]")
}
