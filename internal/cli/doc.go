// Package cli is ogcard's command line: render, validate and the commands
// added beside them. main.go only calls [Main], so every command can be
// run and tested in-process with its own arguments and output streams.
//
// Errors are printed as one line (or one line per layout problem) on
// stderr with a non-zero exit status: 1 for a failed command, 2 for a
// usage error. Nothing here panics on bad input.
package cli
