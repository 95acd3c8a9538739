//go:build !race

package pipeline

// raceEnabled reports whether the tests run under the race detector, which
// makes parsing and deduping several times slower.
const raceEnabled = false
