package fetch

import (
	"os"
	"testing"
)

// TestMain turns on the loopback-only dial guard: the SSRF tests name
// private and metadata addresses, and even if the policy under test were
// broken, no connection may leave this machine.
func TestMain(m *testing.M) {
	testsOnlyLoopback.Store(true)
	os.Exit(m.Run())
}
