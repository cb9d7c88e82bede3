//go:build !nodynamic && (linux || darwin || freebsd)

package native

import (
	"fmt"

	"github.com/ebitengine/purego"
)

// open loads the first of names that the dynamic linker finds.
func open(names ...string) (uintptr, error) {
	var firstErr error
	for _, n := range names {
		h, err := purego.Dlopen(n, purego.RTLD_NOW|purego.RTLD_LOCAL)
		if err == nil {
			return h, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return 0, firstErr
}

// bind points each function variable at its symbol in lib. It checks
// every symbol first, so a library too old to have one is reported
// instead of panicking.
func bind(lib uintptr, fns map[string]any) error {
	syms := make(map[string]uintptr, len(fns))
	for name := range fns {
		sym, err := purego.Dlsym(lib, name)
		if err != nil {
			return fmt.Errorf("symbol %s: %w", name, err)
		}
		syms[name] = sym
	}
	for name, fn := range fns {
		purego.RegisterFunc(fn, syms[name])
	}
	return nil
}
