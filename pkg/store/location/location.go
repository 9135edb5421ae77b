// Package location checks the outputs a request names, without any I/O
// and without a store client: whether an output is a folder or an S3
// location Open accepts (Check), and whether a service's policy lets a
// request use it (Policy). The generator refuses bad outputs at intake with
// it and links no object store.
package location

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrOutputRefused wraps every output a Policy refuses.
var ErrOutputRefused = errors.New("not allowed on this cluster")

// Policy confines the outputs a request may name, on services where the
// request comes from users and the files are written with the service's
// rights. The zero Policy allows every output, as `synthdesk run` does:
// there the user is the operator.
type Policy struct {
	// Confined turns the policy on.
	Confined bool
	// Root is the folder local outputs must lie in; a relative output is
	// taken relative to it. Empty refuses every local output a request
	// names (the sink's own default still applies).
	Root string
	// Allowed are the S3 locations outputs may use, "bucket" or
	// "s3://bucket/prefix"; empty allows every bucket the credentials
	// reach.
	Allowed []string
}

// Validate checks the policy's own settings.
func (p Policy) Validate() error {
	var errs []error
	if p.Root != "" && !filepath.IsAbs(p.Root) {
		errs = append(errs, fmt.Errorf("output root %q must be an absolute path", p.Root))
	}
	for _, a := range p.Allowed {
		if bucket, _ := splitS3(a); bucket == "" || strings.Contains(a, "..") {
			errs = append(errs, fmt.Errorf("allowed output %q is not a bucket or s3://bucket/prefix", a))
		}
	}
	return errors.Join(errs...)
}

// Resolve returns where a job that names output writes: "" for the sink's
// default, the S3 URL, or the absolute local folder inside Root. A refused
// output is an error wrapping ErrOutputRefused that says why.
func (p Policy) Resolve(output string) (string, error) {
	switch {
	case output == "" || !p.Confined:
		return output, nil
	case strings.HasPrefix(output, "s3://"):
		return output, p.checkS3(output)
	case strings.Contains(output, "://") && !strings.HasPrefix(output, "file://"):
		return "", fmt.Errorf("%w: %q is neither a folder nor s3://bucket/prefix", ErrOutputRefused, output)
	default:
		return p.resolveLocal(strings.TrimPrefix(output, "file://"))
	}
}

func (p Policy) checkS3(output string) error {
	bucket, prefix := splitS3(output)
	if hasDotDot(prefix) {
		return fmt.Errorf("%w: %q: the prefix must not contain '..'", ErrOutputRefused, output)
	}
	if len(p.Allowed) == 0 {
		return nil
	}
	for _, a := range p.Allowed {
		ab, ap := splitS3(a)
		if ab == bucket && (ap == "" || prefix == ap || strings.HasPrefix(prefix, ap+"/")) {
			return nil
		}
	}
	return fmt.Errorf("%w: %q is not in this cluster's allowed outputs (%s)", ErrOutputRefused, output, strings.Join(p.Allowed, ", "))
}

// splitS3 splits "s3://bucket/prefix" or "bucket/prefix" into its bucket
// and its prefix without slashes at either end.
func splitS3(s string) (bucket, prefix string) {
	bucket, prefix, _ = strings.Cut(strings.TrimPrefix(s, "s3://"), "/")
	return bucket, strings.Trim(prefix, "/")
}

func hasDotDot(p string) bool {
	for _, el := range strings.FieldsFunc(p, func(r rune) bool { return r == '/' || r == '\\' }) {
		if el == ".." {
			return true
		}
	}
	return false
}

// resolveLocal places a local output inside Root: no '..' element, no
// absolute path elsewhere, and no symbolic link on the way that leads out.
func (p Policy) resolveLocal(output string) (string, error) {
	if p.Root == "" {
		return "", fmt.Errorf("%w: %q: this cluster takes no local outputs in requests (no output root is configured); leave output empty for the sink's default or use s3://bucket/prefix", ErrOutputRefused, output)
	}
	if hasDotDot(filepath.ToSlash(output)) {
		return "", fmt.Errorf("%w: %q must not contain '..'; name a folder inside the output root %s", ErrOutputRefused, output, p.Root)
	}
	root := filepath.Clean(p.Root)
	full := filepath.Clean(output)
	if !filepath.IsAbs(full) {
		full = filepath.Join(root, full)
	}
	if !within(root, full) {
		return "", fmt.Errorf("%w: %q is outside the output root %s", ErrOutputRefused, output, root)
	}
	if err := noEscape(root, full); err != nil {
		return "", fmt.Errorf("%w: %q: %w", ErrOutputRefused, output, err)
	}
	return full, nil
}

func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// noEscape follows the symbolic links of the part of full that exists and
// checks it stays inside root (itself resolved). A root that does not
// exist yet holds no links.
func noEscape(root, full string) error {
	realRoot, err := filepath.EvalSymlinks(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("output root %s: %w", root, err)
	}
	existing := full
	for {
		if _, err := os.Lstat(existing); err == nil {
			break
		}
		parent := filepath.Dir(existing)
		if parent == existing {
			return nil
		}
		existing = parent
	}
	real, err := filepath.EvalSymlinks(existing)
	if err != nil {
		return fmt.Errorf("resolve %s: %w", existing, err)
	}
	if !within(realRoot, real) {
		return fmt.Errorf("a symbolic link leads out of the output root %s (to %s)", root, real)
	}
	return nil
}

// Check reports, without any I/O, whether output names a store Open
// can open: a folder, a file:// URL, or s3:// with a bucket.
func Check(output string) error {
	switch {
	case output == "":
		return errors.New("store: empty output: give a folder or s3://bucket/prefix")
	case strings.HasPrefix(output, "s3://"):
		if bucket, _, _ := strings.Cut(strings.TrimPrefix(output, "s3://"), "/"); bucket == "" {
			return fmt.Errorf("store: output %q has no bucket: use s3://bucket/prefix", output)
		}
	case strings.Contains(output, "://") && !strings.HasPrefix(output, "file://"):
		return fmt.Errorf("store: unsupported output %q: use a folder or s3://bucket/prefix", output)
	}
	return nil
}
