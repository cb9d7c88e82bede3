package source

import (
	"fmt"
	"os"
	"testing"
)

// demoDir holds the one demo CreateDemo makes for the whole package:
// drawing its photos takes seconds under the race detector.
var demoDir string

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "ogcard-demo-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	demoDir = dir
	return m.Run()
}
