//go:build race

package dedupe

// raceEnabled reports whether the tests run under the race detector, which
// inflates both the time and the memory that benchmarks-as-tests measure.
const raceEnabled = true
