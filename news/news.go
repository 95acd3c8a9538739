// Package news holds the plain types shared by every stage of the aggregator:
// the items a feed delivers, the stories they are grouped into, and the state
// kept per feed. It imports nothing but the standard library and does no I/O.
package news

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Item is one entry as a feed delivered it, after normalisation by fetch.
// The zero value is an empty item; Item values are plain data and safe to
// copy.
type Item struct {
	// Feed is the name of the feed in the config that delivered the item.
	Feed string
	// GUID is the feed's own identifier for the item (RSS guid, Atom id,
	// JSON Feed id); empty when the feed gave none.
	GUID string
	// Link is the item's original link, made absolute against the feed.
	Link string
	// CanonicalLink is Link without tracking parameters and fragment, with a
	// lower-case scheme and host; used for exact cross-feed dedupe.
	CanonicalLink string
	// Title is the headline as plain text.
	Title string
	// Content is the body as the feed delivered it (HTML, unsanitised).
	// Summary is the description or summary (HTML, unsanitised); either may
	// be empty.
	Content string
	Summary string
	// Author is the byline the feed gave, if any.
	Author string
	// Categories are the feed's tags for the item.
	Categories []string
	// Published is the publish time; fetch sets it to the fetch time when
	// the feed gave none. Updated is zero when the feed gave none.
	Published time.Time
	Updated   time.Time
}

// Key is the identity of an item within its feed: the GUID, else the
// canonical link, else a hash of title and body. Two deliveries of the same
// item by one feed have the same key even when their text changed.
func (it *Item) Key() string {
	switch {
	case it.GUID != "":
		return "guid:" + it.GUID
	case it.CanonicalLink != "":
		return "link:" + it.CanonicalLink
	default:
		return "hash:" + hashStrings(it.Title, it.Content, it.Summary)
	}
}

// ContentHash identifies the text of an item: it changes when the title,
// body or summary changes, and only then.
func (it *Item) ContentHash() string {
	return hashStrings(it.Title, it.Content, it.Summary)
}

// Body returns the fuller of Content and Summary.
func (it *Item) Body() string {
	if len(it.Content) >= len(it.Summary) {
		return it.Content
	}
	return it.Summary
}

func hashStrings(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// StoredItem is an item as the store holds it: with its row id, the story
// it belongs to, and when it was first seen.
type StoredItem struct {
	Item
	ID        string // news.ItemID(Feed, Key())
	StoryID   string
	FirstSeen time.Time
	// CleanHTML is the body with the outlet's furniture removed (still
	// unsanitised: output sanitises what it publishes).
	CleanHTML string
}

// Story is one news story: every item that carried it, and the one chosen
// to represent it.
type Story struct {
	// ID is stable: it is derived from the item that founded the story and
	// does not change when other members join.
	ID string
	// Members holds every item of the story, the representative first.
	Members []StoredItem
	// Published is the representative's publish time; Updated is when the
	// story last changed (a member joined or was updated).
	Published time.Time
	Updated   time.Time
}

// AddMember appends m to the story's members, and makes Published the
// earliest publish time among them (how a store reads a story).
func (s *Story) AddMember(m StoredItem) {
	s.Members = append(s.Members, m)
	if p := m.Published; !p.IsZero() && (s.Published.IsZero() || p.Before(s.Published)) {
		s.Published = p
	}
}

// Representative returns the member chosen to represent the story; it
// panics on a story with no members, which never exists.
func (s *Story) Representative() *StoredItem { return &s.Members[0] }

// Feed is one configured feed. The YAML tags are the config file's keys.
type Feed struct {
	// Name is unique and shown as the source name.
	Name string `yaml:"name"`
	// URL is an http(s) URL, or a file path for a local feed.
	URL  string   `yaml:"url"`
	Tags []string `yaml:"tags,omitempty"`
	// Schedule optionally overrides the global schedule for this feed: it
	// is then polled on that schedule's ticks, not when its learned
	// interval says (its interval is still learned and shown).
	Schedule string `yaml:"schedule,omitempty"`
	// MinInterval and MaxInterval bound the feed's learned poll interval
	// (FeedState.Interval); zero means DefaultMinInterval and
	// DefaultMaxInterval. Loading a config fills them in from its fetch
	// section where the feed sets none.
	MinInterval time.Duration `yaml:"min_interval,omitempty"`
	MaxInterval time.Duration `yaml:"max_interval,omitempty"`
}

// Defaults of the bounds of a feed's learned poll interval (Feed.MinInterval,
// Feed.MaxInterval), for the config's fetch section and fetch.Learn.
const (
	DefaultMinInterval = 5 * time.Minute
	DefaultMaxInterval = 24 * time.Hour
)

// FeedState is what is kept about one feed between polls: HTTP validators,
// schedule and health. The zero value is a feed never polled.
type FeedState struct {
	Name string
	// URL is the URL polled now: the configured one, or the target of a
	// permanent redirect seen several polls in a row.
	URL string
	// ConfigURL is the URL the configuration gave when the state was
	// made; a config edit that changes it resets the state.
	ConfigURL string
	// ETag and LastModified are the validators of the last 200 response;
	// BodyHash the hash of its body, for servers that ignore validators.
	ETag         string
	LastModified string
	BodyHash     string
	// RedirectTo and RedirectCount track a permanent redirect seen in
	// consecutive polls before URL is rewritten.
	RedirectTo    string
	RedirectCount int
	LastAttempt   time.Time
	LastSuccess   time.Time
	LastStatus    int
	LastError     string
	// Failures counts consecutive failed polls; it is 0 after a success.
	Failures int
	// NextPoll is the earliest time the feed may be polled again: after a
	// success, the later of the learned Interval (with jitter) and the
	// server's hints; after a failure, the backoff or Retry-After.
	NextPoll time.Time
	// Interval is the poll interval learned from what the feed delivers
	// (fetch.Learn); zero until a successful poll.
	Interval time.Duration
	// LastNew is when a poll last found items new to the store, or the
	// first successful poll when none has yet; zero before it.
	LastNew time.Time
	// Gone is set when the server answered 410: the feed is not polled.
	Gone bool
}

// ItemID is the stable identifier of an item: a hash of its feed's name and
// its Key. It is the same across polls, restarts and one-shot runs.
func ItemID(feed, key string) string {
	return hashStrings("item", feed, key)
}

// StoryID is the stable identifier of a story founded by the item with the
// given id. A story keeps it whatever members join later.
func StoryID(foundingItemID string) string {
	return "s" + foundingItemID[:20]
}
