package deploy_test

import (
	"bufio"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ogcard/ogcard/server"
	"gopkg.in/yaml.v3"
)

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	line int
	cmd  string // upper case: FROM, RUN, ...
	args string
}

// readDockerfile splits a Dockerfile into instructions, grouped by stage
// (everything from one FROM to the next).
func readDockerfile(t *testing.T, path string) [][]instruction {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var stages [][]instruction
	var cur *instruction
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if cur == nil && (line == "" || strings.HasPrefix(line, "#")) {
			continue
		}
		if cur != nil && strings.HasPrefix(line, "#") {
			continue // a comment inside a continued instruction
		}
		body, more := strings.CutSuffix(line, "\\")
		if cur == nil {
			cmd, args, _ := strings.Cut(body, " ")
			cur = &instruction{line: n, cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args)}
		} else {
			cur.args += " " + strings.TrimSpace(body)
		}
		if more {
			continue
		}
		if cur.cmd == "FROM" {
			stages = append(stages, nil)
		}
		if len(stages) > 0 {
			stages[len(stages)-1] = append(stages[len(stages)-1], *cur)
		}
		cur = nil
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return stages
}

func find(stage []instruction, cmd string) []instruction {
	var out []instruction
	for _, in := range stage {
		if in.cmd == cmd {
			out = append(out, in)
		}
	}
	return out
}

// ciPackages reads the Debian packages .ci/run installs for the tests:
// the runtime image needs the same libraries and fonts.
func ciPackages(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`for pkg in ([^;]+); do`).FindSubmatch(b)
	if m == nil {
		t.Fatal(".ci/run: no `for pkg in ...; do` list of packages")
	}
	return strings.Fields(string(m[1]))
}

// The Dockerfile builds with the Go toolchain, runs on a slim Debian with
// the libraries and fonts CI installs, as a non-root user, with a health
// check the binary understands, its data folder a volume, and only
// settings and commands the binary has.
func TestDockerfile(t *testing.T) {
	stages := readDockerfile(t, filepath.Join(repoRoot, "Dockerfile"))
	if len(stages) < 2 {
		t.Fatalf("Dockerfile: %d stages, want a build stage and a runtime stage", len(stages))
	}
	build, runtime := stages[0], stages[len(stages)-1]
	if from := build[0].args; !strings.HasPrefix(from, "golang:") || !strings.HasSuffix(from, " AS build") {
		t.Errorf("Dockerfile:%d: first stage is %q, want golang:... AS build", build[0].line, from)
	}
	if from := runtime[0].args; !regexp.MustCompile(`^debian:\S*-slim\b`).MatchString(from) {
		t.Errorf("Dockerfile:%d: runtime stage is %q, want a debian slim image", runtime[0].line, from)
	}
	if strings.Contains(strings.Join(argsOf(find(build, "RUN")), " "), "CGO_ENABLED=0") {
		t.Error("Dockerfile: CGO_ENABLED=0 makes a static binary that cannot dlopen libwebp, libturbojpeg or libdeflate")
	}
	t.Run("packages", func(t *testing.T) {
		runs := strings.Join(argsOf(find(runtime, "RUN")), " ")
		for _, pkg := range ciPackages(t) {
			switch pkg {
			case "chromium", // only the preview page's browser test needs it
				"gcc", "libc6-dev": // cgo for go test -race; the build stage has its own toolchain
				continue
			}
			if !regexp.MustCompile(`\b` + regexp.QuoteMeta(pkg) + `\b`).MatchString(runs) {
				t.Errorf("runtime stage does not install %s, which .ci/run installs for ogcard", pkg)
			}
		}
	})
	t.Run("user", func(t *testing.T) {
		users := find(runtime, "USER")
		if len(users) == 0 {
			t.Fatal("runtime stage has no USER: the service would run as root")
		}
		u := users[len(users)-1]
		uid, _, _ := strings.Cut(u.args, ":")
		if uid == "0" || uid == "root" || !regexp.MustCompile(`^[0-9]+$`).MatchString(uid) {
			t.Errorf("Dockerfile:%d: USER %s: want a numeric non-root uid (runAsNonRoot can only check a number)", u.line, u.args)
		}
	})
	env := dockerEnv(runtime)
	serve := helpOf(t, "serve")
	t.Run("env", func(t *testing.T) {
		for name := range env {
			if strings.HasPrefix(name, "OGCARD_") && !serve.env[name] {
				t.Errorf("Dockerfile sets %s, which ogcard serve does not read", name)
			}
		}
	})
	t.Run("volume", func(t *testing.T) {
		dataDir := env["OGCARD_DATA_DIR"]
		vols := strings.Join(argsOf(find(runtime, "VOLUME")), " ")
		if dataDir == "" || !strings.Contains(vols, `"`+dataDir+`"`) {
			t.Errorf("the data folder OGCARD_DATA_DIR=%q is not a VOLUME (%s)", dataDir, vols)
		}
	})
	t.Run("entrypoint", func(t *testing.T) {
		cmds := commands(t)
		checkExec(t, find(runtime, "ENTRYPOINT"), `["ogcard"]`)
		checkExec(t, find(runtime, "CMD"), `["serve"]`)
		hc := find(runtime, "HEALTHCHECK")
		if len(hc) != 1 || !strings.HasSuffix(hc[0].args, `CMD ["ogcard", "healthcheck"]`) {
			t.Fatalf("HEALTHCHECK %v: want CMD [\"ogcard\", \"healthcheck\"]", hc)
		}
		if !cmds["healthcheck"] {
			t.Error("the image's HEALTHCHECK runs ogcard healthcheck, which the binary does not have")
		}
	})
}

func argsOf(ins []instruction) []string {
	var out []string
	for _, in := range ins {
		out = append(out, in.args)
	}
	return out
}

func checkExec(t *testing.T, ins []instruction, want string) {
	t.Helper()
	if len(ins) != 1 || ins[0].args != want {
		t.Errorf("%v: want one, in exec form: %s", ins, want)
	}
}

// dockerEnv reads the stage's ENV instructions (key=value form).
func dockerEnv(stage []instruction) map[string]string {
	env := map[string]string{}
	for _, in := range find(stage, "ENV") {
		for _, kv := range strings.Fields(in.args) {
			if k, v, ok := strings.Cut(kv, "="); ok {
				env[k] = v
			}
		}
	}
	return env
}

// The image's health check: `ogcard healthcheck` finds a running serve
// from the same OGCARD_ADDR the image sets, and fails once it is gone.
func TestHealthcheckFindsServe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs a server")
	}
	bin := ogcardBinary(t)
	addr := freeAddr(t)
	env := append(os.Environ(), "OGCARD_ADDR="+addr, "OGCARD_DATA_DIR="+t.TempDir(), "OGCARD_CACHE_URL=mem://", "OGCARD_DEMO=false", "OGCARD_PREVIEW=false", "OGCARD_LOG_LEVEL=warn")
	ctx, cancel := context.WithCancel(context.Background())
	serve := exec.CommandContext(ctx, bin, "serve")
	serve.Env, serve.Stderr = env, os.Stderr
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); _ = serve.Wait() }()
	waitReady(t, "http://"+addr)
	probe := exec.Command(bin, "healthcheck")
	probe.Env = env
	if out, err := probe.CombinedOutput(); err != nil {
		t.Fatalf("ogcard healthcheck against a running serve: %v\n%s", err, out)
	}
	cancel()
	_ = serve.Wait()
	probe = exec.Command(bin, "healthcheck", "--timeout=1s")
	probe.Env = env
	if err := probe.Run(); err == nil {
		t.Error("ogcard healthcheck succeeded with the service stopped")
	}
}

// compose.yaml's stack: every ogcard service runs a command of the binary
// with its flags and variables, read-only with a /tmp tmpfs; nginx mounts
// the CDN rules and points at the two replicas; every file it mounts
// exists, and the configuration file loads.
func TestCompose(t *testing.T) {
	var doc struct {
		Services map[string]struct {
			Image       string            `yaml:"image"`
			Command     []string          `yaml:"command"`
			ReadOnly    bool              `yaml:"read_only"`
			Tmpfs       []string          `yaml:"tmpfs"`
			Environment map[string]string `yaml:"environment"`
			Volumes     []string          `yaml:"volumes"`
		} `yaml:"services"`
	}
	b, err := os.ReadFile(filepath.Join(repoRoot, "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	for _, name := range []string{"ogcard-1", "ogcard-2", "s3", "postgres", "nginx"} {
		if _, ok := doc.Services[name]; !ok {
			t.Errorf("compose.yaml: no service %s", name)
		}
	}
	help := map[string]commandFlags{"serve": helpOf(t, "serve"), "warm": helpOf(t, "warm")}
	for name, s := range doc.Services {
		for _, v := range s.Volumes {
			if src, _, _ := strings.Cut(v, ":"); strings.HasPrefix(src, "./") {
				if _, err := os.Stat(filepath.Join(repoRoot, src)); err != nil {
					t.Errorf("compose.yaml: %s mounts %s: %v", name, src, err)
				}
			}
		}
		if s.Image != "ogcard:local" {
			continue
		}
		if len(s.Command) == 0 || help[s.Command[0]].flags == nil {
			t.Errorf("compose.yaml: %s runs %q, want serve or warm", name, s.Command)
			continue
		}
		checkArgs(t, "compose.yaml: "+name, s.Command[1:], help[s.Command[0]])
		for k := range s.Environment {
			if strings.HasPrefix(k, "OGCARD_") && !help["serve"].env[k] {
				t.Errorf("compose.yaml: %s sets %s, which ogcard does not read", name, k)
			}
		}
		if !s.ReadOnly || !slices.Contains(s.Tmpfs, "/tmp") {
			t.Errorf("compose.yaml: %s: want read_only: true and a /tmp tmpfs, as production runs it", name)
		}
	}
	t.Run("nginx", func(t *testing.T) {
		conf, err := os.ReadFile(filepath.Join(repoRoot, "deploy", "nginx", "default.conf"))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"server ogcard-1:8080;", "server ogcard-2:8080;", "include /etc/nginx/ogcard/cdn.conf;"} {
			if !strings.Contains(string(conf), want) {
				t.Errorf("deploy/nginx/default.conf lacks %q", want)
			}
		}
		if !slices.Contains(doc.Services["nginx"].Volumes, "./deploy/nginx/cdn.conf:/etc/nginx/ogcard/cdn.conf:ro") {
			t.Error("compose.yaml: nginx does not mount deploy/nginx/cdn.conf where default.conf includes it")
		}
	})
	t.Run("config", func(t *testing.T) {
		_, err := server.Load([]string{"--config", filepath.Join(repoRoot, "deploy", "compose", "ogcard.yaml")}, func(string) string { return "" })
		if err != nil {
			t.Errorf("deploy/compose/ogcard.yaml: %v", err)
		}
	})
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// waitReady polls base/readyz until it answers 200.
func waitReady(t testing.TB, base string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := httpClient.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s did not become ready", base)
}
