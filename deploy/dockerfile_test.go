package deploy

import (
	"bufio"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction with continuation lines joined;
// body holds a heredoc's lines, if any.
type instruction struct {
	cmd  string
	args string
	body string
}

// parseDockerfile splits a Dockerfile into instructions. It knows line
// continuations, comments and <<'EOF' heredocs, which is all ours uses.
func parseDockerfile(t *testing.T, path string) []instruction {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer f.Close()
	var out []instruction
	var cur strings.Builder
	heredoc := regexp.MustCompile(`<<-?'?"?([A-Z]+)'?"?\s*$`)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if cur.Len() == 0 && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if strings.HasSuffix(trimmed, `\`) {
			cur.WriteString(strings.TrimSuffix(trimmed, `\`) + " ")
			continue
		}
		cur.WriteString(trimmed)
		text := cur.String()
		cur.Reset()
		cmd, args, _ := strings.Cut(text, " ")
		in := instruction{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args)}
		if m := heredoc.FindStringSubmatch(text); m != nil {
			var body []string
			for sc.Scan() && strings.TrimSpace(sc.Text()) != m[1] {
				body = append(body, sc.Text())
			}
			in.body = strings.Join(body, "\n")
		}
		out = append(out, in)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return out
}

// stages splits instructions at each FROM.
func stages(ins []instruction) [][]instruction {
	var out [][]instruction
	for _, in := range ins {
		if in.cmd == "FROM" {
			out = append(out, nil)
		}
		if len(out) > 0 {
			out[len(out)-1] = append(out[len(out)-1], in)
		}
	}
	return out
}

func find(st []instruction, cmd string) []instruction {
	var out []instruction
	for _, in := range st {
		if in.cmd == cmd {
			out = append(out, in)
		}
	}
	return out
}

func TestDockerfile(t *testing.T) {
	root := repoRoot(t)
	all := parseDockerfile(t, filepath.Join(root, "Dockerfile"))
	st := stages(all)
	if len(st) != 2 {
		t.Fatalf("%d stages, want builder and runtime", len(st))
	}
	build, final := st[0], st[1]

	t.Run("builder", func(t *testing.T) {
		if !strings.Contains(build[0].args, "golang:${GO_VERSION}") {
			t.Errorf("builder FROM %q, want golang:${GO_VERSION}", build[0].args)
		}
		goVersion := slices.IndexFunc(all, func(in instruction) bool { return in.cmd == "ARG" && in.args == "GO_VERSION=1.26" })
		if goVersion < 0 {
			t.Errorf("no ARG GO_VERSION=1.26 before the builder")
		}
		if len(find(build, "ARG")) == 0 || !slices.ContainsFunc(find(build, "ARG"), func(in instruction) bool { return in.args == "SERVICE" }) {
			t.Errorf("builder does not declare ARG SERVICE")
		}
		var script strings.Builder
		for _, in := range append(find(build, "RUN"), find(build, "ENV")...) {
			script.WriteString(in.args + "\n" + in.body + "\n")
		}
		for _, want := range []string{"GOWORK=off", "CGO_ENABLED=0", "-trimpath", `-ldflags="-s -w"`, "go mod download",
			"type=cache,target=/go/pkg/mod", "type=cache,target=/root/.cache/go-build", "./healthprobe"} {
			if !strings.Contains(script.String(), want) {
				t.Errorf("builder never uses %s", want)
			}
		}
	})

	t.Run("service dirs", func(t *testing.T) {
		var script string
		for _, in := range find(build, "RUN") {
			script += in.body + "\n"
		}
		tests := []struct{ name, dir string }{
			{name: "generator", dir: "services/generator"},
			{name: "classifier", dir: "services/classifier"},
			{name: "validator", dir: "services/validator"},
			{name: "sink", dir: "services/sink"},
			{name: "synthdesk", dir: "cmd/synthdesk"},
		}
		for _, tt := range tests {
			if _, err := os.Stat(filepath.Join(root, tt.dir, "go.mod")); err != nil {
				t.Errorf("SERVICE=%s: module %s missing: %v", tt.name, tt.dir, err)
			}
			if !strings.Contains(script, tt.name) {
				t.Errorf("build script does not handle SERVICE=%s", tt.name)
			}
		}
	})

	t.Run("runtime", func(t *testing.T) {
		if final[0].args != "gcr.io/distroless/static-debian12:nonroot" {
			t.Errorf("runtime FROM %q, want gcr.io/distroless/static-debian12:nonroot", final[0].args)
		}
		if u := find(final, "USER"); len(u) != 1 || !strings.HasPrefix(u[0].args, "nonroot") {
			t.Errorf("USER = %+v, want nonroot", u)
		}
		if e := find(final, "EXPOSE"); len(e) != 1 || e[0].args != "8080" {
			t.Errorf("EXPOSE = %+v, want 8080", e)
		}
		for _, cmd := range []string{"ENTRYPOINT", "HEALTHCHECK"} {
			in := find(final, cmd)
			if len(in) != 1 {
				t.Errorf("%s appears %d times, want once", cmd, len(in))
				continue
			}
			// Distroless has no /bin/sh, so only exec form (a JSON array) runs.
			if !strings.Contains(in[0].args, `["/usr/local/bin/`) {
				t.Errorf("%s %q is not exec form", cmd, in[0].args)
			}
		}
		if !slices.ContainsFunc(find(final, "COPY"), func(in instruction) bool {
			return strings.Contains(in.args, "/usr/local/bin/healthprobe")
		}) {
			t.Errorf("runtime image lacks /usr/local/bin/healthprobe used by the healthchecks")
		}
	})
}

func TestDockerignoreKeepsBuildInputs(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot(t), ".dockerignore"))
	if err != nil {
		t.Fatalf("read .dockerignore: %v", err)
	}
	lines := strings.Split(string(data), "\n")
	if !slices.Contains(lines, "*") {
		t.Errorf(".dockerignore should exclude everything by default")
	}
	for _, keep := range []string{"!pkg/", "!services/", "!cmd/", "!deploy/healthprobe/", "!deploy/go.mod"} {
		if !slices.Contains(lines, keep) {
			t.Errorf(".dockerignore lacks %q, which the Dockerfile bind-mounts", keep)
		}
	}
}

func TestHealthprobeIsStdlibOnly(t *testing.T) {
	// The image build compiles the probe from this module without
	// downloading its (large, test-only) dependencies.
	files, err := filepath.Glob(filepath.Join("healthprobe", "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no healthprobe sources: %v", err)
	}
	fset := token.NewFileSet()
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatalf("parse %s: %v", file, err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if first, _, _ := strings.Cut(path, "/"); strings.Contains(first, ".") {
				t.Errorf("%s imports %s; the probe must use the standard library only", file, path)
			}
		}
	}
}
