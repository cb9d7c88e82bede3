package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "ogcard.yaml")
	yaml := "addr: \":7000\"\nrender_workers: 3\nmax_age: 1h\nsources:\n  news:\n    type: sql\n    driver: sqlite\n    dsn: " + filepath.Join(dir, "x.db") + "\n    query: SELECT 1\n"
	if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"OGCARD_CONFIG": file, "OGCARD_RENDER_WORKERS": "5", "OGCARD_SIGNING_KEYS": "aaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbb"}
	cfg, err := Load([]string{"--addr", ":9000"}, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != ":9000" || cfg.Workers != 5 || cfg.MaxAge != time.Hour || len(cfg.SigningKeys) != 2 || cfg.Sources["news"].Driver != "sqlite" {
		t.Errorf("got addr %s workers %d max-age %v keys %v sources %v; want flag > env > yaml > default", cfg.Addr, cfg.Workers, cfg.MaxAge, cfg.SigningKeys, cfg.Sources)
	}
	if cfg.QueueWait != DefaultConfig().QueueWait {
		t.Errorf("an unset setting lost its default: %v", cfg.QueueWait)
	}
}

func TestConfigReportsEveryProblem(t *testing.T) {
	env := map[string]string{"OGCARD_RENDER_WORKERS": "zero", "OGCARD_LOG_FORMAT": "xml", "OGCARD_SIGNING_KEYS": "short"}
	_, err := Load([]string{"--render-timeout", "0s"}, func(k string) string { return env[k] })
	if err == nil {
		t.Fatal("want errors")
	}
	for _, want := range []string{"OGCARD_RENDER_WORKERS", "log-format", "signing-keys", "render-timeout"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s:\n%v", want, err)
		}
	}
}

func TestFlagSetListsEverySetting(t *testing.T) {
	fs := FlagSet()
	c := DefaultConfig()
	for _, s := range c.settings() {
		if fs.Lookup(s.name) == nil {
			t.Errorf("--%s missing from serve --help", s.name)
		}
	}
	if fs.Lookup("addr").DefValue != ":8080" {
		t.Errorf("addr default %q", fs.Lookup("addr").DefValue)
	}
}
