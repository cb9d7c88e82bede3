// Package browsertest finds the Chromium that tests drive a real page in,
// and the flags it needs on a machine with no network and no display.
package browsertest

import (
	"os"
	"os/exec"
	"testing"
)

// candidates are the names Chromium is installed under: Debian's package
// "chromium" provides /usr/bin/chromium; other systems name it otherwise.
var candidates = []string{"chromium", "chromium-browser", "google-chrome-stable", "google-chrome", "headless-shell"}

// Chrome returns the path of a Chromium-based browser: $OGCARD_CHROME if
// set, else the first of the usual names on $PATH. Without one the test is
// skipped, except when $CI is set, where it fails: CI must run the browser
// tests, and a missing browser there is a broken setup, not a reason to
// pass.
func Chrome(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("OGCARD_CHROME"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("OGCARD_CHROME=%s: %v", p, err)
		}
		return p
	}
	for _, name := range candidates {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const msg = "no Chromium found (install the Debian package: apt-get install -y chromium, or set OGCARD_CHROME)"
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// Flags are the command-line switches for a headless Chromium in a
// container with no network: no sandbox (root in a container has none to
// give), no GPU, /tmp rather than a small /dev/shm, and none of the
// background traffic (updates, sync, field trials) that would only time
// out. A fresh profile directory is the caller's, with --user-data-dir.
var Flags = []string{
	"--headless",
	"--no-sandbox",
	"--disable-gpu",
	"--disable-dev-shm-usage",
	"--no-first-run",
	"--no-default-browser-check",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
	"--disable-extensions",
	"--disable-default-apps",
	"--metrics-recording-only",
	"--mute-audio",
	"--hide-scrollbars",
}

// Artifacts returns the folder for files a test leaves for people to look
// at (screenshots): $OGCARD_TEST_ARTIFACTS if set (created if need be),
// else a temporary folder of the test's.
func Artifacts(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("OGCARD_TEST_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("OGCARD_TEST_ARTIFACTS: %v", err)
	}
	return dir
}
