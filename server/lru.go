package server

import (
	"container/list"
	"sync"
	"time"
)

// lru is a least-recently-used cache bounded by the bytes of its values,
// with an optional expiry per entry. It is safe for concurrent use.
type lru[V any] struct {
	mu      sync.Mutex
	max     int64
	size    int64
	order   *list.List // front: most recently used
	entries map[string]*list.Element
	now     func() time.Time
}

type lruEntry[V any] struct {
	key     string
	val     V
	size    int64
	expires time.Time // zero: never
}

func newLRU[V any](maxBytes int64) *lru[V] {
	return &lru[V]{max: maxBytes, order: list.New(), entries: map[string]*list.Element{}, now: time.Now}
}

// get returns the value for key, if present and not expired.
func (c *lru[V]) get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var zero V
	el, ok := c.entries[key]
	if !ok {
		return zero, false
	}
	e := el.Value.(*lruEntry[V])
	if !e.expires.IsZero() && c.now().After(e.expires) {
		c.remove(el)
		return zero, false
	}
	c.order.MoveToFront(el)
	return e.val, true
}

// put stores a value of the given size for ttl (0: until evicted). A
// value larger than the whole cache is not kept.
func (c *lru[V]) put(key string, val V, size int64, ttl time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[key]; ok {
		c.remove(el)
	}
	if size > c.max {
		return
	}
	e := &lruEntry[V]{key: key, val: val, size: size}
	if ttl > 0 {
		e.expires = c.now().Add(ttl)
	}
	c.entries[key] = c.order.PushFront(e)
	c.size += size
	for c.size > c.max {
		c.remove(c.order.Back())
	}
}

func (c *lru[V]) remove(el *list.Element) {
	e := el.Value.(*lruEntry[V])
	c.order.Remove(el)
	delete(c.entries, e.key)
	c.size -= e.size
}

// bytes is the total size held.
func (c *lru[V]) bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size
}
