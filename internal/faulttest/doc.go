// Package faulttest holds fault-injection tests of the real aggregator
// binary: kill -9 during ingest and during output writing, a full disk and
// a read-only store directory. The tests build ./cmd/aggregator once,
// serve feeds from a loopback httptest server, and judge the outcome only
// by what can be observed from outside: the store, the output files, the
// HTTP answers and the log. The package has no code besides its tests.
package faulttest
