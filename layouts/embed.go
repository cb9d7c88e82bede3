// Package layouts embeds the example layouts and their assets, so that
// `ogcard serve` runs on its defaults with no files beside the binary.
// Designers edit the JSON files in this folder; point the server at the
// folder (--layouts layouts) to serve the files rather than the copies
// built into the binary.
package layouts

import "embed"

// FS holds every layout file and the assets folder.
//
//go:embed *.json assets
var FS embed.FS
