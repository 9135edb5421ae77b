package deploy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"gopkg.in/yaml.v3"
)

func TestComposeNATSConfig(t *testing.T) {
	// ProcessConfigFile is the parser nats-server itself runs at start-up, so
	// a typo or a setting this server version does not know fails here.
	opts, err := server.ProcessConfigFile(filepath.Join("nats", "nats.conf"))
	if err != nil {
		t.Fatalf("nats.conf: %v", err)
	}
	if !opts.JetStream {
		t.Errorf("JetStream is not enabled")
	}
	if opts.StoreDir != "/data/jetstream" {
		t.Errorf("store_dir = %q, want /data/jetstream on the nats-data volume", opts.StoreDir)
	}
	if opts.SyncAlways {
		t.Errorf("sync_interval is always; the chosen trade-off is a bounded interval")
	}
	if opts.SyncInterval <= 0 || opts.SyncInterval > time.Minute {
		t.Errorf("sync_interval = %v, want a bounded loss window of at most a minute", opts.SyncInterval)
	}
	if opts.Port != 4222 || opts.HTTPPort != 8222 {
		t.Errorf("ports client=%d monitoring=%d, want 4222 and 8222", opts.Port, opts.HTTPPort)
	}
}

// natsValues is the part of the NATS Helm chart's values that synthdesk sets.
type natsValues struct {
	Config struct {
		Cluster struct {
			Enabled  *bool `yaml:"enabled"`
			Replicas int   `yaml:"replicas"`
		} `yaml:"cluster"`
		JetStream struct {
			Enabled   *bool `yaml:"enabled"`
			FileStore struct {
				Enabled *bool  `yaml:"enabled"`
				Dir     string `yaml:"dir"`
				PVC     struct {
					Enabled *bool  `yaml:"enabled"`
					Size    string `yaml:"size"`
				} `yaml:"pvc"`
			} `yaml:"fileStore"`
			MemoryStore struct {
				Enabled *bool `yaml:"enabled"`
			} `yaml:"memoryStore"`
			Merge map[string]any `yaml:"merge"`
		} `yaml:"jetstream"`
		Monitor struct {
			Enabled *bool `yaml:"enabled"`
			Port    int   `yaml:"port"`
		} `yaml:"monitor"`
		Merge map[string]any `yaml:"merge"`
	} `yaml:"config"`
	Container   map[string]any `yaml:"container"`
	PodTemplate map[string]any `yaml:"podTemplate"`
}

func loadNATSValues(t *testing.T, file string) natsValues {
	t.Helper()
	f, err := os.Open(filepath.Join("k8s", file))
	if err != nil {
		t.Fatalf("open %s: %v", file, err)
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	dec.KnownFields(true)
	var v natsValues
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", file, err)
	}
	return v
}

func TestNATSHelmValues(t *testing.T) {
	v := loadNATSValues(t, "nats-values.yaml")
	on := func(b *bool) bool { return b != nil && *b }
	if !on(v.Config.JetStream.Enabled) || !on(v.Config.JetStream.FileStore.Enabled) || !on(v.Config.JetStream.FileStore.PVC.Enabled) {
		t.Errorf("JetStream file storage on a PVC must be enabled: %+v", v.Config.JetStream)
	}
	if !on(v.Config.Cluster.Enabled) || v.Config.Cluster.Replicas != 3 {
		t.Errorf("prod cluster = %+v, want 3 replicas", v.Config.Cluster)
	}
	if !on(v.Config.Monitor.Enabled) || v.Config.Monitor.Port != 8222 {
		t.Errorf("monitoring = %+v, want enabled on 8222 (KEDA reads it)", v.Config.Monitor)
	}
	if _, ok := v.Config.JetStream.Merge["sync_interval"]; !ok {
		t.Errorf("jetstream merge sets no sync_interval; the durability choice must be explicit")
	}
	auth, _ := v.Config.Merge["authorization"].(map[string]any)
	users, _ := auth["users"].([]any)
	if len(users) == 0 {
		t.Fatalf("no authorization users: clients authenticate with the synthdesk-nats secret")
	}
	for _, u := range users {
		for _, field := range []string{"user", "password"} {
			val, _ := u.(map[string]any)[field].(string)
			if !strings.HasPrefix(val, "<< $") {
				t.Errorf("authorization %s %q is not an environment reference; never commit credentials", field, val)
			}
		}
	}

	dev := loadNATSValues(t, "nats-values-dev.yaml")
	if dev.Config.Cluster.Enabled == nil || *dev.Config.Cluster.Enabled {
		t.Errorf("dev override must disable clustering")
	}
}

func TestKEDAEndpointMatchesNATSRelease(t *testing.T) {
	// The chart names its services after the release; the manifests assume
	// release "nats" in namespace "nats".
	r := renderKustomization(t, "overlays/prod")
	url := r.ConfigMaps["synthdesk-common"].Data["SYNTHDESK_NATS_URL"]
	if url != "nats://nats.nats.svc.cluster.local:4222" {
		t.Errorf("SYNTHDESK_NATS_URL = %q, want the chart's client service", url)
	}
	for name, so := range r.ScaledObjects {
		for _, tr := range so.Spec.Triggers {
			if ep := tr.Metadata["natsServerMonitoringEndpoint"]; ep != "nats-headless.nats.svc.cluster.local:8222" {
				t.Errorf("%s trigger %s endpoint %q, want the chart's headless service on 8222", name, tr.Name, ep)
			}
		}
	}
}
