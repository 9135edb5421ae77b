package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestS3ConfigFromEnv(t *testing.T) {
	creds := filepath.Join(t.TempDir(), "credentials")
	os.WriteFile(creds, []byte("[default]\naws_access_key_id = FILEDEF\naws_secret_access_key = filesecret\n\n[profile ci]\naws_access_key_id=FILECI\naws_secret_access_key=cisecret\naws_session_token=citoken\n"), 0o600)
	keys := map[string]string{"AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "supersecret"}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range keys {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name    string
		env     map[string]string
		want    S3Config
		wantErr string
	}{
		{"aws defaults", keys, S3Config{AccessKey: "AK", SecretKey: "supersecret", Region: "us-east-1", Secure: true}, ""},
		{"http url endpoint", with(map[string]string{"SYNTHDESK_S3_ENDPOINT": "http://minio:9000", "AWS_REGION": "eu-west-1"}),
			S3Config{Endpoint: "minio:9000", AccessKey: "AK", SecretKey: "supersecret", Region: "eu-west-1", PathStyle: true}, ""},
		{"https url from AWS_ENDPOINT_URL_S3", with(map[string]string{"AWS_ENDPOINT_URL_S3": "https://s3.example.com", "AWS_ENDPOINT_URL": "http://other"}),
			S3Config{Endpoint: "s3.example.com", AccessKey: "AK", SecretKey: "supersecret", Region: "us-east-1", Secure: true, PathStyle: true}, ""},
		{"bare host is TLS", with(map[string]string{"AWS_ENDPOINT_URL": "gw:7070"}),
			S3Config{Endpoint: "gw:7070", AccessKey: "AK", SecretKey: "supersecret", Region: "us-east-1", Secure: true, PathStyle: true}, ""},
		{"bare host insecure, virtual host, create", with(map[string]string{"SYNTHDESK_S3_ENDPOINT": "gw:7070", "SYNTHDESK_S3_INSECURE": "true",
			"SYNTHDESK_S3_PATH_STYLE": "false", "SYNTHDESK_S3_CREATE_BUCKET": "1"}),
			S3Config{Endpoint: "gw:7070", AccessKey: "AK", SecretKey: "supersecret", Region: "us-east-1", CreateBucket: true}, ""},
		{"shared credentials file default profile", map[string]string{"AWS_SHARED_CREDENTIALS_FILE": creds},
			S3Config{AccessKey: "FILEDEF", SecretKey: "filesecret", Region: "us-east-1", Secure: true}, ""},
		{"mounted file with profile", map[string]string{"SYNTHDESK_S3_CREDENTIALS_FILE": creds, "AWS_PROFILE": "ci"},
			S3Config{AccessKey: "FILECI", SecretKey: "cisecret", SessionToken: "citoken", Region: "us-east-1", Secure: true}, ""},
		{"env keys win over file", with(map[string]string{"AWS_SHARED_CREDENTIALS_FILE": creds}),
			S3Config{AccessKey: "AK", SecretKey: "supersecret", Region: "us-east-1", Secure: true}, ""},
		{"missing profile", map[string]string{"AWS_SHARED_CREDENTIALS_FILE": creds, "AWS_PROFILE": "nope"}, S3Config{}, `profile "nope"`},
		{"missing file", map[string]string{"AWS_SHARED_CREDENTIALS_FILE": "/no/such/file"}, S3Config{}, "credentials file"},
		{"secret without key", map[string]string{"AWS_SECRET_ACCESS_KEY": "supersecret"}, S3Config{}, "only one of"},
		{"bad bool and bad url together", with(map[string]string{"SYNTHDESK_S3_PATH_STYLE": "maybe", "SYNTHDESK_S3_ENDPOINT": "ftp://x"}),
			S3Config{}, "SYNTHDESK_S3_PATH_STYLE"},
		{"endpoint with path", with(map[string]string{"SYNTHDESK_S3_ENDPOINT": "http://h:1/bucket"}), S3Config{}, "must not have a path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := S3ConfigFromEnv(func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "secret") && strings.Contains(err.Error(), "supersecret") {
					t.Fatalf("error leaks the secret: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("got  %+v\nwant %+v", got, tt.want)
			}
			if strings.Contains(got.String(), "supersecret") {
				t.Fatalf("String leaks the secret: %s", got)
			}
		})
	}
}
