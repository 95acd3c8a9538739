package wiregen

import (
	"fmt"
	"strings"
	"time"
)

// EventSpec describes a corpus of one running news event: an earthquake
// covered through a day and the next by a few agencies and many outlets
// (see the package doc). The same EventSpec always gives the same corpus.
type EventSpec struct {
	Seed     uint64 // chooses the vocabulary, the event, the outlets and the stories
	Agencies int    // agencies covering the event, 1 to 5; each has a feed
	Outlets  int    // other outlets, each with a feed
	// Items is the mean number of items of an outlet's feed; most feeds
	// carry two to four, a few many more.
	Items float64
	// Versions is the number of versions of the first agency's running
	// story; the other agencies' have fewer (at least five).
	Versions int
	// Day is the date of the quake (its time of day is ignored); the zero
	// value means 2025-10-14.
	Day time.Time
}

// SmallEvent is about 200 items from 3 agencies and 28 outlets, for tests.
var SmallEvent = EventSpec{Agencies: 3, Outlets: 28, Items: 7, Versions: 14}

// MediumEvent is about 600 items from 5 agencies and 70 outlets, the shape
// of a real event's coverage.
var MediumEvent = EventSpec{Agencies: 5, Outlets: 70, Items: 9, Versions: 26}

// Kind is what an item of an event corpus is.
type Kind string

// The kinds of item. Copies of one agency's running story, whatever their
// version, are one story; every other item is its own story, shared only
// with copies of the same text (a syndicated analysis, a bulletin carried
// by several outlets, the versions of one follow-up).
const (
	KindRunning  Kind = "running"  // a version of an agency's running story
	KindFollowUp Kind = "followup" // an agency's story of the next day on a new development
	KindAnalysis Kind = "analysis" // an outlet's explainer quoting the running stories
	KindBulletin Kind = "bulletin" // an agency's templated aftershock bulletin
	KindLive     Kind = "live"     // one snapshot of a live page
	KindRoundup  Kind = "roundup"  // a briefing quoting two stories
	KindLocal    Kind = "local"    // an outlet's own story on a local angle
)

// Format is the syndication format of a feed.
type Format string

// The formats written by EventCorpus.Write.
const (
	RSS  Format = "rss"  // RSS 2.0 with content:encoded
	Atom Format = "atom" // Atom 1.0
	JSON Format = "json" // JSON Feed 1.1
)

// EventItem is one page of an event corpus.
type EventItem struct {
	Title     string // plain text
	HTML      string // the page: clutter, paragraphs, sign-off
	Summary   string // the feed's description, HTML; may be empty
	Link      string // https URL; links are unique in a corpus
	GUID      string // unique within the feed
	Author    string // the byline the feed gives, may be empty
	Published time.Time
	Updated   time.Time // later than Published when the copy was updated in place, else zero
	Story     string    // the label
	Kind      Kind
	Version   int      // the version of the story the page carries, from 0
	Paras     []string // the story's text on the page, plain, without clutter
}

// EventFeed is one outlet's feed.
type EventFeed struct {
	Name   string // short and file-safe, unique in the corpus: the config's feed name
	Title  string
	Host   string
	Format Format
	Agency bool        // the feed of an agency
	Items  []EventItem // newest first
}

// EventCorpus is a generated corpus: the feeds in a fixed order, and the
// agencies' stories as they sent them.
type EventCorpus struct {
	Spec    EventSpec
	Feeds   []EventFeed
	Stories []EventStory // running stories first, then follow-ups and bulletins
}

// EventStory is an agency's story: its versions as sent, oldest first.
type EventStory struct {
	Label    string
	Kind     Kind
	Agency   string
	Versions []EventVersion
}

// EventVersion is one version of an agency's story.
type EventVersion struct {
	Sent     time.Time
	Headline string
	Paras    []string // plain text, without dateline and sign-off
}

// defaultDay is the quake's date of a spec that leaves Day zero.
var defaultDay = time.Date(2025, time.October, 14, 0, 0, 0, 0, time.UTC)

// GenerateEvent builds the corpus of spec. It panics if spec.Agencies is
// not 1 to 5, spec.Outlets or spec.Items is negative or spec.Versions is
// below 5.
func GenerateEvent(spec EventSpec) *EventCorpus {
	if spec.Agencies < 1 || spec.Agencies > 5 || spec.Outlets < 0 || spec.Items < 0 || spec.Versions < 5 {
		panic(fmt.Sprintf("wiregen: invalid event spec %+v", spec))
	}
	if spec.Day.IsZero() {
		spec.Day = defaultDay
	}
	g := newEventGen(spec)
	g.write()
	g.publish()
	c := &EventCorpus{Spec: spec, Feeds: g.feeds()}
	for _, s := range g.wire {
		st := EventStory{Label: s.label, Kind: s.kind, Agency: g.agencies[s.agency].name}
		for _, v := range s.versions {
			st.Versions = append(st.Versions, EventVersion{Sent: v.at, Headline: v.headline, Paras: v.paras})
		}
		c.Stories = append(c.Stories, st)
	}
	return c
}

// VersionPair is the overlap of two versions I < J of a story.
type VersionPair struct {
	I, J        int
	Resemblance float64 // Jaccard of word 3-shingles
	Containment float64 // of version I in version J
}

// Overlaps returns every pair of the story's versions with their overlap.
func (s *EventStory) Overlaps() []VersionPair {
	sh := make([]map[uint64]bool, len(s.Versions))
	for i, v := range s.Versions {
		sh[i] = Shingles(strings.Join(v.Paras, "\n"))
	}
	var out []VersionPair
	for i := range sh {
		for j := i + 1; j < len(sh); j++ {
			out = append(out, VersionPair{i, j, Resemblance(sh[i], sh[j]), Containment(sh[i], sh[j])})
		}
	}
	return out
}

// Items returns every item of the corpus with the name of its feed, feed
// by feed.
func (c *EventCorpus) Items() []EventDoc {
	var out []EventDoc
	for _, f := range c.Feeds {
		for _, it := range f.Items {
			out = append(out, EventDoc{Feed: f.Name, EventItem: it})
		}
	}
	return out
}

// EventDoc is an item with the name of the feed that carries it.
type EventDoc struct {
	Feed string
	EventItem
}
