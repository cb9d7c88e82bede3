package sign

import (
	"errors"
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
		_, err = Verify(u.EscapedPath(), u.RawQuery, keys)
		return err
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
	q := Params{"title": "Héllo world & *more*", "brand": "A~B/C"}
	got := canonical("/og/news.png", q)
	want := "/og/news.png?brand=A~B%2FC&title=H%C3%A9llo%20world%20%26%20%2Amore%2A"
	if got != want {
		t.Errorf("canonical:\n got %s\nwant %s", got, want)
	}
}

// One signature must stand for one card: a repeated parameter could be
// read first-wins by the server and last-wins by a cache, and a malformed
// or empty pair would be dropped from both the check and the data, so
// any signed URL could be varied without limit.
func TestAmbiguousQueriesAreRefused(t *testing.T) {
	const key = "first-key-0123456789"
	if _, err := Sign("/og/news.png?title=Safe&title=Evil", key); !errors.Is(err, ErrBadQuery) {
		t.Errorf("Sign with a repeated parameter: %v, want ErrBadQuery", err)
	}
	signed, err := Sign("/og/news.png?title=Safe", key)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(signed)
	for _, extra := range []string{"&title=Evil", "&x=%zz", "&", "&novalue", "&=x", "&" + SignatureParam + "=again"} {
		params, err := Verify(u.EscapedPath(), u.RawQuery+extra, []string{key})
		if !errors.Is(err, ErrBadQuery) || params != nil {
			t.Errorf("Verify(%q): %v, %v; want ErrBadQuery and no data", u.RawQuery+extra, params, err)
		}
	}
	params, err := Verify(u.EscapedPath(), u.RawQuery, []string{key})
	if err != nil || len(params) != 1 || params["title"] != "Safe" {
		t.Errorf("Verify of the signed URL = %v, %v; want exactly title=Safe", params, err)
	}
}

// A URL with no parameters signs the bare path: the README's recipes
// must not sign "path?".
func TestNoParametersSignsThePath(t *testing.T) {
	const key = "first-key-0123456789"
	signed, err := Sign("/og/plain.png", key)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(signed)
	if got, want := u.Query().Get(SignatureParam), mac(key, "/og/plain.png"); got != want {
		t.Errorf("sig = %s, want the MAC of the bare path, %s", got, want)
	}
}

func FuzzVerify(f *testing.F) {
	const key = "first-key-0123456789"
	signed, _ := Sign("/og/news.png?title=Hello World&brand=Medial", key)
	u, _ := url.Parse(signed)
	f.Add(u.EscapedPath(), u.RawQuery)
	f.Add("/og/news.png", "title=a&title=b&sig=x")
	f.Add("/og/news.png", "x=%zz&sig=")
	f.Fuzz(func(t *testing.T, path, rawQuery string) {
		params, err := Verify(path, rawQuery, []string{key})
		if err != nil {
			if params != nil {
				t.Fatal("data returned with an error")
			}
			return
		}
		// Whatever verifies must re-sign to a URL that verifies to the
		// same parameters: one signature, one card.
		if _, ok := params[SignatureParam]; ok {
			t.Fatal("the signature is part of the data")
		}
		q := url.Values{}
		for k, v := range params {
			q.Set(k, v)
		}
		again, err := Sign(path+"?"+q.Encode(), key)
		if err != nil {
			return // a path url.Parse refuses
		}
		u, err := url.Parse(again)
		if err != nil {
			t.Fatal(err)
		}
		if p2, err := Verify(u.EscapedPath(), u.RawQuery, []string{key}); err == nil && len(p2) != len(params) {
			t.Fatalf("re-signed URL verifies to %v, first to %v", p2, params)
		}
	})
}
