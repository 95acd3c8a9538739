// Package jobs runs the polls of several aggregator instances sharing one
// PostgreSQL store (store/postgres), with River (github.com/riverqueue/river)
// distributing them, and the one placer they elect. docs/scale-out.md
// describes the design and its failure semantics; the spike tests in
// internal/pgtest/river_*_test.go pin the River behaviours it relies on.
//
// Each due (feed, due time) is one River job (PollArgs), unique by its
// arguments while it is live, so it is queued once; any instance runs it:
// pipeline.FetchFeed (conditional GET, parse, analyse), then one
// transaction that checks the fence (River's attempt counter of the job,
// under its row lock, and the feed's due time and generation with
// postgres.Advance), stores the batch (IngestTx: its items go to the
// inbox), queues the feed's next poll (InsertTx) and completes the job
// (JobCompleteTx). A refused attempt (a zombie: an instance paused past
// the rescue time) writes nothing and returns nil, because River applies a
// worker's result to whatever attempt runs the job now.
//
// A periodic job of River's leader (RequeueArgs) queues a poll for every
// configured feed that has no live job: after a crash between a refusal
// and a commit, a reload, or a new feed.
//
// One instance at a time places the inbox: the one holding the placer's
// lease (postgres.AcquireLease), which each placing transaction renews
// (postgres.DB.WithLease). A new term builds a new pipeline, which
// rebuilds the dedupe window from the store. The placer places only when
// no due poll is still in flight, so that the inbox is placed in the
// order one instance would place it: a poll's items all at once, in
// publish-time order.
package jobs
