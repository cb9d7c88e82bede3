// Package lru is the one least-recently-used cache of ogcard: bounded by
// the summed cost (bytes) of its entries, with an optional expiry per
// entry. The card pipeline keeps encoded cards and decoded photos in it,
// and the emoji font its glyph bitmaps.
//
// It is written here rather than taken from a library because the
// well-kept ones bound something else: hashicorp/golang-lru counts
// entries, not bytes, and ristretto admits entries by sampled frequency,
// so a card just rendered may be refused and rendered again.
//
// Concurrency: a Cache is safe for concurrent use; every method takes one
// mutex for a few map and list operations.
package lru
