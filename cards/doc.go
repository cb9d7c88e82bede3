// Package cards is the card pipeline, the stage between the engine and
// the server: given a layout, data and an output format it returns the
// encoded card, from memory, from the card store, or rendered.
//
// A [Pipeline] owns the live layout set (compiled from a folder or the
// built-in layouts, hot-reloaded by swapping one pointer, a broken file
// keeping its last good version), the cache-key memo, a byte-bounded
// memory LRU of encoded cards, the card store behind a small [Store]
// interface (gocloud.dev/blob: file, S3, memory, in package storage), a
// bounded render pool, the photo cache and the SSRF-safe picture fetcher
// (package fetch). [Pipeline.Card] serves one card; [Pipeline.NewWarm]
// pre-renders every card of a data source into the store, optionally one
// [Shard] of them.
//
// Cache keys are content hashes (engine.Template.CacheKey): the layout,
// its assets and fonts, the data, the output and the engine version, so
// nothing is ever invalidated. Identical concurrent calls share one store
// read and at most one render (singleflight). A card drawn with a
// fallback picture or a missing glyph is transient: kept in memory
// briefly, never stored.
//
// The store never holds up a card: reads are bounded by a second, writes
// go through a bounded queue after the render worker is released (a full
// queue drops the write, counted), and a circuit breaker skips the store
// after consecutive failures and probes it again after a pause.
//
// Errors: [ErrBusy] when no render worker frees up within the queue wait;
// engine.DataError for bad data; [ErrUnknownFile] and [ErrSaveOff] from
// the layout-file methods; context errors when a render runs past its
// timeout. Store failures are never returned: they are logged, counted
// in the pipeline's Prometheus series and cost a render.
//
// Concurrency: a Pipeline is safe for concurrent use. A live [Set] is
// immutable. A [Card] is shared by every caller and must not be modified.
package cards
