// Command warmdata writes JSONL data for distinct news cards to stdout,
// to measure `ogcard warm`:
//
//	go run ./cmd/warmdata -n 2000 > /tmp/w.jsonl
//	go run . warm --layout news --source /tmp/w.jsonl --cache-url file:///tmp/warmstore --data-dir .
//
// Every line is a different card (its title carries the line's number),
// with a photo from the repository (testdata/bg.jpg and the JPEGs in
// layouts/assets) named by absolute path. The server, and so warm, reads
// local pictures only inside its --data-dir: hence --data-dir . (the
// repository root) above.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
)

func main() {
	n := flag.Int("n", 2000, "number of cards (lines)")
	root := flag.String("root", ".", "repository root, where testdata/ and layouts/ are")
	flag.Parse()
	if err := run(os.Stdout, *n, *root); err != nil {
		fmt.Fprintln(os.Stderr, "warmdata:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, n int, root string) error {
	if n < 1 {
		return fmt.Errorf("-n must be at least 1, not %d", n)
	}
	photos, err := pictures(root)
	if err != nil {
		return err
	}
	out := bufio.NewWriter(w)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for i := range n {
		if err := enc.Encode(card(i, photos)); err != nil {
			return err
		}
	}
	return out.Flush()
}

// pictures are the repository's photos, by absolute path: the card key
// holds the path as written, so it must not depend on where warm runs.
func pictures(root string) ([]string, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	assets, err := filepath.Glob(filepath.Join(abs, "layouts", "assets", "*.jpg"))
	if err != nil {
		return nil, err
	}
	bg := filepath.Join(abs, "testdata", "bg.jpg")
	if _, err := os.Stat(bg); err != nil {
		return nil, errors.New("no testdata/bg.jpg under -root: run from the repository root or pass -root")
	}
	return append([]string{bg}, slices.Sorted(slices.Values(assets))...), nil
}

var (
	subjects = []string{"City council", "Researchers", "The central bank", "A local startup", "Farmers", "The national team", "Engineers", "Health officials"}
	verbs    = []string{"unveiled", "rejected", "approved", "delayed", "celebrated", "questioned", "announced", "tested"}
	objects  = []string{"a new transit plan", "record rainfall data", "an AI safety framework", "the harbour expansion", "a four-day week trial", "cheaper solar panels", "the annual budget", "a quieter electric ferry"}
	brands   = []string{"Medial", "NewsDaily", "The Ledger", "Harbour Times", ""}
)

// card is line i's data: titles vary in length, so the text fitting
// works as on a real site, and each carries i, so no two cards match.
func card(i int, photos []string) map[string]string {
	title := fmt.Sprintf("%s %s %s", subjects[i%len(subjects)], verbs[(i/len(subjects))%len(verbs)], objects[(i/7)%len(objects)])
	if i%3 == 0 {
		title += ", and what it means for the months ahead"
	}
	data := map[string]string{
		"slug":     fmt.Sprintf("article-%05d", i+1),
		"title":    fmt.Sprintf("%s (#%d)", title, i+1),
		"imageUrl": photos[i%len(photos)],
	}
	if b := brands[i%len(brands)]; b != "" {
		data["brand"] = b
	}
	return data
}
