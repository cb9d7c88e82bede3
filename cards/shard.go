package cards

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// Shard is one part of a warm run split across machines: Index of Count,
// counted from 0 (a Kubernetes indexed Job's JOB_COMPLETION_INDEX). The
// zero Shard is the whole run.
type Shard struct {
	Index, Count int
}

// ParseShard reads "I/N", such as "0/3".
func ParseShard(s string) (Shard, error) {
	i, n, ok := strings.Cut(s, "/")
	index, err1 := strconv.Atoi(strings.TrimSpace(i))
	count, err2 := strconv.Atoi(strings.TrimSpace(n))
	if !ok || err1 != nil || err2 != nil || count < 1 || index < 0 || index >= count {
		return Shard{}, fmt.Errorf("shard %q: want I/N with 0 <= I < N, such as 0/3", s)
	}
	return Shard{Index: index, Count: count}, nil
}

// String is "I/N".
func (s Shard) String() string { return strconv.Itoa(s.Index) + "/" + strconv.Itoa(s.Count) }

// Owns reports whether a card, by its cache key, is this shard's. The
// split hashes the key, so it is the same on every machine and does not
// depend on the order a source lists its rows in; the zero Shard owns
// every card.
func (s Shard) Owns(key string) bool {
	if s.Count <= 1 {
		return true
	}
	h := fnv.New64a()
	h.Write([]byte(key))
	return h.Sum64()%uint64(s.Count) == uint64(s.Index)
}
