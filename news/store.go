package news

import (
	"errors"
	"math"
	"time"
)

// The types of this file are what the pipeline hands a store and gets
// back from it, whichever store it is (SQLite for one machine, PostgreSQL
// for several).

// Batch is one feed's fetch for the store, written whole or not at all:
// the feed's new state, its new and changed items, the items it still
// carries and its learned furniture. The zero value is not a valid batch:
// State.Name and Now must be set.
type Batch struct {
	// State is the feed's new state, upserted by State.Name.
	State FeedState
	// Carried lists the ids of every item in the fetched body when the feed
	// was fetched (200); nil when it was not modified (304 or an identical
	// body). When non-nil, the feed's items not in Carried are marked no
	// longer carried (they may be purged) and those in it carried.
	Carried []string
	// Items are the new or changed items of the feed, inserted or updated
	// by ID.
	Items []Entry
	// Furniture is the feed's furniture model as learned with this fetch
	// (dedupe.Furniture's bytes); nil leaves the stored one.
	Furniture []byte
	// Now is the time recorded as first seen, created and updated.
	Now time.Time
}

// Entry is one new or changed item to store. A new item joins the story
// StoryID names (its own, until it is placed); a changed item keeps its
// story.
type Entry struct {
	// StoredItem holds ID (ItemID(Feed, Key()), required), StoryID,
	// FirstSeen (zero: Batch.Now; kept from the stored row on update),
	// CleanHTML and the Item fields. Item.Feed may be empty (it is the
	// batch's feed); any other feed is an error.
	StoredItem
	// Record is dedupe's record of the item for the window, from which it
	// is rebuilt; nil is stored as empty.
	Record []byte
	// Prepared, when set, queues the item for placing (dedupe's Prepared
	// bytes): it waits in the store's inbox until Place takes it.
	Prepared []byte
}

// Known is what the store holds about an item about to be processed: its
// story and the hash of its text (Item.ContentHash).
type Known struct{ StoryID, ContentHash string }

// Unplaced is an item waiting in the inbox to be placed in a story.
type Unplaced struct {
	ID, Feed string
	// StoryID is the item's story now: its own for an item never placed,
	// the story it was placed in for a changed one (Changed).
	StoryID       string
	Changed       bool
	Published     time.Time
	CanonicalLink string
	Prepared      []byte
}

// InboxKey is a place in the inbox's order: an item's time
// (Unplaced.Published), then its id. The zero key is before every item.
type InboxKey struct {
	At time.Time
	ID string
}

// Key returns the item's place in the inbox's order.
func (u *Unplaced) Key() InboxKey { return InboxKey{At: u.Published, ID: u.ID} }

// AtNanos returns k.At as the stores keep it, in Unix nanoseconds; the
// zero key's is the smallest int64.
func (k InboxKey) AtNanos() int64 {
	if k.ID == "" {
		return math.MinInt64
	}
	return k.At.UnixNano()
}

// Placement is where the placer put an unplaced item: StoryID is its
// story (unchanged when it founded one or was a changed item). A
// placement with From set and no ID is a merge instead: every item of
// story From moves into story StoryID, and From is deleted (two stories
// found to be one). A store applies a batch's item placements first, then
// its merges in order.
type Placement struct {
	ID, StoryID string
	From        string
}

// WindowItem is one placed item of the dedupe window, for rebuilding it.
// The window's order is by Published, then by Seq; a store may hand the
// items over in another order (its own, which it reads fastest).
type WindowItem struct {
	ID, Feed, StoryID string
	Published         time.Time
	// Seq is the order in which the store stored the item: the lower
	// was stored first.
	Seq int64
	// Record is the Entry.Record stored with the item; the callee may keep
	// it.
	Record []byte
}

// StoryQuery selects the stories a store lists. The zero value selects
// all.
type StoryQuery struct {
	// Limit caps the number of stories; 0 means no limit.
	Limit int
	// Feeds keeps only stories with at least one member from these feeds;
	// nil keeps all (an empty non-nil slice keeps none).
	Feeds []string
}

// ErrNotFound is wrapped by the error of a store's lookup that finds
// nothing (a story id it does not hold), whichever store it is, so that a
// caller can tell "no such thing" (a 404) from a failure.
var ErrNotFound = errors.New("not found")
