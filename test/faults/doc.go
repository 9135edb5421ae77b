// Package faults is synthdesk's fault suite: it builds the four services,
// the CLI and nats-server, starts them as real processes against a real
// NATS server and a versitygw S3 server, injects faults (kill -9 of a
// service or the NATS server, an S3 outage, a lost replica or cluster
// node, hostile requests, a client run against a tuned topology) and
// checks every dataset the jobs write.
//
// `make test` runs the short set (small jobs, a few scenarios);
// `make faults` runs every scenario at 100,000 samples. SYNTHDESK_FAULTS
// selects the set: "short" (default) or "full"; SYNTHDESK_FAULTS_SAMPLES
// overrides the job size of the set.
package faults
