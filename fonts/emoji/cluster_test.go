package emoji

import (
	"testing"

	"github.com/rivo/uniseg"
)

func TestIsEmojiCluster(t *testing.T) {
	yes := append([]string{"🚀", "❤️", "☝🏽", "❤‍🔥", "#️⃣", "1⃣", "🇦",
		"🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F"}, sequences...)
	for _, s := range yes {
		if !IsEmojiCluster(s) {
			t.Errorf("IsEmojiCluster(%q) = false", s)
		}
	}
	no := []string{"", "A", "1", "#", "*", "©", "®", "™", "é", "中", "❤", "☝",
		"😀\uFE0E", "a\uFE0F", "a🏽", "\xff"}
	for _, s := range no {
		if IsEmojiCluster(s) {
			t.Errorf("IsEmojiCluster(%q) = true", s)
		}
	}
}

func TestIsEmojiClusterWithUniseg(t *testing.T) {
	text := "Launch 🚀 day ❤️ © 2024 👨‍👩‍👧‍👦 in 🇯🇵! ™ ❤"
	var got []string
	g := uniseg.NewGraphemes(text)
	for g.Next() {
		if IsEmojiCluster(g.Str()) {
			got = append(got, g.Str())
		}
	}
	want := []string{"🚀", "❤️", "👨‍👩‍👧‍👦", "🇯🇵"}
	if len(got) != len(want) {
		t.Fatalf("emoji clusters = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("cluster %d = %q, want %q", i, got[i], want[i])
		}
	}
}
