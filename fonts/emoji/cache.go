package emoji

import (
	"container/list"
	"sync"
)

// lru is a least-recently-used cache bounded by the summed cost (bytes) of
// its entries. It is safe for concurrent use.
type lru[K comparable, V any] struct {
	mu      sync.Mutex
	maxCost int
	cost    int
	order   *list.List // front is most recently used; values are *lruEntry
	items   map[K]*list.Element
}

// lruEntry is one cached value with its cost.
type lruEntry[K comparable, V any] struct {
	key  K
	val  V
	cost int
}

// newLRU returns an empty cache holding at most maxCost bytes.
func newLRU[K comparable, V any](maxCost int) *lru[K, V] {
	return &lru[K, V]{maxCost: maxCost, order: list.New(), items: map[K]*list.Element{}}
}

// get returns the value for k and marks it recently used.
func (c *lru[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[k]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*lruEntry[K, V]).val, true
}

// add stores v under k, evicting the least recently used entries until the
// total cost fits. It returns the value now cached under k: when another
// goroutine stored k first, that value wins so that callers share one copy.
// A value costing more than the whole budget is returned but not stored.
func (c *lru[K, V]) add(k K, v V, cost int) V {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		c.order.MoveToFront(el)
		return el.Value.(*lruEntry[K, V]).val
	}
	if cost > c.maxCost {
		return v
	}
	c.items[k] = c.order.PushFront(&lruEntry[K, V]{key: k, val: v, cost: cost})
	c.cost += cost
	for c.cost > c.maxCost {
		c.evictOldest()
	}
	return v
}

// evictOldest drops the least recently used entry. The caller holds c.mu.
func (c *lru[K, V]) evictOldest() {
	el := c.order.Back()
	if el == nil {
		return
	}
	e := c.order.Remove(el).(*lruEntry[K, V])
	delete(c.items, e.key)
	c.cost -= e.cost
}

// clear empties the cache.
func (c *lru[K, V]) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.order.Init()
	clear(c.items)
	c.cost = 0
}

// stats returns the number of entries and their summed cost.
func (c *lru[K, V]) stats() (n, cost int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items), c.cost
}
