package store

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
)

// S3ConfigFromEnv builds an S3Config from environment variables read
// through lookup (pass os.LookupEnv); the package never reads the
// environment itself. Variables:
//
//	AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
//	AWS_SHARED_CREDENTIALS_FILE + AWS_PROFILE, or SYNTHDESK_S3_CREDENTIALS_FILE
//	    (AWS credentials-file format; used when the key variables are unset)
//	AWS_REGION (then AWS_DEFAULT_REGION; default us-east-1)
//	SYNTHDESK_S3_ENDPOINT, else AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL:
//	    a URL whose scheme decides TLS, or host:port with TLS unless
//	    SYNTHDESK_S3_INSECURE=true
//	SYNTHDESK_S3_PATH_STYLE (default true with a custom endpoint)
//	SYNTHDESK_S3_CREATE_BUCKET (default false)
//
// Every problem is reported at once; secret values never appear in errors.
func S3ConfigFromEnv(lookup func(string) (string, bool)) (S3Config, error) {
	get := func(k string) string { v, _ := lookup(k); return strings.TrimSpace(v) }
	var errs []error
	boolVar := func(k string, def bool) bool {
		v := get(k)
		if v == "" {
			return def
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: want true or false", k, v))
		}
		return b
	}
	cfg := S3Config{
		AccessKey: get("AWS_ACCESS_KEY_ID"), SecretKey: get("AWS_SECRET_ACCESS_KEY"),
		SessionToken: get("AWS_SESSION_TOKEN"), Region: firstSet(get, "AWS_REGION", "AWS_DEFAULT_REGION"),
		Secure: true,
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.AccessKey == "" && cfg.SecretKey == "" {
		if err := credentialsFromFile(get, &cfg); err != nil {
			errs = append(errs, err)
		}
	}
	if (cfg.AccessKey == "") != (cfg.SecretKey == "") {
		errs = append(errs, errors.New("only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set: set both"))
	}
	if ep := firstSet(get, "SYNTHDESK_S3_ENDPOINT", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"); ep != "" {
		host, secure, err := parseEndpoint(ep, boolVar("SYNTHDESK_S3_INSECURE", false))
		if err != nil {
			errs = append(errs, err)
		}
		cfg.Endpoint, cfg.Secure = host, secure
	}
	cfg.PathStyle = boolVar("SYNTHDESK_S3_PATH_STYLE", cfg.Endpoint != "")
	cfg.CreateBucket = boolVar("SYNTHDESK_S3_CREATE_BUCKET", false)
	if err := errors.Join(errs...); err != nil {
		return S3Config{}, fmt.Errorf("s3 configuration: %w", err)
	}
	return cfg, nil
}

func firstSet(get func(string) string, keys ...string) string {
	for _, k := range keys {
		if v := get(k); v != "" {
			return v
		}
	}
	return ""
}

// parseEndpoint accepts http(s)://host[:port] or a bare host[:port].
func parseEndpoint(ep string, insecure bool) (host string, secure bool, err error) {
	if !strings.Contains(ep, "://") {
		return strings.TrimSuffix(ep, "/"), !insecure, nil
	}
	u, err := url.Parse(ep)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", false, fmt.Errorf("S3 endpoint %q: want http(s)://host[:port] or host:port", ep)
	}
	if u.Path != "" && u.Path != "/" {
		return "", false, fmt.Errorf("S3 endpoint %q: must not have a path; put the prefix in the output URL", ep)
	}
	return u.Host, u.Scheme == "https", nil
}

// credentialsFromFile reads keys from an AWS credentials file: the
// SYNTHDESK_S3_CREDENTIALS_FILE (profile AWS_PROFILE or default), else
// AWS_SHARED_CREDENTIALS_FILE. No file configured is not an error.
func credentialsFromFile(get func(string) string, cfg *S3Config) error {
	path := firstSet(get, "SYNTHDESK_S3_CREDENTIALS_FILE", "AWS_SHARED_CREDENTIALS_FILE")
	if path == "" {
		return nil
	}
	profile := get("AWS_PROFILE")
	if profile == "" {
		profile = "default"
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("credentials file: %w", err)
	}
	defer f.Close()
	values, err := parseCredentials(f, profile)
	if err != nil {
		return fmt.Errorf("credentials file %s: %w", path, err)
	}
	cfg.AccessKey = values["aws_access_key_id"]
	cfg.SecretKey = values["aws_secret_access_key"]
	cfg.SessionToken = values["aws_session_token"]
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		return fmt.Errorf("credentials file %s: profile %q lacks aws_access_key_id or aws_secret_access_key", path, profile)
	}
	return nil
}

// parseCredentials returns the key = value pairs of one [profile] section.
func parseCredentials(r io.Reader, profile string) (map[string]string, error) {
	values := map[string]string{}
	in := false
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			name := strings.TrimSpace(strings.TrimPrefix(line[1:len(line)-1], "profile "))
			in = name == profile
		case in:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				return nil, fmt.Errorf("profile %q: line without '=' (value not shown)", profile)
			}
			values[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
		}
	}
	return values, sc.Err()
}
