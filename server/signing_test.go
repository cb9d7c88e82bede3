package server

import (
	"net/url"
	"testing"
)

func TestSignVerify(t *testing.T) {
	const k1, k2 = "first-key-0123456789", "second-key-0123456789"
	signed, err := Sign("/og/news.png?title=Hello World&brand=Medial", k1)
	if err != nil {
		t.Fatal(err)
	}
	verify := func(raw string, keys ...string) error {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		return Verify(u.EscapedPath(), u.Query(), keys)
	}
	if err := verify(signed, k1); err != nil {
		t.Errorf("valid signature refused: %v", err)
	}
	if err := verify(signed, k2, k1); err != nil {
		t.Errorf("rotation: a signature by the second active key was refused: %v", err)
	}
	if err := verify(signed, k2); err == nil {
		t.Error("a signature by a retired key was accepted")
	}
	u, _ := url.Parse(signed)
	q := u.Query()
	q.Set("title", "Hacked")
	u.RawQuery = q.Encode()
	if err := verify(u.String(), k1); err == nil {
		t.Error("tampered query accepted")
	}
	if err := verify("/og/news.png?title=Hello", k1); err == nil {
		t.Error("unsigned URL accepted")
	}
	if err := verify("/og/article.png?"+u.RawQuery, k1); err == nil {
		t.Error("signature moved to another path accepted")
	}
	// Parameter order does not matter: the canonical form sorts.
	orig, _ := url.Parse(signed)
	reordered := "/og/news.png?" + SignatureParam + "=" + orig.Query().Get(SignatureParam) + "&title=Hello+World&brand=Medial"
	if err := verify(reordered, k1); err != nil {
		t.Errorf("reordered parameters refused: %v", err)
	}
}

// The README's recipe, done by hand: this is what clients in other
// languages compute.
func TestCanonicalFormIsDocumented(t *testing.T) {
	q := url.Values{"title": {"Héllo world & *more*"}, "brand": {"A~B/C"}}
	got := canonical("/og/news.png", q)
	want := "/og/news.png?brand=A~B%2FC&title=H%C3%A9llo%20world%20%26%20%2Amore%2A"
	if got != want {
		t.Errorf("canonical:\n got %s\nwant %s", got, want)
	}
}
