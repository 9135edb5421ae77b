// Package dataset turns accepted conversations into the job's files:
// Parquet parts, the manifest and the _SUCCESS marker.
//
// A job's files live under JobDir(jobID) in the output store:
//
//	job_id=<id>/part-00000.parquet
//	job_id=<id>/rejected/part-00000.parquet   (when rejected records are kept)
//	job_id=<id>/_manifest.json
//	job_id=<id>/_SUCCESS                      (written last)
package dataset

import "fmt"

// Names of a job's files, relative to the job's folder.
const (
	ManifestName = "_manifest.json"
	SuccessName  = "_SUCCESS"
)

// PartName is the name of the seq-th Parquet part of accepted records,
// relative to the job's folder.
func PartName(seq int64) string { return fmt.Sprintf("part-%05d.parquet", seq) }

// RejectedPartName is the name of the seq-th Parquet part of rejected
// records, relative to the job's folder.
func RejectedPartName(seq int64) string { return fmt.Sprintf("rejected/part-%05d.parquet", seq) }

// JobDir is the Hive-style folder of a job ("job_id=<id>/"), relative to
// the output root, so query engines expose job_id as a partition column.
func JobDir(jobID string) string { return "job_id=" + jobID + "/" }
