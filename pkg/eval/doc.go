// Package eval measures how useful a synthetic dataset is for training an
// intent classifier on real customer requests: a fast seeded linear
// classifier trained on synthetic texts and tested on a real labeled
// sample, the same classifier cross-validated on the real sample (the
// ceiling), diversity figures, memorization of real texts, and paired
// bootstrap intervals on the difference between datasets.
//
// Everything is deterministic for a given seed and input order. The
// package knows nothing of NATS or the job layout; callers hand it texts
// and labels.
package eval
