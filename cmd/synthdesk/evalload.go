package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/eval"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/store"
)

// textOf picks the text a classifier is trained on: the first customer
// turn ("first") or all customer turns joined ("customer").
func textOf(c *record.Conversation, which string) string {
	if which == "customer" {
		return c.CustomerText()
	}
	for _, t := range c.Turns {
		if t.Role == record.RoleCustomer {
			return t.Text
		}
	}
	return ""
}

// loadDataset reads the accepted records of one DATASET argument: a job
// folder, an output root holding one job, an s3:// prefix of either, or a
// Parquet file. The job's manifest, when found, names the experiment and
// variant and gives the label figures.
// keep, when not nil, sees every record.
func loadDataset(ctx context.Context, arg string, s3 store.S3Config, which string, keep func(*record.Conversation)) (eval.Dataset, *dataset.Manifest, error) {
	ds := eval.Dataset{Name: arg}
	add := func(c *record.Conversation) error {
		if keep != nil {
			keep(c)
		}
		if t := textOf(c, which); t != "" {
			ds.Examples = append(ds.Examples, eval.Example{Text: t, Label: c.Intent})
		}
		return nil
	}
	if !strings.HasPrefix(arg, "s3://") {
		fi, err := os.Stat(strings.TrimPrefix(arg, "file://"))
		if err != nil {
			return ds, nil, fmt.Errorf("dataset %s: %w (give a job folder, an output folder, an s3:// prefix or a Parquet file)", arg, err)
		}
		if !fi.IsDir() {
			f, err := os.Open(arg)
			if err != nil {
				return ds, nil, err
			}
			defer f.Close()
			if err := dataset.Scan(f, fi.Size(), add); err != nil {
				return ds, nil, fmt.Errorf("dataset %s: %w (is it a synthdesk Parquet part?)", arg, err)
			}
			return ds, nil, nil
		}
	}
	st, err := store.Open(ctx, arg, s3)
	if err != nil {
		return ds, nil, fmt.Errorf("dataset %s: %w", arg, err)
	}
	parts, dir, err := findParts(ctx, st, arg)
	if err != nil {
		return ds, nil, err
	}
	for _, p := range parts {
		if err := scanObject(ctx, st, p, add); err != nil {
			return ds, nil, fmt.Errorf("dataset %s: %s: %w", arg, p.Key, err)
		}
	}
	m, err := readManifest(ctx, st, dir+dataset.ManifestName)
	if err != nil {
		return ds, nil, fmt.Errorf("dataset %s: %w", arg, err)
	}
	if m != nil {
		ds.Experiment, ds.Variant = m.Request.Experiment, m.Request.Variant
		ds.Job = &eval.JobFigures{JobID: m.JobID, LabelAgreement: m.Quality.LabelAgreement, Confidence: m.Quality.Confidence[:]}
	}
	return ds, m, nil
}

// findParts lists the accepted Parquet parts under st; they must all be in
// one folder (one job).
func findParts(ctx context.Context, st store.Store, arg string) ([]store.Object, string, error) {
	objs, err := st.List(ctx, "")
	if err != nil {
		return nil, "", fmt.Errorf("dataset %s: %w", arg, err)
	}
	dirs := map[string][]store.Object{}
	for _, o := range objs {
		dir, name := path.Split(o.Key)
		if strings.HasSuffix(name, ".parquet") && !strings.HasSuffix(dir, "rejected/") {
			dirs[dir] = append(dirs[dir], o)
		}
	}
	switch len(dirs) {
	case 0:
		return nil, "", fmt.Errorf("dataset %s: no Parquet parts found; give a job folder (out/job_id=...) or an output folder holding one job", arg)
	case 1:
		for dir, parts := range dirs {
			return parts, dir, nil
		}
	}
	var names []string
	for dir := range dirs {
		names = append(names, strings.TrimSuffix(dir, "/"))
	}
	sort.Strings(names)
	return nil, "", fmt.Errorf("dataset %s holds %d jobs (%s); give one job folder, e.g. %s", arg, len(dirs), strings.Join(names, ", "), st.URL(names[0]))
}

func scanObject(ctx context.Context, st store.Store, o store.Object, fn func(*record.Conversation) error) error {
	rc, err := st.Get(ctx, o.Key)
	if err != nil {
		return err
	}
	defer rc.Close()
	if ra, ok := rc.(io.ReaderAt); ok {
		return dataset.Scan(ra, o.Size, fn)
	}
	b, err := io.ReadAll(rc)
	if err != nil {
		return err
	}
	return dataset.Scan(bytes.NewReader(b), int64(len(b)), fn)
}

func readManifest(ctx context.Context, st store.Store, key string) (*dataset.Manifest, error) {
	rc, err := st.Get(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var m dataset.Manifest
	if err := json.NewDecoder(rc).Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	return &m, nil
}
