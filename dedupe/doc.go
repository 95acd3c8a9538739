// Package dedupe merges near-identical news items into stories.
//
// A wire story (from IANS, PTI, AP, Reuters, AFP, ...) is republished by many
// outlets with rewritten headlines, kept or dropped datelines, sign-offs,
// bylines, outlet page furniture, summary-only copies and updated versions;
// and an agency rewrites a running story many times a day. An [Index]
// places each item in a story: an existing one it belongs to, or a new one.
// The package is pure text code: it does no I/O, reads no clock and logs
// nothing.
//
// # The policy
//
// Versions of one story are one story: a later write-through (a new lead
// written over the previous body, paragraphs added, dropped or moved,
// figures updated), a trimmed copy, a summary, a copy with page clutter.
// Different stories stay apart even when they share background
// paragraphs, quotes from one press conference, photo captions or a
// template: a follow-up published the next day, another agency's story on
// the same event, an analysis or a roundup quoting a story, daily
// bulletins with other numbers, and each state of a live page. The story
// shows its newest version as the representative's text ([Versions] tells
// a story's versions apart; the preferred source's copy first: that
// ranking is the pipeline's) and lists every version's source.
//
// # The pipeline of a document
//
//  1. Normalisation ([Analyse]): HTML is split into blocks (paragraphs, list
//     items, lines) by a scanner that cuts tokens exactly as
//     golang.org/x/net/html's tokenizer does; entities are decoded, common
//     mojibake folded back, text NFKC-normalised, case-folded, quotes and
//     dashes folded; digits are kept.
//  2. Boilerplate removal: each feed's page furniture is learned from the
//     data ([Furniture.Learn]): blocks and sentences that repeat across
//     the feed's different stories. Bodies are first grouped into stories
//     (an outlet that carries ten versions of one agency story repeats the
//     story's own paragraphs, which are not furniture), and in a feed of a
//     few items two otherwise different stories sharing a block suffice. A
//     small feed's model remembers its last bodies (stored with it), so a
//     feed that lists only its latest item learns over a few polls.
//     Page clutter is dropped by its shape whatever the outlet: photo
//     captions and credits, labels ("Advertisement", "Share"), script left
//     in the text, and the blocks before the first block shaped like a
//     lead (headline repeated, "Updated 3:42 p.m.", widgets). Agency
//     datelines, sign-offs, desk initials and bylines are dropped by shape.
//  3. Sketching ([Furniture.Prepare] makes a [Prepared]): word 3-shingles
//     (measured against 4 and 5, which lose recall to copy edits) hashed to
//     64 bits; a MinHash signature by one-permutation hashing (Li, Owen &
//     Zhang, "One Permutation Hashing", NIPS 2012) with optimal
//     densification (Shrivastava, ICML 2017; Shrivastava & Li, ICML 2014)
//     banded into an LSH table (Indyk & Motwani, STOC 1998; Rajaraman &
//     Ullman, "Mining of Massive Datasets", ch. 3); leading shingles and the
//     title are indexed too, so a summary finds its story. A small MinHash
//     of the shingles with every number masked tells a template (see
//     below).
//  4. Pair figures: every candidate is checked on more than the sketch:
//     Broder's resemblance and containment ("On the resemblance and
//     containment of documents", 1997) estimated on consistent threshold
//     samples of the shingle hashes; how far the leads agree and where the
//     smaller text starts in the larger; the numbers; the template
//     resemblance; the time between the two; whether either is a live page.
//  5. The pair's case ([Index] docs, decide.go): a copy (resemblance 0.5 or
//     more with something of the lead shared, 0.7 without; a trimmed copy
//     or summary contained in the other and starting at its opening), a version (containment 0.5 and resemblance 0.2 or
//     more, something of the lead kept, published within 12 hours: a
//     write-through), or apart. Contained text that starts well after the
//     larger page's opening is quoted, not copied (a roundup). Texts with
//     other numbers are never copies: the same words with other numbers
//     are a template (bulletins) or, within 12 hours, keeping most of the
//     text word for word and unless the number-masked texts are
//     near-identical, a version with updated figures. A live page (three or more timestamp lines) is only ever a
//     near-identical copy: each state of it is its own story.
//  6. Stories are decided at the story level, not against one founder
//     ([Index.Add]): a copy or a version of any member places the document
//     in that member's story (single-link clustering, so the versions of a
//     running story chain, each to its neighbours), and two stories a
//     document links to by three members or more each (every member of a
//     story of two) are merged: a running story split earlier is joined
//     again, while one page that resembles one page of another story
//     cannot glue them (the "star"
//     clustering of Aslam, Pelekhov and Rus, JGAA 2004, with overlapping
//     stars merged). Placement is deterministic: the pipeline places a
//     poll's items in one order (publish time, then id), whatever the
//     chunking of the poll.
//
// Stories persist across polls and restarts through [Prepared.Record] and
// [Index.Restore]; the feeds' furniture models through
// [Furniture.MarshalBinary].
//
// # Measured
//
// Pairwise F1 with ../shared/tools/wire-eval (docs/dedupe.md has every
// figure): generated wire copy (wire-dev) 0.996 (precision 1.000, recall
// 0.991); real web pages (real-census, real-spotify) 1.0; write-through
// chains built from those real pages 0.94-1.0; generated running-event
// sets of 150-600 items with 5-30 versions per story 0.83-0.97.
//
// Memory: the index keeps per document only the compact fingerprint (lead
// shingles, 48 sampled shingles, numbers, the template signature, LSH
// postings), about 1 KB; the full shingle set is never kept. Concurrency:
// each body is read once ([Analyse] makes a [Text]); a feed's Furniture and
// Prepare run beside other feeds' work and the Index's single writer, which
// only queries the postings, verifies candidates and inserts.
package dedupe
