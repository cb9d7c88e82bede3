package native

// mArenaMax is glibc's M_ARENA_MAX mallopt parameter (malloc.h).
const mArenaMax = -8

// mallocArenas is how many malloc arenas glibc may create. By default a
// thread that finds the arena locked gets an arena of its own, up to eight
// per core, and each arena keeps what libwebp and libjpeg-turbo freed for
// reuse: Go calls them from whichever OS thread runs the goroutine, so
// `ogcard bench` (two cards at a time) ended with four arenas of 4.2 MB.
// Two arenas took 13 MB off its peak RSS. The libraries malloc a few large
// buffers per card, so two locks are not contended.
const mallocArenas = 2

// The arenas are bounded before any C library is opened, as glibc applies
// M_ARENA_MAX only to arenas it creates afterwards. Without glibc (musl,
// macOS, a nodynamic build) there is no mallopt and nothing to do.
func init() {
	lib, err := open("libc.so.6")
	if err != nil {
		return
	}
	var mallopt func(param, value int32) int32
	if bind(lib, map[string]any{"mallopt": &mallopt}) != nil {
		return
	}
	mallopt(mArenaMax, mallocArenas)
}
