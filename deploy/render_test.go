package deploy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// rendered is one kustomize build, every object decoded into its API type.
type rendered struct {
	Namespaces      []*corev1.Namespace
	ServiceAccounts []*corev1.ServiceAccount
	ConfigMaps      map[string]*corev1.ConfigMap // by generator name, without the hash suffix
	Deployments     map[string]*appsv1.Deployment
	Services        map[string]*corev1.Service
	PDBs            map[string]*policyv1.PodDisruptionBudget
	HPAs            map[string]*autoscalingv2.HorizontalPodAutoscaler
	ScaledObjects   map[string]*scaledObject
}

// renderKustomization builds deploy/k8s/<dir> with the kustomize API (what
// `kubectl apply -k` runs) and decodes every object strictly.
func renderKustomization(t *testing.T, dir string) *rendered {
	t.Helper()
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	m, err := k.Run(filesys.MakeFsOnDisk(), filepath.Join("k8s", dir))
	if err != nil {
		t.Fatalf("kustomize build k8s/%s: %v", dir, err)
	}
	r := &rendered{
		ConfigMaps:    map[string]*corev1.ConfigMap{},
		Deployments:   map[string]*appsv1.Deployment{},
		Services:      map[string]*corev1.Service{},
		PDBs:          map[string]*policyv1.PodDisruptionBudget{},
		HPAs:          map[string]*autoscalingv2.HorizontalPodAutoscaler{},
		ScaledObjects: map[string]*scaledObject{},
	}
	for _, res := range m.Resources() {
		y, err := res.AsYAML()
		if err != nil {
			t.Fatalf("k8s/%s: %s as YAML: %v", dir, res.CurId(), err)
		}
		if res.GetKind() != "Namespace" && res.GetNamespace() != "synthdesk" {
			t.Errorf("k8s/%s: %s is in namespace %q, want synthdesk", dir, res.CurId(), res.GetNamespace())
		}
		if err := r.add(res.GetApiVersion(), res.GetKind(), res.GetName(), y); err != nil {
			t.Errorf("k8s/%s: %v", dir, err)
		}
	}
	return r
}

// add decodes one object into the type its apiVersion and kind name; an
// unknown kind or any unknown field is an error.
func (r *rendered) add(apiVersion, kind, name string, y []byte) error {
	var err error
	switch apiVersion + "/" + kind {
	case "v1/Namespace":
		var o corev1.Namespace
		err = strict(y, &o)
		r.Namespaces = append(r.Namespaces, &o)
	case "v1/ServiceAccount":
		var o corev1.ServiceAccount
		err = strict(y, &o)
		r.ServiceAccounts = append(r.ServiceAccounts, &o)
	case "v1/ConfigMap":
		var o corev1.ConfigMap
		err = strict(y, &o)
		r.ConfigMaps[unhashed(name)] = &o
	case "apps/v1/Deployment":
		var o appsv1.Deployment
		err = strict(y, &o)
		r.Deployments[name] = &o
	case "v1/Service":
		var o corev1.Service
		err = strict(y, &o)
		r.Services[name] = &o
	case "policy/v1/PodDisruptionBudget":
		var o policyv1.PodDisruptionBudget
		err = strict(y, &o)
		r.PDBs[name] = &o
	case "autoscaling/v2/HorizontalPodAutoscaler":
		var o autoscalingv2.HorizontalPodAutoscaler
		err = strict(y, &o)
		r.HPAs[name] = &o
	case "keda.sh/v1alpha1/ScaledObject":
		var o scaledObject
		err = strict(y, &o)
		r.ScaledObjects[name] = &o
	default:
		return fmt.Errorf("%s %s/%s: no decoder for this kind; add one so it is checked", name, apiVersion, kind)
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", kind, name, err)
	}
	return nil
}

// unhashed strips the content hash kustomize appends to generated names
// ("synthdesk-common-7c9hk2f8m4" -> "synthdesk-common").
func unhashed(name string) string {
	i := strings.LastIndexByte(name, '-')
	if i < 0 || len(name)-i-1 != 10 {
		return name
	}
	return name[:i]
}

// strict decodes YAML into out, rejecting unknown and duplicate fields, as
// the API server does with fieldValidation=Strict.
func strict(y []byte, out any) error {
	j, err := yaml.YAMLToJSONStrict(y)
	if err != nil {
		return fmt.Errorf("yaml to json: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.DisallowUnknownFields()
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("strict decode: %w", err)
	}
	return nil
}

// overlays are the kustomizations a user deploys, plus the base itself.
var overlays = []string{"base", "overlays/dev", "overlays/prod"}

func TestRenderDecodesStrictly(t *testing.T) {
	for _, dir := range overlays {
		t.Run(dir, func(t *testing.T) {
			r := renderKustomization(t, dir)
			if len(r.Deployments) != len(services) {
				t.Errorf("rendered %d deployments, want %d", len(r.Deployments), len(services))
			}
		})
	}
}

func TestStrictRejectsTypos(t *testing.T) {
	tests := []struct {
		name string
		yaml string
	}{
		{name: "misspelt field", yaml: "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {replica: 2}\n"},
		{name: "duplicate key", yaml: "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nmetadata: {name: y}\n"},
		{name: "unquoted keda metadata number", yaml: "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: x}\nspec:\n  scaleTargetRef: {name: x}\n  triggers:\n  - type: nats-jetstream\n    metadata: {lagThreshold: 5}\n"},
		{name: "misspelt keda field", yaml: "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: x}\nspec:\n  scaleTargetRef: {name: x}\n  maxReplicas: 3\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &rendered{Deployments: map[string]*appsv1.Deployment{}, Services: map[string]*corev1.Service{},
				ScaledObjects: map[string]*scaledObject{}}
			var head struct {
				APIVersion string `json:"apiVersion"`
				Kind       string `json:"kind"`
			}
			if err := yaml.Unmarshal([]byte(tt.yaml), &head); err != nil {
				t.Fatalf("read head: %v", err)
			}
			if err := r.add(head.APIVersion, head.Kind, "x", []byte(tt.yaml)); err == nil {
				t.Errorf("decoded without error; a typo must fail")
			}
		})
	}
}
