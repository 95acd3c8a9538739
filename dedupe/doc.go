// Package dedupe merges near-identical news items into stories.
//
// A wire story (from IANS, PTI, AP, Reuters, AFP, ...) is republished by many
// outlets with rewritten headlines, kept or dropped datelines, sign-offs,
// bylines, outlet page furniture, summary-only copies and updated versions.
// An [Index] places each item ([Doc]) in a story: an existing one it
// near-duplicates, or a new one. The package is pure text code: it does no
// I/O and no logging.
//
// The pipeline per document is:
//
//  1. Normalisation: HTML is split into blocks (paragraphs, list items,
//     lines) by a scanner that cuts tokens exactly as golang.org/x/net/html's
//     tokenizer does (and hands it the rare markup it does not read itself:
//     raw text such as <script>, markup cut off at the end); entities are
//     decoded, common mojibake (UTF-8 read as Windows-1252) is folded back,
//     text is NFKC-normalised (ASCII needs nothing), case-folded, quotes and
//     dashes folded; digits are kept.
//  2. Boilerplate removal: agency datelines, sign-offs, desk initials,
//     copyright lines and bylines are dropped by shape (not by a list of
//     outlets), and each feed's page furniture is learned from the data
//     ([Index.Learn], [Index.LearnTexts]): blocks and sentences whose text
//     repeats across many items of the feed, and the run of short blocks
//     (link lists) that follows one.
//  3. Sketching: word k-shingles (k = 3 by default: measured against 4 and
//     5, which lose recall to copy edits) hashed to 64 bits; a
//     MinHash signature by one-permutation hashing (Li, Owen & Zhang,
//     "One Permutation Hashing", NIPS 2012) with optimal densification
//     (Shrivastava, "Optimal Densification for Fast and Accurate Minwise
//     Hashing", ICML 2017; Shrivastava & Li, ICML 2014) so each shingle costs
//     one hash evaluation, not one per permutation; banded into an LSH table
//     (Indyk & Motwani, STOC 1998; the banding of Rajaraman & Ullman,
//     "Mining of Massive Datasets", ch. 3). Leading shingles are indexed too,
//     so a summary-only copy finds its full story.
//  4. Verification: every candidate is checked on more than the sketch: the
//     resemblance and containment of Broder ("On the resemblance and
//     containment of documents", 1997), estimated on a consistent threshold
//     sample of the shingle hashes (Broder's mod-m sample, with an adaptive
//     threshold so long documents stay bounded), exact agreement of the
//     lead shingles, and agreement of the numbers (templated bulletins
//     differ in their numbers).
//  5. Clusters: a document joins a story only if it also matches the
//     story's founder (its core), which guards against chaining; stories
//     persist across polls and restarts through [Index.Record] and
//     [Index.Restore].
//
// Memory: the index keeps per document only the compact fingerprint (lead
// shingles, sampled shingles, numbers, LSH postings), well under 1 KB
// (972 bytes measured by TestMemoryPerDoc); the full shingle set is never
// kept.
//
// Concurrency and speed: each body is read once ([Analyse] makes a [Text]:
// its blocks, word hashes and furniture keys), and everything that depends
// only on one feed ([Index.LearnTexts], [Index.Prepare], [Index.CleanText])
// may run beside the single writer and beside other feeds' work: the
// pipeline does it on its fetch goroutines. The writer's [Index.Add] of a
// prepared document only queries the postings, verifies the candidates and
// inserts. On one core, generated wire copy costs about 60 µs an item for
// all of it (analysis 23, learning 2, sketching 15, cleaning 2, query and
// insert 15: BenchmarkWire*), 16,500-18,250 items/s; plain-text articles
// without furniture about 36 µs (BenchmarkAdd, 28,000 items/s, seven times
// classic 128-permutation MinHash on the same input). Lead-key candidates must place
// the stored lead at one offset of the new one, so the candidates per item
// stay bounded as the window grows (docs/performance.md).
package dedupe
