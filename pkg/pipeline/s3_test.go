package pipeline_test

import (
	"context"
	"errors"
	"io"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/synthdesk/synthdesk/pkg/bus"
	"github.com/synthdesk/synthdesk/pkg/bus/bustest"
	"github.com/synthdesk/synthdesk/pkg/dataset"
	"github.com/synthdesk/synthdesk/pkg/record"
	"github.com/synthdesk/synthdesk/pkg/report"
	"github.com/synthdesk/synthdesk/pkg/store"
	"github.com/synthdesk/synthdesk/pkg/store/storetest"
	"github.com/synthdesk/synthdesk/pkg/taxonomy"
)

// s3Prefix is where the S3 tests write datasets in their bucket.
const s3Prefix = "datasets"

// startS3Cluster runs the four stages with the default output in a fresh
// versitygw bucket.
func startS3Cluster(t *testing.T, srv *storetest.Server) *cluster {
	t.Helper()
	return startCluster(t, func(c *testConfig) {
		c.Output, c.S3 = "s3://"+srv.Bucket+"/"+s3Prefix, srv.Config()
		// A short ack wait makes the sink look for finished jobs every second.
		c.SinkAckWait = 4 * time.Second
		c.SinkPinnedTTL = 10 * time.Second
	})
}

// readS3Output lists a job's objects with a client of its own and reads
// them back; it also returns the listing.
func readS3Output(t *testing.T, srv *storetest.Server, jobID string) (output, []minio.ObjectInfo) {
	t.Helper()
	ctx := context.Background()
	client, err := minio.New(srv.Endpoint, &minio.Options{
		Creds: credentials.NewStaticV4(srv.AccessKey, srv.SecretKey, ""), BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := s3Prefix + "/" + dataset.JobDir(jobID)
	o := output{raw: map[string][]byte{}, parts: map[string][]row{}}
	var objs []minio.ObjectInfo
	for obj := range client.ListObjects(ctx, srv.Bucket, minio.ListObjectsOptions{Prefix: dir, Recursive: true}) {
		if obj.Err != nil {
			t.Fatalf("list %s: %v", dir, obj.Err)
		}
		objs = append(objs, obj)
		name := strings.TrimPrefix(obj.Key, dir)
		switch {
		case name == dataset.SuccessName:
			o.success = true
		case name == dataset.ManifestName:
			o.setManifest(t, getObject(t, client, srv.Bucket, obj.Key))
		case strings.HasPrefix(name, "part-") && path.Ext(name) == ".parquet":
			o.add(t, name, getObject(t, client, srv.Bucket, obj.Key))
		case name == report.HTMLName || name == report.CardName:
			// Written before _SUCCESS; checkSuccessLast covers them.
		default:
			t.Errorf("unexpected object %s", obj.Key)
		}
	}
	return o, objs
}

func getObject(t *testing.T, client *minio.Client, bucket, key string) []byte {
	t.Helper()
	obj, err := client.GetObject(context.Background(), bucket, key, minio.GetObjectOptions{})
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	defer obj.Close()
	b, err := io.ReadAll(obj)
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	return b
}

// checkSuccessLast checks that _SUCCESS was stored after every other
// object of the job (S3 times have a one-second grain: not before).
func checkSuccessLast(t *testing.T, objs []minio.ObjectInfo) {
	t.Helper()
	var success time.Time
	for _, o := range objs {
		if path.Base(o.Key) == dataset.SuccessName {
			success = o.LastModified
		}
	}
	for _, o := range objs {
		if success.Before(o.LastModified) {
			t.Errorf("%s modified %s, after %s (%s)", o.Key, o.LastModified, dataset.SuccessName, success)
		}
	}
}

func TestS3EndToEnd(t *testing.T) {
	t.Parallel()
	srv := storetest.S3(t)
	c := startS3Cluster(t, srv)
	reply := c.submit(t, record.Request{Samples: 3000, Seed: seed(21)})
	job := c.wait(t, reply.JobID, 2*time.Minute)
	o, objs := readS3Output(t, srv, reply.JobID)
	checkOutput(t, job, o)
	checkSuccessLast(t, objs)
	if want := "s3://" + srv.Bucket + "/" + s3Prefix + "/" + dataset.JobDir(reply.JobID); o.manifest.Location != want {
		t.Errorf("manifest location %q, want %q", o.manifest.Location, want)
	}
}

// TestS3SinkRefusesBadOutputAtStartup checks that a sink whose output it
// cannot use fails at once with an error saying why, before it creates its
// consumers, so it takes no record from other replicas.
func TestS3SinkRefusesBadOutputAtStartup(t *testing.T) {
	t.Parallel()
	srv := storetest.S3(t)
	nats := bustest.Server(t)
	conn, js := bustest.Conn(t, nats), bustest.JetStream(t, nats)
	tax, err := taxonomy.Default()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		mutate func(*store.S3Config, *string)
		want   error
	}{
		{name: "wrong secret", want: store.ErrBadCredentials,
			mutate: func(c *store.S3Config, _ *string) { c.SecretKey = "wrong" + c.SecretKey }},
		{name: "unknown access key", want: store.ErrBadCredentials,
			mutate: func(c *store.S3Config, _ *string) { c.AccessKey = "nobody" }},
		{name: "missing bucket", want: store.ErrNoBucket,
			mutate: func(_ *store.S3Config, out *string) { *out = "s3://no-such-bucket-" + srv.Bucket + "/" + s3Prefix }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s3, out := srv.Config(), "s3://"+srv.Bucket+"/"+s3Prefix
			tt.mutate(&s3, &out)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			err := runSink(ctx, testConfig{Conn: conn, Taxonomy: tax, Output: out, S3: s3})
			if !errors.Is(err, tt.want) || errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("sink: %v, want %v", err, tt.want)
			}
			if msg := err.Error(); strings.Contains(msg, "\n") || strings.Contains(msg, s3.SecretKey) {
				t.Errorf("error is not one line without secrets: %q", msg)
			}
			if _, err := js.Consumer(ctx, bus.StreamAccepted, "sink-p0"); !errors.Is(err, jetstream.ErrConsumerNotFound) {
				t.Errorf("sink consumer after a failed start: %v, want none", err)
			}
		})
	}
}

// TestS3UnreachableMidJob stops the S3 server once the job is running and
// brings it back only after generation is over: the sink holds its batches
// meanwhile and the job still ends with every record once.
func TestS3UnreachableMidJob(t *testing.T) {
	t.Parallel()
	srv := storetest.S3(t)
	c := startS3Cluster(t, srv)
	waitSinkReady(t, c.js)
	reply := c.submit(t, record.Request{Samples: 3000, Seed: seed(22)})
	srv.Stop()
	jobs := mustJobs(t, c.conn)
	var job record.Job
	bustest.Eventually(t, 2*time.Minute, func() bool {
		var err error
		job, err = jobs.Get(context.Background(), reply.JobID)
		return err == nil && job.Sealed
	}, "generation done while S3 is down")
	recorded := partRecords(t, c.conn, reply.JobID)
	if job.Status != record.StatusRunning || recorded >= int(job.Parts(job.Accepted)) {
		t.Fatalf("with S3 down: job %s, %d of %d parts recorded; want it running and short of parts",
			job.Status, recorded, job.Parts(job.Accepted))
	}
	srv.Start()
	job = c.wait(t, reply.JobID, 2*time.Minute)
	o, objs := readS3Output(t, srv, reply.JobID)
	checkOutput(t, job, o)
	checkSuccessLast(t, objs)
}
