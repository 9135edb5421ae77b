package deploy

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// loadCompose loads docker-compose.yml the way `docker compose` does, with
// schema validation, interpolation and normalization, but with an empty
// environment so the defaults in the file are what gets checked.
func loadCompose(t *testing.T) *types.Project {
	t.Helper()
	root := repoRoot(t)
	opts, err := cli.NewProjectOptions(
		[]string{filepath.Join(root, "docker-compose.yml")},
		cli.WithWorkingDirectory(root),
		cli.WithEnv(nil),
	)
	if err != nil {
		t.Fatalf("compose options: %v", err)
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("load docker-compose.yml: %v", err)
	}
	return p
}

func TestComposeServices(t *testing.T) {
	p := loadCompose(t)
	want := []string{"nats", "minio", "minio-init", "ollama", "ollama-pull",
		"generator", "classifier", "validator", "sink", "example"}
	for _, name := range want {
		if _, ok := p.Services[name]; !ok {
			t.Errorf("service %q missing", name)
		}
	}
	if len(p.Services) != len(want) {
		t.Errorf("got %d services %v, want exactly %v", len(p.Services), p.ServiceNames(), want)
	}
}

func TestComposePipelineServices(t *testing.T) {
	p := loadCompose(t)
	c := loadContract(t)
	root := repoRoot(t)
	tests := []struct {
		name      string
		service   string
		arg       string
		dependsOn map[string]string
		env       []string
	}{
		{name: "generator", service: "generator", arg: "generator",
			dependsOn: map[string]string{"nats": types.ServiceConditionHealthy, "ollama-pull": types.ServiceConditionCompletedSuccessfully},
			env:       []string{"SYNTHDESK_NATS_URL", "SYNTHDESK_LLM_BACKEND", "SYNTHDESK_LLM_MODEL", "SYNTHDESK_OLLAMA_URL"}},
		{name: "classifier", service: "classifier", arg: "classifier",
			dependsOn: map[string]string{"nats": types.ServiceConditionHealthy},
			env:       []string{"SYNTHDESK_NATS_URL", "SYNTHDESK_STREAM_REPLICAS"}},
		{name: "validator", service: "validator", arg: "validator",
			dependsOn: map[string]string{"nats": types.ServiceConditionHealthy},
			env:       []string{"SYNTHDESK_NATS_URL", "SYNTHDESK_STREAM_REPLICAS"}},
		{name: "sink", service: "sink", arg: "sink",
			dependsOn: map[string]string{"nats": types.ServiceConditionHealthy, "minio-init": types.ServiceConditionCompletedSuccessfully},
			env:       []string{"SYNTHDESK_OUTPUT", "SYNTHDESK_S3_ENDPOINT", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "SYNTHDESK_SINK_PARTITIONS"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := p.Services[tt.service]
			checkBuild(t, s, root, tt.arg)
			checkEnv(t, s, c.allowedEnv(tt.service), tt.env)
			checkDependsOn(t, s, tt.dependsOn)
			checkHardening(t, s)
			hc := s.HealthCheck
			if hc == nil || hc.Disable || len(hc.Test) < 2 || hc.Test[0] != "CMD" || hc.Test[1] != "/usr/local/bin/healthprobe" {
				t.Errorf("healthcheck = %+v, want exec-form CMD /usr/local/bin/healthprobe (no shell in distroless)", hc)
			} else if !slices.Contains(hc.Test, "/readyz") {
				t.Errorf("healthcheck %v does not probe /readyz", hc.Test)
			}
			if s.StopGracePeriod == nil || *s.StopGracePeriod < types.Duration(25e9) {
				t.Errorf("stop_grace_period = %v, want at least the services' 25s drain", s.StopGracePeriod)
			}
		})
	}
}

func TestComposeExample(t *testing.T) {
	p := loadCompose(t)
	s := p.Services["example"]
	checkBuild(t, s, repoRoot(t), "synthdesk")
	checkHardening(t, s)
	want := "submit --nats nats://nats:4222 --samples 1000 --out s3://synthdesk/datasets --llm ollama --model llama3.2:1b --wait"
	if got := strings.Join(s.Command, " "); got != want {
		t.Errorf("example command = %q, want %q", got, want)
	}
	if s.HealthCheck == nil || !s.HealthCheck.Disable {
		t.Errorf("example healthcheck must be disabled: the CLI serves no HTTP")
	}
	deps := map[string]string{}
	for _, svc := range services {
		deps[svc] = types.ServiceConditionHealthy
	}
	checkDependsOn(t, s, deps)
}

func TestComposeInfrastructure(t *testing.T) {
	p := loadCompose(t)
	tests := []struct {
		name       string
		service    string
		volume     string // target that must be a mount
		healthy    bool   // has a healthcheck
		oneShot    bool
		dependsOn  map[string]string
		wantInArgs string
	}{
		{name: "nats", service: "nats", volume: "/data", healthy: true, wantInArgs: "/etc/nats/nats.conf"},
		{name: "minio", service: "minio", volume: "/data", healthy: true},
		{name: "minio bucket job", service: "minio-init", oneShot: true,
			dependsOn: map[string]string{"minio": types.ServiceConditionHealthy}, wantInArgs: "local/synthdesk"},
		{name: "ollama", service: "ollama", volume: "/root/.ollama", healthy: true},
		{name: "ollama model job", service: "ollama-pull", oneShot: true,
			dependsOn: map[string]string{"ollama": types.ServiceConditionHealthy}, wantInArgs: "llama3.2:1b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := p.Services[tt.service]
			checkPinned(t, s.Image)
			if tt.volume != "" && !slices.ContainsFunc(s.Volumes, func(v types.ServiceVolumeConfig) bool { return v.Target == tt.volume }) {
				t.Errorf("no volume mounted at %s: %+v", tt.volume, s.Volumes)
			}
			if tt.healthy && (s.HealthCheck == nil || len(s.HealthCheck.Test) == 0) {
				t.Errorf("no healthcheck")
			}
			if tt.oneShot && s.Restart != types.RestartPolicyNo {
				t.Errorf("restart = %q, a one-shot job must not restart", s.Restart)
			}
			if tt.dependsOn != nil {
				checkDependsOn(t, s, tt.dependsOn)
			}
			if tt.wantInArgs != "" && !slices.Contains(s.Command, tt.wantInArgs) {
				t.Errorf("command %v lacks %q", s.Command, tt.wantInArgs)
			}
		})
	}
	natsConf := p.Services["nats"].Volumes
	if !slices.ContainsFunc(natsConf, func(v types.ServiceVolumeConfig) bool {
		return v.Target == "/etc/nats/nats.conf" && v.ReadOnly && strings.HasSuffix(v.Source, filepath.Join("deploy", "nats", "nats.conf"))
	}) {
		t.Errorf("nats must mount deploy/nats/nats.conf read-only at /etc/nats/nats.conf: %+v", natsConf)
	}
	for _, name := range []string{"nats-data", "minio-data", "ollama-models"} {
		if _, ok := p.Volumes[name]; !ok {
			t.Errorf("named volume %q not declared", name)
		}
	}
}

// checkBuild asserts s builds from the root Dockerfile with SERVICE=arg.
func checkBuild(t *testing.T, s types.ServiceConfig, root, arg string) {
	t.Helper()
	checkPinned(t, s.Image)
	if s.Build == nil {
		t.Fatalf("%s has no build section", s.Name)
	}
	if s.Build.Context != root {
		t.Errorf("%s build context = %q, want the repository root %q", s.Name, s.Build.Context, root)
	}
	if filepath.Base(s.Build.Dockerfile) != "Dockerfile" {
		t.Errorf("%s dockerfile = %q, want the root Dockerfile", s.Name, s.Build.Dockerfile)
	}
	if v := s.Build.Args["SERVICE"]; v == nil || *v != arg {
		t.Errorf("%s build arg SERVICE = %v, want %q", s.Name, v, arg)
	}
}

// checkEnv asserts every variable is in the contract and the required ones
// are set to something.
func checkEnv(t *testing.T, s types.ServiceConfig, allowed map[string]bool, required []string) {
	t.Helper()
	var names []string
	for k := range s.Environment {
		names = append(names, k)
	}
	if bad := unknown(names, allowed); len(bad) > 0 {
		t.Errorf("%s sets variables outside the service contract: %v", s.Name, bad)
	}
	for _, k := range required {
		if v := s.Environment[k]; v == nil || *v == "" {
			t.Errorf("%s: %s is not set", s.Name, k)
		}
	}
}

// checkDependsOn asserts s waits on exactly want, with those conditions.
func checkDependsOn(t *testing.T, s types.ServiceConfig, want map[string]string) {
	t.Helper()
	for dep, cond := range want {
		got, ok := s.DependsOn[dep]
		if !ok {
			t.Errorf("%s does not depend on %s", s.Name, dep)
			continue
		}
		if got.Condition != cond {
			t.Errorf("%s depends on %s with condition %q, want %q", s.Name, dep, got.Condition, cond)
		}
	}
	if len(s.DependsOn) != len(want) {
		t.Errorf("%s depends_on = %v, want %v", s.Name, s.DependsOn, want)
	}
}

// checkHardening asserts the container runs read-only with /tmp writable and
// no capabilities.
func checkHardening(t *testing.T, s types.ServiceConfig) {
	t.Helper()
	if !s.ReadOnly {
		t.Errorf("%s: read_only must be true", s.Name)
	}
	if !slices.Contains(s.Tmpfs, "/tmp") {
		t.Errorf("%s: tmpfs = %v, want /tmp", s.Name, s.Tmpfs)
	}
	if !slices.Contains(s.CapDrop, "ALL") {
		t.Errorf("%s: cap_drop = %v, want ALL", s.Name, s.CapDrop)
	}
	if !slices.Contains(s.SecurityOpt, "no-new-privileges:true") {
		t.Errorf("%s: security_opt = %v, want no-new-privileges:true", s.Name, s.SecurityOpt)
	}
}
