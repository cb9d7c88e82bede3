package source

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDemoBudget(t *testing.T) {
	data := mustLookup(t, demoSource(t), "budget-2025")
	img, ok := data["imageUrl"].(string)
	if !ok {
		t.Fatalf("imageUrl = %#v, want a path", data["imageUrl"])
	}
	assertData(t, data, map[string]any{
		"title":    "Budget 2025 Announced: Key Reforms in AI, Energy & Infra",
		"brand":    "Medial",
		"imageUrl": img,
	})
	assertPhoto(t, img)
}

// TestDemoArticles checks every row: scripts other than Latin come back
// byte for byte, photos exist, and the article without one has no
// imageUrl at all.
func TestDemoArticles(t *testing.T) {
	s := demoSource(t)
	if len(demoArticles) < 6 {
		t.Errorf("%d demo articles, want at least 6", len(demoArticles))
	}
	withoutPhoto := 0
	for _, a := range demoArticles {
		data := mustLookup(t, s, a.slug)
		if data["title"] != a.title || data["brand"] != a.brand {
			t.Errorf("%s: got %#v", a.slug, data)
		}
		img, hasImg := data["imageUrl"]
		if a.photo == nil {
			withoutPhoto++
			if hasImg {
				t.Errorf("%s: imageUrl = %#v, want it left out (NULL)", a.slug, img)
			}
			continue
		}
		assertPhoto(t, img.(string))
	}
	if withoutPhoto != 1 {
		t.Errorf("%d articles without a photo, want 1", withoutPhoto)
	}
}

// assertPhoto checks a demo photo: an absolute path to a 1600x900 JPEG of
// photo-like size.
func assertPhoto(t *testing.T, path string) {
	t.Helper()
	if !filepath.IsAbs(path) {
		t.Errorf("photo path %q is not absolute", path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("photo: %v", err)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("photo %s: %v", path, err)
	}
	if cfg.Width != 1600 || cfg.Height != 900 {
		t.Errorf("photo %s is %dx%d, want 1600x900", path, cfg.Width, cfg.Height)
	}
	if len(b) < 80<<10 || len(b) > 250<<10 {
		t.Errorf("photo %s is %d bytes, want about 100-200 KB", path, len(b))
	}
}

func TestDemoNotFound(t *testing.T) {
	_, err := demoSource(t).Lookup(context.Background(), "no-such-article")
	assertKind(t, err, ErrNotFound)
}

// TestCreateDemoAgain checks that a second start keeps the database as it
// is (here, a row added since) and draws a lost photo again, identically.
func TestCreateDemoAgain(t *testing.T) {
	dsn := mustCreateDemo(t)
	db, err := sql.Open("sqlite", filepath.Join(demoDir, "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.Exec("INSERT INTO articles (slug, title) VALUES ('added-later', 'Added later')")
	if err != nil {
		t.Fatal(err)
	}
	photo := photoPath(filepath.Join(demoDir, "photos"), "launch-day")
	before, err := os.ReadFile(photo)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(photo); err != nil {
		t.Fatal(err)
	}

	if again := mustCreateDemo(t); again != dsn {
		t.Errorf("DSN changed from %q to %q", dsn, again)
	}
	s := openSQL(t, SQLConfig{Driver: "sqlite", DSN: dsn, Query: DemoQuery})
	assertData(t, mustLookup(t, s, "added-later"), map[string]any{"title": "Added later"})
	after, err := os.ReadFile(photo)
	if err != nil {
		t.Fatalf("photo not drawn again: %v", err)
	}
	if !bytes.Equal(before, after) {
		t.Errorf("photo drawn again differs: %d bytes, was %d", len(after), len(before))
	}
}

func mustCreateDemo(t *testing.T) string {
	t.Helper()
	dsn, err := CreateDemo(demoDir)
	if err != nil {
		t.Fatalf("CreateDemo: %v", err)
	}
	return dsn
}

// TestDemoDSNReadOnly checks that the server cannot change the demo
// through the DSN it is given.
func TestDemoDSNReadOnly(t *testing.T) {
	db, err := sql.Open("sqlite", mustCreateDemo(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.Exec("DELETE FROM articles")
	if err == nil || !strings.Contains(err.Error(), "readonly") {
		t.Errorf("DELETE through the demo DSN: err = %v, want a read-only error", err)
	}
}

// TestWriteAtomicFailure checks that a write failing half-way leaves
// neither the file nor a temporary one behind.
func TestWriteAtomicFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "demo.db")
	boom := errors.New("boom")
	err := writeAtomic(path, func(f *os.File) error {
		if _, err := f.WriteString("half a database"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want boom", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("left behind: %s", e.Name())
	}
}

func TestSQLiteURI(t *testing.T) {
	got := sqliteURI("/tmp/a dir/x?y#z.db")
	if want := "file:///tmp/a%20dir/x%3Fy%23z.db"; got != want {
		t.Errorf("sqliteURI = %q, want %q", got, want)
	}
}
