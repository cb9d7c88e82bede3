package fetch

import (
	"io"
	"os"
	"path/filepath"
	"strings"
)

// openFile opens a local picture if the options allow that path: any
// path with AllowFiles, else only paths inside FileRoot (after cleaning,
// so "root/../etc/passwd" stays out, and without following symlinks out
// of it). With neither, local files are a policy refusal (ErrBlocked),
// like any other scheme a request should not reach; with a root, a path
// outside it or missing is ErrFile.
func (l *Loader) openFile(path string) (io.ReadCloser, error) {
	if l.opts.AllowFiles {
		return openLocal(path)
	}
	if l.opts.FileRoot == "" {
		return nil, blockedf("local files are not allowed")
	}
	root, err := filepath.Abs(l.opts.FileRoot)
	if err != nil {
		return nil, failf(ErrFile, "local file root: %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, failf(ErrFile, "local file: %w", err)
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		// Name the folder: whoever reads this set it (--data-dir) and
		// needs to know where the picture should be.
		return nil, failf(ErrFile, "local file outside the allowed folder %s (the data folder, --data-dir)", root)
	}
	return openInRoot(root, rel)
}

// openInRoot opens rel through an os.Root, which also refuses symlinks
// (and "..") that would lead out of root: a link planted in the data
// folder cannot expose /etc.
func openInRoot(root, rel string) (io.ReadCloser, error) {
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, failf(ErrFile, "local file root: %w", err)
	}
	defer r.Close() //nolint:errcheck // the opened file outlives its root
	f, err := r.Open(rel)
	if err != nil {
		return nil, failf(ErrFile, "%w", err)
	}
	return f, nil
}

// openLocal opens path, tagging a failure (missing, unreadable, a
// folder) as ErrFile.
func openLocal(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, failf(ErrFile, "%w", err)
	}
	return f, nil
}
