// Package fetch loads the pictures that cards are drawn with: from local
// files (for the command line), file:// URLs and http(s) URLs, under a
// total deadline, a byte cap and a pixel cap checked from the picture's
// header before it is decoded.
//
// A [Loader] implements engine.ImageLoader and is safe for concurrent use.
// Its errors say what went wrong in a short phrase fit for a log line and
// for the reason of a fallback ("http 404", "too large: over 15 MB").
//
// Address checks against server-side request forgery belong here too and
// arrive with the server; until then the command line is the only caller.
package fetch
