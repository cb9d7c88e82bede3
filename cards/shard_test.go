package cards

import (
	"strconv"
	"testing"
)

func TestShardsSplitEveryKeyOnce(t *testing.T) {
	const n = 3
	counts := make([]int, n)
	for k := range 3000 {
		key := "key-" + strconv.Itoa(k)
		owners := 0
		for i := range n {
			if (Shard{Index: i, Count: n}).Owns(key) {
				owners++
				counts[i]++
			}
		}
		if owners != 1 {
			t.Fatalf("%s has %d owners, want 1", key, owners)
		}
	}
	for i, c := range counts {
		if c < 800 || c > 1200 {
			t.Errorf("shard %d has %d of 3000 keys: the split is lopsided", i, c)
		}
	}
	if !(Shard{}).Owns("anything") {
		t.Error("the zero Shard must own every card")
	}
}

func TestParseShard(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Shard
	}{{"0/3", Shard{0, 3}}, {"2/3", Shard{2, 3}}, {" 1 / 2 ", Shard{1, 2}}, {"0/1", Shard{0, 1}}} {
		in, want := c.in, c.want
		got, err := ParseShard(in)
		if err != nil || got != want {
			t.Errorf("ParseShard(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "3/3", "-1/3", "1", "a/b", "0/0", "1/-2"} {
		if _, err := ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q) accepted", bad)
		}
	}
}
