// Package quality holds the checks of the quality gate: structure, schema,
// language, PII, duplicate fingerprints, and the dataset statistics
// reported in the manifest. It knows nothing of the bus: the validator
// stage calls it with one conversation at a time.
package quality
