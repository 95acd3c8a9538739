package dedupe

import (
	"sync"
	"time"

	"github.com/wirestory/aggregator/news"
)

// Options tune an Index. The zero value of every field selects the default
// given in its comment.
type Options struct {
	// Window bounds the index in time: once a document published at T has
	// been seen, documents published before T-Window are evicted and no
	// longer matched. 0 means no limit (only Evict drops documents).
	Window time.Duration
	// Shingle is the number of words per shingle; default 3 (measured best
	// against copy-edit noise; 5 loses recall).
	Shingle int
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
	// Summary 0.8.
	Lead    float64
	Summary float64
	// Numbers is the share of the smaller document's numbers the larger must
	// carry when both carry at least three (bulletins differ in their
	// numbers); default 0.5.
	Numbers float64
	// FurnitureMin and FurnitureShare: a block that occurs in at least
	// FurnitureMin items and FurnitureShare of a feed's batch is furniture;
	// defaults 3 and 0.05.
	FurnitureMin   int
	FurnitureShare float64
}

func (o Options) withDefaults() Options {
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	if o.Shingle <= 0 {
		o.Shingle = 3
	}
	def(&o.Resemblance, 0.5)
	def(&o.Containment, 0.7)
	def(&o.Lead, 0.5)
	def(&o.Summary, 0.6)
	def(&o.Numbers, 0.5)
	def(&o.FurnitureShare, 0.05)
	if o.FurnitureMin <= 0 {
		o.FurnitureMin = 3
	}
	return o
}

// Doc is one item as dedupe sees it. The zero value is an empty document.
type Doc struct {
	ID        string // news.ItemID: stable
	Feed      string
	Title     string // plain text
	HTML      string // the body: item.Body() (content, or the summary when only that)
	Published time.Time

	prep *prepared // attached by Prepare
}

// Decision says where Add placed a document.
type Decision struct {
	StoryID string // the story the doc was placed in
	New     bool   // true when it founded a new story (StoryID == newStoryID)
	Match   string // id of the doc it matched best; "" when new
	Reason  string // one line, for logs and explain
}

// entry is a document in the window: its compact fingerprint and links.
type entry struct {
	id          string
	lead        []uint16 // the top halves of the leading shingle hashes
	data        []uint32 // sample, then numbers
	nSample     uint8
	nNums       uint8
	live        bool
	tau         uint32
	n           uint32 // distinct shingles
	published   int64  // Unix seconds
	story       int32
	nextInStory int32 // next member of the story; -1 ends the list
	keys        [nKeys]uint32
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
}

// Index places documents in stories. Create it with NewIndex; the zero
// value is not usable.
//
// An Index has one writer: Add, Join, Update, Evict, Restore and Record
// must not run concurrently with each other. The per-feed work may run
// beside them and beside itself, for different feeds: LearnTexts, Prepare
// and CleanText (and Learn and Clean) only read and change the furniture
// model of their feed, and calls for one feed must be serialised with each
// other and with the writer's calls on that feed's documents. Explain reads
// everything: serialise it with all calls.
type Index struct {
	opts      Options
	modelMu   sync.RWMutex // guards the furniture map (not the models)
	furniture map[string]*furniture
	entries   []entry
	free      []int32
	byID      map[string]int32
	stories   []story
	freeStory []int32
	byStory   map[string]int32
	post      postings
	latest    int64 // latest publish time seen, Unix seconds
	evicted   int64 // the last cutoff applied
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
		earlyExit: min(opts.Resemblance, opts.Containment*sameLeadShare, opts.Containment, partLeadContainment, nearlyAll) >= minStrictContainment,
		furniture: make(map[string]*furniture),
		byID:      make(map[string]int32),
		byStory:   make(map[string]int32),
		post:      newPostings(),
	}
}

// Len returns the number of documents in the window.
func (ix *Index) Len() int { return ix.live }

// Representative returns the index in members of the one that represents
// the story: the first feed in priority order that has a member, then the
// earliest published, then the most complete text (the longest body), then
// the smallest row id. It returns -1 for no members.
func Representative(members []news.StoredItem, priority []string) int {
	rank := func(feed string) int {
		for i, f := range priority {
			if f == feed {
				return i
			}
		}
		return len(priority)
	}
	best := -1
	for i := range members {
		if best < 0 || better(&members[i], &members[best], rank) {
			best = i
		}
	}
	return best
}

func better(a, b *news.StoredItem, rank func(string) int) bool {
	if ra, rb := rank(a.Feed), rank(b.Feed); ra != rb {
		return ra < rb
	}
	if !a.Published.Equal(b.Published) {
		return a.Published.Before(b.Published)
	}
	if la, lb := len(a.Body()), len(b.Body()); la != lb {
		return la > lb
	}
	return a.ID < b.ID
}
