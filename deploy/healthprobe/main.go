// Command healthprobe is the container health check for the synthdesk images.
//
// The runtime image is distroless and has no shell, curl or wget, so Docker
// HEALTHCHECK and compose healthchecks run this static binary instead. It
// sends GET to the service's own HTTP listener and exits 0 on a 2xx answer,
// 1 otherwise. It reads SYNTHDESK_HTTP_ADDR, the same variable the services
// listen on, so the probe always targets the port the service really uses.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"time"
)

func main() {
	path := flag.String("path", "/readyz", "HTTP path to probe (/healthz for liveness, /readyz for readiness)")
	addr := flag.String("addr", os.Getenv("SYNTHDESK_HTTP_ADDR"), "listen address of the service (default :8080)")
	timeout := flag.Duration("timeout", 2*time.Second, "give up after this long")
	flag.Parse()

	if err := probe(context.Background(), http.DefaultClient, targetURL(*addr, *path), *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "healthprobe:", err)
		os.Exit(1)
	}
}

// probe sends one GET to url and fails unless the status is 2xx.
func probe(ctx context.Context, client *http.Client, url string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("build request for %s: %w", url, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("GET %s: status %d", url, resp.StatusCode)
	}
	return nil
}
