package deploy_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
)

// repoRoot is the repository root, relative to this package.
const repoRoot = ".."

var (
	buildOnce sync.Once
	buildDir  string
	buildBin  string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if plainStop != nil {
		plainStop()
	}
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// ogcardBinary builds the ogcard command once per test run and returns
// its path.
func ogcardBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "ogcard-deploy-")
		if buildErr != nil {
			return
		}
		buildBin = filepath.Join(buildDir, "ogcard")
		out, err := exec.Command("go", "build", "-o", buildBin, "github.com/ogcard/ogcard").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildBin
}

// commandFlags is what `ogcard CMD -h` says the command takes.
type commandFlags struct {
	flags map[string]bool // flag names, without dashes
	env   map[string]bool // OGCARD_* variables named in the help
}

var (
	flagPattern = regexp.MustCompile(`(?m)^  -([a-z0-9-]+)`)
	envPattern  = regexp.MustCompile(`\(env (OGCARD_[A-Z0-9_]+)\)`)
)

// helpOf runs `ogcard cmd -h` and reads the flags and variables it lists.
func helpOf(t testing.TB, cmd string) commandFlags {
	t.Helper()
	out, err := exec.Command(ogcardBinary(t), cmd, "-h").CombinedOutput()
	if err != nil {
		t.Fatalf("ogcard %s -h: %v\n%s", cmd, err, out)
	}
	cf := commandFlags{flags: map[string]bool{}, env: map[string]bool{}}
	for _, m := range flagPattern.FindAllStringSubmatch(string(out), -1) {
		cf.flags[m[1]] = true
	}
	for _, m := range envPattern.FindAllStringSubmatch(string(out), -1) {
		cf.env[m[1]] = true
	}
	if len(cf.flags) < 5 || len(cf.env) < 5 {
		t.Fatalf("ogcard %s -h lists %d flags and %d variables: has its help changed shape?\n%s", cmd, len(cf.flags), len(cf.env), out)
	}
	return cf
}

// commands lists the subcommands `ogcard help` names.
func commands(t testing.TB) map[string]bool {
	t.Helper()
	out, _ := exec.Command(ogcardBinary(t), "help").CombinedOutput() // exits 2 by design
	names := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^  ([a-z]+) `).FindAllStringSubmatch(string(out), -1) {
		names[m[1]] = true
	}
	if !names["serve"] {
		t.Fatalf("ogcard help names no serve command:\n%s", out)
	}
	return names
}

// checkArgs reports flags in args that cf does not know. An arg is
// --name=value or --name; values given as separate args are skipped by
// the caller's format (the chart and compose always use --name=value).
func checkArgs(t *testing.T, where string, args []string, cf commandFlags) {
	t.Helper()
	for _, a := range args {
		m := regexp.MustCompile(`^--?([a-z0-9-]+)(=|$)`).FindStringSubmatch(a)
		if m == nil {
			continue
		}
		if !cf.flags[m[1]] {
			t.Errorf("%s: flag --%s is not a flag of the binary", where, m[1])
		}
	}
}

var (
	plainOnce sync.Once
	plainBase string
	plainStop func()
)

// checkRouteAnswers checks that a plain `ogcard serve` (mem:// store, no
// demo), started once per test run, answers GET path with 200.
func checkRouteAnswers(t *testing.T, path string) {
	t.Helper()
	bin := ogcardBinary(t)
	plainOnce.Do(func() {
		addr := freeAddr(t)
		ctx, cancel := context.WithCancel(context.Background())
		cmd := exec.CommandContext(ctx, bin, "serve", "--addr="+addr, "--data-dir="+buildDir, "--cache-url=mem://", "--demo=false", "--preview=false", "--log-level=warn")
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			cancel()
			t.Fatal(err)
		}
		plainBase, plainStop = "http://"+addr, func() { cancel(); _ = cmd.Wait() }
	})
	waitReady(t, plainBase)
	resp, err := httpClient.Get(plainBase + path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("GET %s on ogcard serve: %s, want 200", path, resp.Status)
	}
}
