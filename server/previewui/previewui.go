// Package previewui holds the static files of ogcard's /preview page. They
// are embedded so the page works with nothing beside the binary and loads
// nothing from a CDN: plain HTML, CSS and JavaScript, with no build step.
package previewui

import "embed"

// FS holds index.html, app.js and style.css.
//
//go:embed index.html app.js style.css
var FS embed.FS
