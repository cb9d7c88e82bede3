package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/schema"
)

func runValidate(env *Env, args []string) error {
	fs := newFlags(env, "validate", "[layout files or folders...]  (default: layouts)")
	if err := parse(fs, args); err != nil {
		return err
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{"layouts"}
	}
	files, err := layoutFiles(paths)
	if err != nil {
		return err
	}
	bad := 0
	for _, f := range files {
		tp, err := engine.LoadFile(f)
		if err != nil {
			bad++
			printLayoutError(env, err)
			continue
		}
		fmt.Fprintf(env.Stdout, "ok    %s\n", f)
		// Tofu in constant text is a warning, not a failure: the exit
		// status stays what the layout's validity says.
		for _, w := range tp.MissingGlyphs() {
			fmt.Fprintf(env.Stderr, "warning: %s: %s\n", f, w)
		}
	}
	if bad > 0 {
		fmt.Fprintf(env.Stderr, "%d of %d layouts have problems\n", bad, len(files))
		return errReported
	}
	return nil
}

// printLayoutError prints each problem of a layout on its own line.
func printLayoutError(env *Env, err error) {
	var ps schema.Problems
	if errors.As(err, &ps) {
		for _, p := range ps {
			fmt.Fprintln(env.Stderr, p.Error())
		}
		return
	}
	fmt.Fprintln(env.Stderr, err) // an *fs.PathError names the file already
}

// layoutFiles expands folders to the .json files directly inside them.
func layoutFiles(paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		matches, err := filepath.Glob(filepath.Join(p, "*.json"))
		if err != nil {
			return nil, err
		}
		if len(matches) == 0 {
			return nil, fmt.Errorf("%s: no .json layout files", p)
		}
		slices.Sort(matches)
		files = append(files, matches...)
	}
	return files, nil
}
