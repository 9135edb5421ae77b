// Package report renders what a person reads about a finished job: a
// self-contained HTML quality report (report.html, charts as inline SVG, no
// scripts and no network fetches) and a Hugging Face style dataset card
// (README.md). Both are built from the job's manifest alone, plus a few
// accepted conversations to show in the HTML report.
package report
