// Command ogcard draws Open Graph cards from declarative JSON layouts.
// See README.md; the commands live in internal/cli.
package main

import (
	"os"

	"github.com/ogcard/ogcard/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
