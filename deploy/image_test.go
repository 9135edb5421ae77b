package deploy

import (
	"strings"
	"testing"
)

// pinnedTag reports whether ref names an image by an explicit tag other than
// latest (or by digest).
func pinnedTag(ref string) bool {
	if strings.Contains(ref, "@sha256:") {
		return true
	}
	slash := strings.LastIndex(ref, "/")
	colon := strings.LastIndex(ref, ":")
	if colon <= slash {
		return false
	}
	tag := ref[colon+1:]
	return tag != "" && tag != "latest"
}

// checkPinned fails the test unless ref is pinned.
func checkPinned(t *testing.T, ref string) {
	t.Helper()
	if !pinnedTag(ref) {
		t.Errorf("image %q is not pinned to a tag", ref)
	}
}

func TestPinnedTag(t *testing.T) {
	tests := []struct {
		name string
		ref  string
		want bool
	}{
		{name: "tag", ref: "nats:2.15.2-alpine", want: true},
		{name: "registry with port and tag", ref: "registry:5000/synthdesk/sink:1.2.3", want: true},
		{name: "registry with port no tag", ref: "registry:5000/synthdesk/sink", want: false},
		{name: "latest", ref: "ollama/ollama:latest", want: false},
		{name: "no tag", ref: "ghcr.io/synthdesk/generator", want: false},
		{name: "digest", ref: "nats@sha256:0123", want: true},
		{name: "empty", ref: "", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pinnedTag(tt.ref); got != tt.want {
				t.Errorf("pinnedTag(%q) = %v, want %v", tt.ref, got, tt.want)
			}
		})
	}
}
