package deploy

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
)

// capacityAnnotation on the generator's ScaledObject records how many LLM
// requests the LLM serves at once; replicas x in-flight must not exceed it.
const capacityAnnotation = "synthdesk.io/llm-capacity"

func TestProdHPAs(t *testing.T) {
	r := renderKustomization(t, "overlays/prod")
	for _, svc := range []string{"classifier", "validator"} {
		t.Run(svc, func(t *testing.T) {
			h, ok := r.HPAs[svc]
			if !ok {
				t.Fatalf("no HPA for %s", svc)
			}
			if h.Namespace != "synthdesk" {
				t.Errorf("namespace = %q, want synthdesk", h.Namespace)
			}
			ref := h.Spec.ScaleTargetRef
			if ref.Kind != "Deployment" || ref.APIVersion != "apps/v1" || ref.Name != svc {
				t.Errorf("scaleTargetRef = %+v, want apps/v1 Deployment %s", ref, svc)
			}
			if h.Spec.MinReplicas == nil || *h.Spec.MinReplicas < 2 || h.Spec.MaxReplicas <= *h.Spec.MinReplicas {
				t.Errorf("replicas %v..%d: want min >= 2 (survives a drain) and max > min", h.Spec.MinReplicas, h.Spec.MaxReplicas)
			}
			cpu := slices.IndexFunc(h.Spec.Metrics, func(m autoscalingv2.MetricSpec) bool {
				return m.Type == autoscalingv2.ResourceMetricSourceType && m.Resource != nil &&
					m.Resource.Name == corev1.ResourceCPU && m.Resource.Target.Type == autoscalingv2.UtilizationMetricType &&
					m.Resource.Target.AverageUtilization != nil
			})
			if cpu < 0 {
				t.Errorf("metrics = %+v, want CPU utilization", h.Spec.Metrics)
			}
		})
	}
	for _, svc := range []string{"generator", "sink"} {
		if _, ok := r.HPAs[svc]; ok {
			t.Errorf("%s has a plain HPA; KEDA owns its scaling", svc)
		}
	}
	if len(r.HPAs) != 2 {
		t.Errorf("rendered %d HPAs, want classifier and validator only", len(r.HPAs))
	}
}

func TestProdScaledObjects(t *testing.T) {
	r := renderKustomization(t, "overlays/prod")
	c := loadContract(t)
	for _, svc := range []string{"generator", "sink"} {
		t.Run(svc, func(t *testing.T) {
			so, ok := r.ScaledObjects[svc]
			if !ok {
				t.Fatalf("no ScaledObject for %s", svc)
			}
			if so.Namespace != "synthdesk" {
				t.Errorf("namespace = %q, want synthdesk", so.Namespace)
			}
			ref := so.Spec.ScaleTargetRef
			if ref.Name != svc || (ref.Kind != "" && ref.Kind != "Deployment") {
				t.Errorf("scaleTargetRef = %+v, want Deployment %s", ref, svc)
			}
			if so.Spec.MinReplicaCount == nil || *so.Spec.MinReplicaCount < 1 {
				t.Errorf("minReplicaCount = %v, want >= 1", so.Spec.MinReplicaCount)
			}
			if so.Spec.MaxReplicaCount == nil {
				t.Fatalf("maxReplicaCount unset (KEDA's default is 100)")
			}
			checkTriggers(t, so.Spec.Triggers, c.Consumers[svc])
		})
	}
	if len(r.ScaledObjects) != 2 {
		t.Errorf("rendered %d ScaledObjects, want generator and sink only", len(r.ScaledObjects))
	}
}

// checkTriggers asserts one nats-jetstream trigger per contract consumer,
// each with only known metadata keys and all required ones.
func checkTriggers(t *testing.T, triggers []scaleTrigger, want consumer) {
	t.Helper()
	var got []string
	for _, tr := range triggers {
		if tr.Type != "nats-jetstream" {
			t.Errorf("trigger type %q, want nats-jetstream", tr.Type)
			continue
		}
		for k := range tr.Metadata {
			if _, ok := natsJetStreamMetadata[k]; !ok {
				t.Errorf("trigger %s: unknown metadata key %q", tr.Name, k)
			}
		}
		for k, required := range natsJetStreamMetadata {
			if required && tr.Metadata[k] == "" {
				t.Errorf("trigger %s: required metadata %q missing", tr.Name, k)
			}
		}
		if n, err := strconv.Atoi(tr.Metadata["lagThreshold"]); err != nil || n <= 0 {
			t.Errorf("trigger %s: lagThreshold %q is not a positive integer", tr.Name, tr.Metadata["lagThreshold"])
		}
		if tr.Metadata["stream"] != want.Stream {
			t.Errorf("trigger %s: stream %q, want %q", tr.Name, tr.Metadata["stream"], want.Stream)
		}
		if ep := tr.Metadata["natsServerMonitoringEndpoint"]; !strings.HasSuffix(ep, ":8222") {
			t.Errorf("trigger %s: monitoring endpoint %q is not the NATS monitoring port 8222", tr.Name, ep)
		}
		got = append(got, tr.Metadata["consumer"])
	}
	slices.Sort(got)
	if !slices.Equal(got, want.Names) {
		t.Errorf("trigger consumers = %v, want one per consumer %v", got, want.Names)
	}
}

func TestGeneratorCappedAtLLMCapacity(t *testing.T) {
	r := renderKustomization(t, "overlays/prod")
	so := r.ScaledObjects["generator"]
	if so == nil || so.Spec.MaxReplicaCount == nil {
		t.Fatal("no generator ScaledObject with maxReplicaCount")
	}
	capacity, err := strconv.Atoi(so.Annotations[capacityAnnotation])
	if err != nil || capacity <= 0 {
		t.Fatalf("annotation %s = %q: want the LLM's concurrent request capacity", capacityAnnotation, so.Annotations[capacityAnnotation])
	}
	inflight := configValue(t, r, "synthdesk-generator", "SYNTHDESK_LLM_MAX_INFLIGHT")
	if total := int(*so.Spec.MaxReplicaCount) * inflight; total > capacity {
		t.Errorf("maxReplicaCount %d x SYNTHDESK_LLM_MAX_INFLIGHT %d = %d exceeds the LLM capacity %d",
			*so.Spec.MaxReplicaCount, inflight, total, capacity)
	}
}

func TestSinkReplicasMatchPartitions(t *testing.T) {
	r := renderKustomization(t, "overlays/prod")
	c := loadContract(t)
	so := r.ScaledObjects["sink"]
	if so == nil || so.Spec.MaxReplicaCount == nil {
		t.Fatal("no sink ScaledObject with maxReplicaCount")
	}
	partitions := configValue(t, r, "synthdesk-common", "SYNTHDESK_SINK_PARTITIONS")
	if int(*so.Spec.MaxReplicaCount) != partitions {
		t.Errorf("sink maxReplicaCount %d != SYNTHDESK_SINK_PARTITIONS %d: extra replicas would own no partition",
			*so.Spec.MaxReplicaCount, partitions)
	}
	if n := len(c.Consumers["sink"].Names); n != partitions {
		t.Errorf("contract has %d sink consumers, config has %d partitions", n, partitions)
	}
}

func TestStreamReplicasPerOverlay(t *testing.T) {
	tests := []struct {
		name        string
		dir         string
		replicas    int
		autoscaling bool
	}{
		{name: "dev", dir: "overlays/dev", replicas: 1},
		{name: "prod", dir: "overlays/prod", replicas: 3, autoscaling: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := renderKustomization(t, tt.dir)
			if got := configValue(t, r, "synthdesk-common", "SYNTHDESK_STREAM_REPLICAS"); got != tt.replicas {
				t.Errorf("SYNTHDESK_STREAM_REPLICAS = %d, want %d", got, tt.replicas)
			}
			if has := len(r.HPAs)+len(r.ScaledObjects) > 0; has != tt.autoscaling {
				t.Errorf("autoscaling objects rendered = %v, want %v", has, tt.autoscaling)
			}
			for name, d := range r.Deployments {
				if d.Spec.Replicas != nil {
					t.Errorf("Deployment %s pins replicas=%d; leave it to the default or the autoscaler", name, *d.Spec.Replicas)
				}
			}
		})
	}
}

// configValue reads an integer from a rendered ConfigMap, by base name.
func configValue(t *testing.T, r *rendered, cm, key string) int {
	t.Helper()
	m, ok := r.ConfigMaps[cm]
	if !ok {
		t.Fatalf("ConfigMap %s not rendered", cm)
	}
	n, err := strconv.Atoi(m.Data[key])
	if err != nil {
		t.Fatalf("ConfigMap %s %s = %q: %v", cm, key, m.Data[key], err)
	}
	return n
}
