package lru

import (
	"container/list"
	"sync"
	"time"
)

// Cache is a least-recently-used cache bounded by the cost of its values.
type Cache[K comparable, V any] struct {
	mu      sync.Mutex
	max     int64
	cost    int64
	order   *list.List // front: most recently used
	entries map[K]*list.Element
	now     func() time.Time
}

type entry[K comparable, V any] struct {
	key     K
	val     V
	cost    int64
	expires time.Time // zero: never
}

// New returns an empty cache that holds at most maxCost.
func New[K comparable, V any](maxCost int64) *Cache[K, V] {
	return &Cache[K, V]{max: maxCost, order: list.New(), entries: map[K]*list.Element{}, now: time.Now}
}

// Get returns the value for key, if present and not expired, and marks it
// recently used.
func (c *Cache[K, V]) Get(key K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var zero V
	el, ok := c.entries[key]
	if !ok {
		return zero, false
	}
	e := el.Value.(*entry[K, V])
	if !e.expires.IsZero() && c.now().After(e.expires) {
		c.remove(el)
		return zero, false
	}
	c.order.MoveToFront(el)
	return e.val, true
}

// Put stores val under key for ttl (0: until evicted), replacing what was
// there, and evicts the least recently used entries until the cost fits.
// A value costing more than the whole cache is not kept.
func (c *Cache[K, V]) Put(key K, val V, cost int64, ttl time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[key]; ok {
		c.remove(el)
	}
	c.insert(key, val, cost, ttl)
}

// Add stores val under key unless a live value is there already, and
// returns the value cached under key: when another goroutine stored key
// first, its value wins, so that callers share one copy.
func (c *Cache[K, V]) Add(key K, val V, cost int64) V {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[key]; ok {
		e := el.Value.(*entry[K, V])
		if e.expires.IsZero() || !c.now().After(e.expires) {
			c.order.MoveToFront(el)
			return e.val
		}
		c.remove(el)
	}
	c.insert(key, val, cost, 0)
	return val
}

func (c *Cache[K, V]) insert(key K, val V, cost int64, ttl time.Duration) {
	if cost > c.max {
		return
	}
	e := &entry[K, V]{key: key, val: val, cost: cost}
	if ttl > 0 {
		e.expires = c.now().Add(ttl)
	}
	c.entries[key] = c.order.PushFront(e)
	c.cost += cost
	for c.cost > c.max {
		c.remove(c.order.Back())
	}
}

func (c *Cache[K, V]) remove(el *list.Element) {
	e := el.Value.(*entry[K, V])
	c.order.Remove(el)
	delete(c.entries, e.key)
	c.cost -= e.cost
}

// Clear empties the cache.
func (c *Cache[K, V]) Clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.order.Init()
	clear(c.entries)
	c.cost = 0
}

// Len is the number of entries held (expired ones included until they
// are looked up or evicted).
func (c *Cache[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// Cost is the summed cost of the entries held.
func (c *Cache[K, V]) Cost() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cost
}
