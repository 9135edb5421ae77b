package main

import (
	"net"
	"strings"
)

// defaultAddr is the services' default SYNTHDESK_HTTP_ADDR.
const defaultAddr = ":8080"

// targetURL turns a listen address such as ":8080", "0.0.0.0:9090" or
// "[::]:8080" into a loopback URL for path. A wildcard or empty host means the
// service listens on every interface, so loopback reaches it.
func targetURL(addr, path string) string {
	if addr == "" {
		addr = defaultAddr
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		host, port = "", strings.TrimPrefix(addr, ":")
	}
	switch host {
	case "", "0.0.0.0", "::":
		host = "127.0.0.1"
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return "http://" + net.JoinHostPort(host, port) + path
}
