package lru

import (
	"testing"
	"time"
)

func TestEvictsLeastRecentlyUsedByCost(t *testing.T) {
	c := New[string, int](10)
	c.Put("a", 1, 4, 0)
	c.Put("b", 2, 4, 0)
	if _, ok := c.Get("a"); !ok { // a is now the most recently used
		t.Fatal("a missing")
	}
	c.Put("c", 3, 4, 0) // 12 > 10: b goes
	if _, ok := c.Get("b"); ok {
		t.Error("b kept; it was the least recently used")
	}
	if _, ok := c.Get("a"); !ok {
		t.Error("a evicted")
	}
	if c.Cost() != 8 || c.Len() != 2 {
		t.Errorf("cost %d, len %d; want 8, 2", c.Cost(), c.Len())
	}
}

func TestTooLargeIsNotKept(t *testing.T) {
	c := New[string, int](10)
	c.Put("big", 1, 11, 0)
	if _, ok := c.Get("big"); ok || c.Cost() != 0 {
		t.Errorf("a value over the budget was kept (cost %d)", c.Cost())
	}
}

func TestExpiry(t *testing.T) {
	c := New[string, int](10)
	now := time.Unix(1000, 0)
	c.now = func() time.Time { return now }
	c.Put("x", 1, 1, time.Minute)
	c.Put("y", 2, 1, 0)
	now = now.Add(61 * time.Second)
	if _, ok := c.Get("x"); ok {
		t.Error("expired entry served")
	}
	if _, ok := c.Get("y"); !ok {
		t.Error("entry without expiry dropped")
	}
	if c.Cost() != 1 {
		t.Errorf("cost %d after expiry, want 1", c.Cost())
	}
}

func TestAddKeepsTheFirstValue(t *testing.T) {
	c := New[int, string](10)
	if got := c.Add(1, "first", 1); got != "first" {
		t.Fatalf("Add = %q", got)
	}
	if got := c.Add(1, "second", 1); got != "first" {
		t.Errorf("second Add = %q, want the value already cached", got)
	}
	c.Clear()
	if c.Len() != 0 || c.Cost() != 0 {
		t.Errorf("Clear left %d entries, cost %d", c.Len(), c.Cost())
	}
}
