package source

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"image/color"
	"image/jpeg"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// DemoQuery is the SQLConfig.Query for the database CreateDemo makes.
const DemoQuery = "SELECT title, image_url AS \"imageUrl\", brand FROM articles WHERE slug = ?"

// DemoListQuery is the SQLConfig.ListQuery for the demo database: DemoQuery's
// columns, the slug first, for every article.
const DemoListQuery = "SELECT slug, title, image_url AS \"imageUrl\", brand FROM articles ORDER BY slug"

// demoArticle is one row of the demo table; a nil photo leaves image_url
// NULL, to show the layout's fallback.
type demoArticle struct {
	slug, title, brand string
	photo              *photoStyle
}

func rgba(hex uint32) color.RGBA {
	return color.RGBA{R: uint8(hex >> 16), G: uint8(hex >> 8), B: uint8(hex), A: 0xff}
}

// demoArticles shows the cases a card meets in practice: a long headline,
// right-to-left and Indic scripts, an emoji, and a missing photo.
var demoArticles = []demoArticle{
	{"budget-2025", "Budget 2025 Announced: Key Reforms in AI, Energy & Infra", "Medial", &photoStyle{
		skyTop: rgba(0x1e3a8a), skyBottom: rgba(0xf59e0b), far: rgba(0x334155), near: rgba(0x0f172a),
		disc: []color.RGBA{rgba(0xfde68a), rgba(0x93c5fd), rgba(0xfca5a5)}, seed: 2025}},
	{"deep-sea-octopus", "Scientists Discover a Glowing Deep-Sea Octopus Near the Mariana Trench", "NewsDaily", &photoStyle{
		skyTop: rgba(0x0c4a6e), skyBottom: rgba(0x022c22), far: rgba(0x065f46), near: rgba(0x042f2e),
		disc: []color.RGBA{rgba(0x67e8f9), rgba(0xa78bfa), rgba(0x5eead4)}, seed: 11}},
	{"cairo-solar-plant", "القاهرة تفتتح أكبر محطة للطاقة الشمسية في المنطقة", "صدى الأخبار", &photoStyle{
		skyTop: rgba(0xfb923c), skyBottom: rgba(0xfef3c7), far: rgba(0xb45309), near: rgba(0x78350f),
		disc: []color.RGBA{rgba(0xfff7ed), rgba(0xfdba74), rgba(0xfacc15)}, seed: 31}},
	{"monsoon-kerala", "मानसून समय से पहले केरल पहुँचा, किसानों को बड़ी राहत", "समाचार", &photoStyle{
		skyTop: rgba(0x475569), skyBottom: rgba(0xa7f3d0), far: rgba(0x15803d), near: rgba(0x14532d),
		disc: []color.RGBA{rgba(0xe2e8f0), rgba(0xbbf7d0), rgba(0x94a3b8)}, seed: 47}},
	{"launch-day", "We Shipped! 🚀 Our New App Is Live on Every Platform", "Product Weekly", &photoStyle{
		skyTop: rgba(0x312e81), skyBottom: rgba(0xdb2777), far: rgba(0x581c87), near: rgba(0x1e1b4b),
		disc: []color.RGBA{rgba(0xf0abfc), rgba(0xc4b5fd), rgba(0xfbcfe8)}, seed: 7}},
	{"city-trees-opinion", "Opinion: Why Our Cities Need More Trees, Not More Parking", "Medial", nil},
}

// CreateDemo makes the demo SQLite database dir/demo.db and its photos in
// dir/photos on first start, and returns a read-only DSN for it to use
// with DemoQuery. An existing database is kept as it is; missing photos
// are drawn again. Both are written under temporary names and renamed, so
// a crash never leaves a half-written file under the real name.
func CreateDemo(dir string) (dsn string, err error) {
	dir, err = filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	photoDir := filepath.Join(dir, "photos")
	if err := os.MkdirAll(photoDir, 0o755); err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	// Photos first: a database only ever exists with its photos beside it.
	if err := ensurePhotos(photoDir); err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	dbPath := filepath.Join(dir, "demo.db")
	if _, err := os.Stat(dbPath); errors.Is(err, fs.ErrNotExist) {
		if err := writeDemoDB(dbPath, photoDir); err != nil {
			return "", fmt.Errorf("demo: %w", err)
		}
	} else if err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	// immutable: nothing writes the demo database once it exists, so
	// SQLite may skip its file locks and change checks on every query.
	return sqliteURI(dbPath) + "?mode=ro&immutable=1&_pragma=busy_timeout(5000)", nil
}

func photoPath(photoDir, slug string) string {
	return filepath.Join(photoDir, slug+".jpg")
}

// ensurePhotos draws the missing photos, in parallel: drawing is most of
// the time a first start takes.
func ensurePhotos(photoDir string) error {
	var wg sync.WaitGroup
	errs := make([]error, len(demoArticles))
	for i, a := range demoArticles {
		if a.photo == nil {
			continue
		}
		wg.Go(func() {
			if err := ensurePhoto(photoPath(photoDir, a.slug), *a.photo); err != nil {
				errs[i] = fmt.Errorf("photo for %s: %w", a.slug, err)
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// ensurePhoto draws the photo at path unless it is there.
func ensurePhoto(path string, style photoStyle) error {
	if _, err := os.Stat(path); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return writeAtomic(path, func(f *os.File) error {
		w := bufio.NewWriter(f)
		if err := jpeg.Encode(w, drawPhoto(style), &jpeg.Options{Quality: 85}); err != nil {
			return fmt.Errorf("encode: %w", err)
		}
		return w.Flush()
	})
}

// writeAtomic writes path through a temporary file in the same directory,
// synced and renamed into place.
func writeAtomic(path string, write func(*os.File) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	// CreateTemp makes the file private; the demo is for reading by
	// whoever runs the server.
	if err := f.Chmod(0o644); err != nil {
		return err
	}
	if err := write(f); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// writeDemoDB builds the database in a temporary file and renames it to
// dbPath once it is complete and closed.
func writeDemoDB(dbPath, photoDir string) error {
	return writeAtomic(dbPath, func(f *os.File) error {
		db, err := sql.Open("sqlite", sqliteURI(f.Name()))
		if err != nil {
			return fmt.Errorf("open %s: %w", f.Name(), err)
		}
		if err := fillDemoDB(db, photoDir); err != nil {
			db.Close()
			return err
		}
		return db.Close()
	})
}

func fillDemoDB(db *sql.DB, photoDir string) error {
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	const schema = `CREATE TABLE articles (
		slug TEXT PRIMARY KEY,
		title TEXT NOT NULL,
		image_url TEXT,
		brand TEXT
	)`
	if _, err := tx.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("create table: %w", err)
	}
	for _, a := range demoArticles {
		var image sql.NullString
		if a.photo != nil {
			image = sql.NullString{String: photoPath(photoDir, a.slug), Valid: true}
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO articles (slug, title, image_url, brand) VALUES (?, ?, ?, ?)",
			a.slug, a.title, image, a.brand)
		if err != nil {
			return fmt.Errorf("insert %s: %w", a.slug, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// sqliteURI makes an SQLite "file:" URI of an absolute path: unlike a plain
// file name it takes SQLite's own parameters (mode=ro), and a "?" or "#"
// in the path is escaped instead of starting a query.
func sqliteURI(path string) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive letter: file:///C:/...
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}
