package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestTargetURL(t *testing.T) {
	tests := []struct {
		name, addr, path, want string
	}{
		{name: "empty uses default port", addr: "", path: "/readyz", want: "http://127.0.0.1:8080/readyz"},
		{name: "port only", addr: ":9090", path: "/healthz", want: "http://127.0.0.1:9090/healthz"},
		{name: "ipv4 wildcard", addr: "0.0.0.0:8080", path: "/readyz", want: "http://127.0.0.1:8080/readyz"},
		{name: "ipv6 wildcard", addr: "[::]:8080", path: "/readyz", want: "http://127.0.0.1:8080/readyz"},
		{name: "explicit host kept", addr: "10.0.0.7:8081", path: "/readyz", want: "http://10.0.0.7:8081/readyz"},
		{name: "bare port number", addr: "8080", path: "readyz", want: "http://127.0.0.1:8080/readyz"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := targetURL(tt.addr, tt.path); got != tt.want {
				t.Errorf("targetURL(%q, %q) = %q, want %q", tt.addr, tt.path, got, tt.want)
			}
		})
	}
}

func TestProbe(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "nats not connected", http.StatusServiceUnavailable)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	tests := []struct {
		name    string
		url     string
		wantErr bool
	}{
		{name: "ok", url: srv.URL + "/healthz"},
		{name: "not ready", url: srv.URL + "/readyz", wantErr: true},
		{name: "missing path", url: srv.URL + "/nope", wantErr: true},
		{name: "nothing listening", url: "http://127.0.0.1:1/readyz", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := probe(context.Background(), srv.Client(), tt.url, 5*time.Second)
			if (err != nil) != tt.wantErr {
				t.Errorf("probe(%s) error = %v, wantErr %v", tt.url, err, tt.wantErr)
			}
		})
	}
}
