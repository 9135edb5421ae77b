package service

import (
	"errors"
	"flag"

	"github.com/synthdesk/synthdesk/pkg/pipeline"
)

// BindLayout registers the output layout flags. The generator fixes them
// on every job it starts and the sink consumes by them, so both services
// must run with the same values.
func BindLayout(fs *flag.FlagSet, env Env, l *pipeline.Layout) error {
	return errors.Join(
		IntVar(fs, &l.BatchRows, "batch-rows", env, "SYNTHDESK_BATCH_ROWS", pipeline.DefaultBatchRows, "records per Parquet part [SYNTHDESK_BATCH_ROWS]"),
		IntVar(fs, &l.Partitions, "partitions", env, "SYNTHDESK_SINK_PARTITIONS", pipeline.DefaultPartitions, "sink partitions (parallel sink writers) [SYNTHDESK_SINK_PARTITIONS]"))
}
