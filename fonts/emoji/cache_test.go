package emoji

import "testing"

func TestLRUStaysWithinBudget(t *testing.T) {
	c := newLRU[int, string](100)
	for i := range 50 {
		c.add(i, "v", 10)
		if _, cost := c.stats(); cost > 100 {
			t.Fatalf("after %d adds cost %d > 100", i+1, cost)
		}
	}
	if n, _ := c.stats(); n != 10 {
		t.Errorf("entries = %d, want 10", n)
	}
	if _, ok := c.get(0); ok {
		t.Error("oldest entry survived eviction")
	}
	if _, ok := c.get(49); !ok {
		t.Error("newest entry was evicted")
	}
	if v := c.add(49, "other", 10); v != "v" {
		t.Errorf("re-add returned %q, want the cached value", v)
	}
	if c.add(1000, "huge", 1000); c.cost > 100 {
		t.Error("an over-budget value was stored")
	}
}
