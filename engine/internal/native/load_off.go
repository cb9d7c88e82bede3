//go:build nodynamic || !(linux || darwin || freebsd)

package native

import "errors"

var errOff = errors.New("built without dynamic libraries (nodynamic)")

func open(...string) (uintptr, error) { return 0, errOff }

func bind(uintptr, map[string]any) error { return errOff }
