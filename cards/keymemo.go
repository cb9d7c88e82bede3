package cards

import (
	"hash/maphash"
	"maps"
	"math"
	"sync"

	"github.com/ogcard/ogcard/engine"
)

// keyMemo remembers engine.Template.CacheKey's answers, so that a hit
// does not redo its work (binding the data, JSON, SHA-256) every time.
// The key is still CacheKey's content hash: the memo maps a cheap 64-bit
// hash of (layout hash, data, output) to it, and an entry is used only
// when its layout hash, output and a copy of its data are equal to the
// request's, so a hash collision costs a CacheKey call, never a wrong
// card. CacheKey depends on nothing else (its own inputs are the engine
// version, the layout's content hash, the bound data and the output).
// Data with values other than strings, numbers, booleans and nulls is not
// memoised. Safe for concurrent use; the zero value is ready.
type keyMemo struct {
	mu sync.RWMutex
	m  map[uint64]*memoEntry
}

type memoEntry struct {
	layoutHash string
	out        engine.Output
	data       engine.Data // a copy, with scalar values only
	key        string
}

// keyMemoSize bounds the memo: an entry is a few hundred bytes.
const keyMemoSize = 8192

var memoSeed = maphash.MakeSeed()

// cacheKey is t.CacheKey(data, out).
func (k *keyMemo) cacheKey(t *engine.Template, data engine.Data, out engine.Output) (string, error) {
	h, ok := memoHash(t.Hash, data, out)
	if !ok {
		return t.CacheKey(data, out)
	}
	k.mu.RLock()
	e := k.m[h]
	k.mu.RUnlock()
	if e != nil && e.layoutHash == t.Hash && e.out == out && sameData(e.data, data) {
		return e.key, nil
	}
	key, err := t.CacheKey(data, out)
	if err != nil {
		return "", err
	}
	e = &memoEntry{layoutHash: t.Hash, out: out, data: maps.Clone(data), key: key}
	k.mu.Lock()
	if k.m == nil {
		k.m = make(map[uint64]*memoEntry)
	}
	if _, ok := k.m[h]; !ok && len(k.m) >= keyMemoSize {
		for victim := range k.m { // map order is random: a random eviction
			delete(k.m, victim)
			break
		}
	}
	k.m[h] = e
	k.mu.Unlock()
	return key, nil
}

// memoHash hashes the inputs of CacheKey; false when data holds a value
// it does not handle. Entries are combined by addition, so map order
// does not matter.
func memoHash(layoutHash string, data engine.Data, out engine.Output) (uint64, bool) {
	var sum uint64
	for name, v := range data {
		var hv uint64
		switch v := v.(type) {
		case string:
			hv = maphash.String(memoSeed, v)
		case int64:
			hv = mix64(uint64(v) ^ 0x1000)
		case int:
			hv = mix64(uint64(v) ^ 0x2000)
		case float64:
			hv = mix64(math.Float64bits(v) ^ 0x3000)
		case bool:
			hv = 0x4000
			if v {
				hv = 0x4001
			}
		case nil:
			hv = 0x5000
		default:
			return 0, false
		}
		sum += mix64(maphash.String(memoSeed, name) ^ mix64(hv))
	}
	h := maphash.String(memoSeed, layoutHash) ^ mix64(maphash.String(memoSeed, string(out.Format))+uint64(out.Quality)<<32+uint64(out.MaxBytes))
	return h ^ mix64(sum+uint64(len(data))), true
}

// sameData reports whether two data maps hold the same keys and values,
// of the same types. Floats compare by bits: CacheKey tells 0 from -0.
func sameData(a, b engine.Data) bool {
	if len(a) != len(b) {
		return false
	}
	for name, av := range a {
		bv, ok := b[name]
		if !ok {
			return false
		}
		switch av := av.(type) {
		case float64:
			bf, ok := bv.(float64)
			if !ok || math.Float64bits(av) != math.Float64bits(bf) {
				return false
			}
		case string, int64, int, bool, nil:
			if av != bv { // the types are comparable; == checks the type too
				return false
			}
		default:
			return false
		}
	}
	return true
}

// mix64 is the SplitMix64 finaliser.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}
