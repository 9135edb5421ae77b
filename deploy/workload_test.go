package deploy

import (
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// documentedSecrets are the secrets docs/deploy.md tells operators to create;
// manifests may reference only these and must never contain one.
var documentedSecrets = map[string][]string{
	"synthdesk-nats": {"user", "password"},
	"synthdesk-s3":   {"access-key-id", "secret-access-key"},
	"synthdesk-llm":  {"openai-api-key"},
}

func TestWorkloads(t *testing.T) {
	c := loadContract(t)
	for _, dir := range overlays {
		r := renderKustomization(t, dir)
		for _, svc := range services {
			t.Run(dir+"/"+svc, func(t *testing.T) {
				d, ok := r.Deployments[svc]
				if !ok {
					t.Fatalf("no Deployment %s", svc)
				}
				if d.Namespace != "synthdesk" {
					t.Errorf("namespace = %q, want synthdesk", d.Namespace)
				}
				pod := d.Spec.Template.Spec
				checkPod(t, pod)
				if len(pod.Containers) != 1 {
					t.Fatalf("%d containers, want 1", len(pod.Containers))
				}
				ctr := pod.Containers[0]
				checkPinned(t, ctr.Image)
				checkContainerSecurity(t, pod, ctr)
				checkProbes(t, ctr)
				checkResources(t, ctr)
				checkTmp(t, pod, ctr)
				checkK8sEnv(t, r, ctr, c.allowedEnv(svc))
				checkServiceAndPDB(t, r, svc, d.Spec.Template.Labels)
			})
		}
	}
}

func checkPod(t *testing.T, pod corev1.PodSpec) {
	t.Helper()
	if pod.TerminationGracePeriodSeconds == nil || *pod.TerminationGracePeriodSeconds != 30 {
		t.Errorf("terminationGracePeriodSeconds = %v, want 30", pod.TerminationGracePeriodSeconds)
	}
	if pod.ServiceAccountName != "synthdesk" {
		t.Errorf("serviceAccountName = %q, want synthdesk", pod.ServiceAccountName)
	}
	if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
		t.Errorf("automountServiceAccountToken must be false: the services call no Kubernetes API")
	}
}

func checkContainerSecurity(t *testing.T, pod corev1.PodSpec, ctr corev1.Container) {
	t.Helper()
	sc := ctr.SecurityContext
	if sc == nil {
		t.Fatalf("container %s has no securityContext", ctr.Name)
	}
	nonRoot := (sc.RunAsNonRoot != nil && *sc.RunAsNonRoot) ||
		(pod.SecurityContext != nil && pod.SecurityContext.RunAsNonRoot != nil && *pod.SecurityContext.RunAsNonRoot)
	if !nonRoot {
		t.Errorf("runAsNonRoot is not true")
	}
	if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		t.Errorf("readOnlyRootFilesystem is not true")
	}
	if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		t.Errorf("allowPrivilegeEscalation is not false")
	}
	if sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) || len(sc.Capabilities.Add) > 0 {
		t.Errorf("capabilities = %+v, want drop [ALL] and no add", sc.Capabilities)
	}
	seccomp := sc.SeccompProfile
	if seccomp == nil && pod.SecurityContext != nil {
		seccomp = pod.SecurityContext.SeccompProfile
	}
	if seccomp == nil || seccomp.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("seccompProfile = %+v, want RuntimeDefault", seccomp)
	}
}

func checkProbes(t *testing.T, ctr corev1.Container) {
	t.Helper()
	port := slices.IndexFunc(ctr.Ports, func(p corev1.ContainerPort) bool { return p.Name == "http" && p.ContainerPort == 8080 })
	if port < 0 {
		t.Errorf("no container port http=8080: %+v", ctr.Ports)
	}
	tests := []struct {
		name  string
		probe *corev1.Probe
		path  string
	}{
		{name: "liveness", probe: ctr.LivenessProbe, path: "/healthz"},
		{name: "readiness", probe: ctr.ReadinessProbe, path: "/readyz"},
		{name: "startup", probe: ctr.StartupProbe, path: "/healthz"},
	}
	for _, tt := range tests {
		if tt.probe == nil || tt.probe.HTTPGet == nil {
			t.Errorf("%s probe missing or not HTTP", tt.name)
			continue
		}
		if tt.probe.HTTPGet.Path != tt.path || tt.probe.HTTPGet.Port != intstr.FromString("http") {
			t.Errorf("%s probe = GET %s on %s, want GET %s on http", tt.name, tt.probe.HTTPGet.Path, tt.probe.HTTPGet.Port.String(), tt.path)
		}
	}
}

func checkResources(t *testing.T, ctr corev1.Container) {
	t.Helper()
	req := ctr.Resources.Requests
	if req.Cpu().IsZero() || req.Memory().IsZero() {
		t.Errorf("requests = %v, want cpu and memory (the CPU HPA measures against them)", req)
	}
	lim := ctr.Resources.Limits
	if lim.Memory().IsZero() {
		t.Errorf("no memory limit")
	} else if lim.Memory().Cmp(*req.Memory()) < 0 {
		t.Errorf("memory limit %v below request %v", lim.Memory(), req.Memory())
	}
}

func checkTmp(t *testing.T, pod corev1.PodSpec, ctr corev1.Container) {
	t.Helper()
	m := slices.IndexFunc(ctr.VolumeMounts, func(m corev1.VolumeMount) bool { return m.MountPath == "/tmp" })
	if m < 0 {
		t.Fatalf("no volume on /tmp: the root filesystem is read-only")
	}
	name := ctr.VolumeMounts[m].Name
	v := slices.IndexFunc(pod.Volumes, func(v corev1.Volume) bool { return v.Name == name && v.EmptyDir != nil })
	if v < 0 {
		t.Errorf("/tmp volume %q is not an emptyDir", name)
	}
}

// checkK8sEnv checks every variable the container gets, directly or through
// an envFrom ConfigMap, against the contract, and every secret reference
// against the documented secrets.
func checkK8sEnv(t *testing.T, r *rendered, ctr corev1.Container, allowed map[string]bool) {
	t.Helper()
	var names []string
	for _, e := range ctr.Env {
		names = append(names, e.Name)
		if e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil {
			continue
		}
		ref := e.ValueFrom.SecretKeyRef
		if !slices.Contains(documentedSecrets[ref.Name], ref.Key) {
			t.Errorf("%s reads secret %s key %s, which docs/deploy.md does not document", e.Name, ref.Name, ref.Key)
		}
	}
	for _, from := range ctr.EnvFrom {
		if from.ConfigMapRef == nil {
			t.Errorf("envFrom %+v: only ConfigMaps may be bulk-imported", from)
			continue
		}
		cm := configMapByName(r, from.ConfigMapRef.Name)
		if cm == nil {
			t.Errorf("envFrom ConfigMap %q is not rendered", from.ConfigMapRef.Name)
			continue
		}
		for k := range cm.Data {
			names = append(names, k)
		}
	}
	if bad := unknown(names, allowed); len(bad) > 0 {
		t.Errorf("container %s gets variables outside its contract: %v", ctr.Name, bad)
	}
	if !slices.Contains(names, "SYNTHDESK_NATS_URL") {
		t.Errorf("container %s gets no SYNTHDESK_NATS_URL", ctr.Name)
	}
}

// configMapByName finds a rendered ConfigMap by its final (hashed) name.
func configMapByName(r *rendered, name string) *corev1.ConfigMap {
	for _, cm := range r.ConfigMaps {
		if cm.Name == name {
			return cm
		}
	}
	return nil
}

func checkServiceAndPDB(t *testing.T, r *rendered, svc string, podLabels map[string]string) {
	t.Helper()
	s, ok := r.Services[svc]
	if !ok {
		t.Errorf("no Service %s for metrics", svc)
	} else {
		for k, v := range s.Spec.Selector {
			if podLabels[k] != v {
				t.Errorf("Service %s selector %s=%s does not match the pods", svc, k, v)
			}
		}
		if len(s.Spec.Ports) != 1 || s.Spec.Ports[0].Port != 8080 || s.Spec.Ports[0].TargetPort != intstr.FromString("http") {
			t.Errorf("Service %s ports = %+v, want 8080 -> http", svc, s.Spec.Ports)
		}
	}
	p, ok := r.PDBs[svc]
	if !ok || p.Spec.Selector == nil {
		t.Errorf("no PodDisruptionBudget with a selector for %s", svc)
		return
	}
	for k, v := range p.Spec.Selector.MatchLabels {
		if podLabels[k] != v {
			t.Errorf("PDB %s selector %s=%s does not match the pods", svc, k, v)
		}
	}
	if p.Spec.MaxUnavailable == nil && p.Spec.MinAvailable == nil {
		t.Errorf("PDB %s sets neither maxUnavailable nor minAvailable", svc)
	}
}

func TestNoSecretsCommitted(t *testing.T) {
	for _, dir := range overlays {
		t.Run(dir, func(t *testing.T) {
			// Any Secret would fail decoding in renderKustomization (no
			// decoder for it); also check no ConfigMap carries a credential.
			r := renderKustomization(t, dir)
			for _, cm := range r.ConfigMaps {
				for _, k := range []string{"AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "OPENAI_API_KEY", "SYNTHDESK_NATS_PASSWORD"} {
					if _, ok := cm.Data[k]; ok {
						t.Errorf("ConfigMap %s holds %s; use the documented secret", cm.Name, k)
					}
				}
			}
		})
	}
}
