// Package schema holds the JSON Schema of ogcard layout files and checks
// layout documents against it, reporting every problem with its place in
// the file.
//
// The schema (layout.schema.json, JSON Schema draft 2020-12) is embedded in
// the binary and compiled once. It is the first of three checks a layout
// goes through: the schema here, then a strict decode and semantic checks in
// package engine, which report their findings with the same [Problem] type
// so a designer sees one kind of message:
//
//	layouts/news.json:14:9: /layers/2/maxLines: must be >= 1
//
// Problems carry the file, the 1-based line and column of the JSON member
// (its key) or array element at fault, and its JSON Pointer. [Problems]
// collects all of a file's problems into one error.
//
// Hostile input: a document nested deeper than [MaxDepth] is refused with
// one problem before anything decodes it, so later stages never recurse
// deeper than that. Placing problems reads only the objects and arrays on
// their paths, once each, so a document costs time and memory linear in
// its size however it is shaped.
//
// Everything here is safe for concurrent use.
package schema
