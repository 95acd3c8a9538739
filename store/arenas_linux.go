package store

/*
#include <malloc.h>

// limit_arenas runs when the program is loaded, before any thread
// allocates: glibc fixes its number of arenas at the first allocation
// that needs a second one, so a call from an init function came too late.
__attribute__((constructor)) static void limit_arenas(void) {
#ifdef M_ARENA_MAX
	mallopt(M_ARENA_MAX, 1);
#endif
}
*/
import "C"

// glibc's malloc, from which SQLite takes its page caches, is held to one
// arena (limit_arenas above). By default glibc gives each thread that
// allocates at once an arena of its own, up to 8 per core, and the Go
// runtime runs SQLite's calls on any of its threads: the first poll of 80
// wire-dev feeds peaked at 148-153 MB with the default and 130-135 MB with
// one arena, in the same time. A C library other than glibc ignores it.
