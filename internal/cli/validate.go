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
	files, pathErrs := layoutFiles(paths)
	for _, err := range pathErrs {
		fmt.Fprintf(env.Stderr, "error %v\n", err)
	}
	bad := 0
	for _, f := range files {
		tp, err := engine.LoadFile(f)
		if err != nil {
			bad++
			printLayoutError(env, "", err)
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
	}
	if len(pathErrs) > 0 {
		fmt.Fprintf(env.Stderr, "%d of %d paths could not be read\n", len(pathErrs), len(paths))
	}
	if bad > 0 || len(pathErrs) > 0 {
		return errReported
	}
	return nil
}

// printLayoutError prints each problem of a layout on its own line, each
// after prefix (the command's name, or nothing where the lines are the
// command's report).
func printLayoutError(env *Env, prefix string, err error) {
	var ps schema.Problems
	if errors.As(err, &ps) {
		for _, p := range ps {
			fmt.Fprintln(env.Stderr, prefix+p.Error())
		}
		return
	}
	fmt.Fprintln(env.Stderr, prefix+err.Error()) // an *fs.PathError names the file already
}

// layoutFiles expands folders to the .json files directly inside them. A
// path that cannot be read is one error among the results, not the end of
// the list, so every path given gets its report.
func layoutFiles(paths []string) (files []string, errs []error) {
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		matches, err := filepath.Glob(filepath.Join(p, "*.json"))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p, err))
			continue
		}
		if len(matches) == 0 {
			errs = append(errs, fmt.Errorf("%s: no .json layout files", p))
			continue
		}
		slices.Sort(matches)
		files = append(files, matches...)
	}
	return files, errs
}
