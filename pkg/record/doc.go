// Package record defines the contracts every stage shares: the generation
// request users publish, the conversation record that travels from the
// generator to the Parquet files, the generator's work items and the job
// state kept in the bus. It has no dependencies beyond the standard library.
//
// SchemaVersion changes whenever a field is added, removed or changes
// meaning; docs/architecture.md describes each version.
package record

// SchemaVersion is the version of the request, record and job contracts.
const SchemaVersion = "1"
