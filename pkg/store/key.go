package store

import (
	"fmt"
	"io/fs"
)

// checkKey rejects keys that are empty, absolute, contain "." or ".."
// elements, or empty elements, so no key can escape the root.
func checkKey(key string) error {
	if key == "" || key == "." || !fs.ValidPath(key) {
		return fmt.Errorf("%w: %q (want a relative slash path without . or .. elements)", ErrInvalidKey, key)
	}
	return nil
}
