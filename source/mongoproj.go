package source

import (
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// projection is the projection that fetches paths and nothing else.
//
// In a MongoDB projection a dotted path names fields, reaching into every
// element of an array on the way: "images.url" keeps the url of each
// image. So a path with array indexes is sent twice, once without its
// numeric parts (images.0.url → images.url, which works for an array)
// and once as written (which works for a sub-document with a key "0").
// A path under another one is dropped (MongoDB refuses the collision),
// and _id is left out unless asked for.
func projection(paths [][]string) bson.D {
	var dotted []string
	for _, p := range paths {
		dotted = append(dotted, strings.Join(p, "."))
		if named := withoutIndexes(p); len(named) > 0 && len(named) < len(p) {
			dotted = append(dotted, strings.Join(named, "."))
		}
	}
	slices.Sort(dotted)
	dotted = slices.Compact(dotted)
	proj := bson.D{}
	wantsID := false
	for i, d := range dotted {
		// Sorted, a path's parents (its prefixes) come before it.
		if i > 0 && underAny(d, dotted[:i]) {
			continue
		}
		if d == "_id" || strings.HasPrefix(d, "_id.") {
			wantsID = true
		}
		proj = append(proj, bson.E{Key: d, Value: 1})
	}
	if !wantsID {
		proj = append(proj, bson.E{Key: "_id", Value: 0})
	}
	return proj
}

// withoutIndexes returns path without its numeric parts.
func withoutIndexes(path []string) []string {
	out := make([]string, 0, len(path))
	for _, part := range path {
		if !isIndex(part) {
			out = append(out, part)
		}
	}
	return out
}

// underAny reports whether path lies under one of parents.
func underAny(path string, parents []string) bool {
	for _, p := range parents {
		if strings.HasPrefix(path, p+".") {
			return true
		}
	}
	return false
}
