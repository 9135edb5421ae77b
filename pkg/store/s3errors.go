package store

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"

	"github.com/minio/minio-go/v7"
)

// S3 error codes that mean the credentials are wrong or not allowed.
var credentialCodes = map[string]bool{
	"InvalidAccessKeyId": true, "SignatureDoesNotMatch": true, "AccessDenied": true,
	"ExpiredToken": true, "InvalidToken": true, "InvalidSecurity": true,
	// versitygw answers an unknown access key with 404 XAdminUserNotFound.
	"XAdminUserNotFound": true,
}

// classify wraps err from minio-go with the sentinel it stands for and
// says whether retrying may help. Messages never include secrets: minio
// errors carry codes, buckets and keys, not the request's signature.
func (s *S3) classify(op, key string, err error) (wrapped error, transient bool) {
	if err == nil {
		return nil, false
	}
	where := fmt.Sprintf("store: %s s3://%s/%s", op, s.bucket, s.full(key))
	var resp minio.ErrorResponse
	if errors.As(err, &resp) {
		switch {
		case resp.Code == "NoSuchKey":
			return fmt.Errorf("%s: %w", where, ErrNotFound), false
		case resp.Code == "NoSuchBucket":
			return fmt.Errorf("%s: %w: create bucket %q or set SYNTHDESK_S3_CREATE_BUCKET=true", where, ErrNoBucket, s.bucket), false
		case credentialCodes[resp.Code] || resp.StatusCode == 401 || resp.StatusCode == 403:
			return fmt.Errorf("%s: %w (%s): check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and the bucket policy", where, ErrBadCredentials, resp.Code), false
		case resp.StatusCode >= 500 || resp.Code == "SlowDown" || resp.StatusCode == 429:
			return fmt.Errorf("%s: %w: server answered %d %s", where, ErrUnreachable, resp.StatusCode, resp.Code), true
		}
		return fmt.Errorf("%s: %w", where, err), false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", where, err), false
	}
	var netErr net.Error
	var urlErr *url.Error
	if errors.As(err, &netErr) || errors.As(err, &urlErr) {
		return fmt.Errorf("%s: %w: %s is not answering (%v): check SYNTHDESK_S3_ENDPOINT and the network",
			where, ErrUnreachable, s.endpoint, err), true
	}
	return fmt.Errorf("%s: %w", where, err), false
}
