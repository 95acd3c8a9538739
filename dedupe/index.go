package dedupe

import "time"

// Options tune an Index's decision rule. The zero value of every field
// selects the default given in its comment.
type Options struct {
	// Resemblance is the estimated Jaccard resemblance of the shingle sets
	// at or above which two documents are one story; default 0.5.
	Resemblance float64
	// Containment is the estimated containment of the smaller document in
	// the larger at or above which two documents with agreeing leads are one
	// story (an update, a summary); default 0.7.
	Containment float64
	// Lead is the share of the leading shingles two documents must agree on
	// for the containment rule; default 0.5. A short document (a summary)
	// whose lead agrees by at least Summary joins on the lead alone; default
	// Summary 0.6.
	Lead    float64
	Summary float64
	// Numbers is the share of the smaller document's numbers the larger must
	// carry when both carry at least three (bulletins differ in their
	// numbers); default 0.5.
	Numbers float64
}

func (o Options) withDefaults() Options {
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.Resemblance, 0.5)
	def(&o.Containment, 0.7)
	def(&o.Lead, 0.5)
	def(&o.Summary, 0.6)
	def(&o.Numbers, 0.5)
	return o
}

// Doc identifies a document in the index. The zero value is a document
// without id, feed or date.
type Doc struct {
	ID        string // news.ItemID: stable
	Feed      string
	Published time.Time
}

// Decision says where Add placed a document.
type Decision struct {
	StoryID string // the story the doc was placed in
	New     bool   // true when it founded a new story (StoryID == newStoryID)
	Match   string // id of the doc it matched best; "" when new
	Reason  string // one line, for logs and explain
	// Absorbed lists the stories merged into StoryID: the document
	// belongs to each, so they were one story, split earlier.
	Absorbed []string
}

// entry is a document in the window: its compact fingerprint and links.
type entry struct {
	id          string
	lead        []uint16 // the top halves of the leading shingle hashes
	data        []uint32 // sample, then numbers
	nSample     uint8
	nNums       uint8
	live        bool // the slot holds a document
	tau         uint32
	n           uint32 // distinct shingles
	published   int64  // Unix seconds
	story       int32
	nextInStory int32 // next member of the story; -1 ends the list
	keys        [nKeys]uint32
	tsig        [tbins]uint16 // the template signature; zero when none
	livePage    bool
}

func (e *entry) sample() []uint32 { return e.data[:e.nSample] }
func (e *entry) nums() []uint32   { return e.data[e.nSample:] }

// story is a cluster; core is its founder while in the window, else its
// earliest remaining member; first heads the member list.
type story struct {
	id      string
	core    int32
	first   int32
	members int32
	founded int64 // the earliest member's publish time, Unix seconds
}

// Index is the dedupe window: the fingerprints of the documents placed in
// the last Window, grouped in stories, and the candidate table that finds
// a new document's near-duplicates among them. Create it with NewIndex;
// the zero value is not usable.
//
// An Index is not safe for concurrent use: it has one writer, the
// placer. The work that depends on one feed's text (Analyse, and a feed's
// Furniture: Learn, Clean, Prepare) happens before, beside other feeds'
// work, and hands the Index a Prepared value.
//
// The Index never reads a clock: its caller evicts with an explicit
// cutoff (Evict).
type Index struct {
	opts      Options
	entries   entries
	free      []int32
	byID      map[string]int32
	stories   []story
	freeStory []int32
	byStory   map[string]int32
	post      postings
	live      int
	scratch   scratch
	heads     headSets // the head of the document being added
	earlyExit bool     // the options allow compareFor's strict exit
	cands     candSet
}

// NewIndex returns an empty index with opts (zero fields take defaults).
func NewIndex(opts Options) *Index {
	opts = opts.withDefaults()
	return &Index{
		opts:      opts,
		earlyExit: min(opts.Resemblance, opts.Containment*sameLeadShare, opts.Containment, nearlyAll, versionContainment) >= minStrictContainment,
		byID:      make(map[string]int32),
		byStory:   make(map[string]int32),
		post:      newPostings(),
	}
}

// Len returns the number of documents in the window.
func (ix *Index) Len() int { return ix.live }
