// Package pipeline is the runtime the four stage adapters share: the
// dependencies every stage gets (Deps), the Stage shape and the one
// composition function (Assemble) that both a service and the embedded
// `synthdesk run` use, the consume loop with the middleware every stage
// has, the job cache, the per-job counters, and the client side (submit,
// cancel, progress). It knows no stage: each lives in its own package.
//
// Follow a record: generator/intake.go (request -> job and tasks) ->
// generator/generator.go (task -> conversations) -> classifier (labels,
// noise) -> validator/validator.go (checks, ledger, accepted, rejected,
// regenerated) -> sink/sink.go (records -> Parquet parts) ->
// sink/finalize.go (manifest, _SUCCESS).
package pipeline
