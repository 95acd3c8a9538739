package wiregen

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// Spec describes a generated set of feeds. The same Spec always gives the
// same feeds, byte for byte.
type Spec struct {
	Feeds int // feeds in the set; with Items and Dup it sizes the wire pool
	Items int // items per feed

	// Bytes is the text of a story in bytes, before markup and furniture:
	// 3000 gives a typical news item. It must be positive.
	Bytes int

	// Dup is the share of items, in [0, 1], that copy a wire story carried
	// by about four feeds; the others are stories of their own.
	Dup float64

	// Seed chooses the vocabulary, the outlets and the stories.
	Seed uint64

	// Now is when the feeds are read: items are dated from 48 hours before
	// it to an hour after (see the package doc). The zero value means
	// 2031-03-14 12:00 UTC.
	Now time.Time
}

// defaultNow is the Now of a Spec that leaves it zero.
var defaultNow = time.Date(2031, time.March, 14, 12, 0, 0, 0, time.UTC)

// Item is one generated item.
type Item struct {
	Title     string    // plain text
	HTML      string    // the body: furniture, paragraphs and sign-off as HTML
	Link      string    // https URL with utm_ tracking parameters
	GUID      string    // a URN, unique within the feed
	Published time.Time // UTC, whole seconds
	Story     string    // the true story: equal exactly when items copy the same one
}

// Feed is one generated feed: an outlet and its items.
type Feed struct {
	Name   string // the outlet's name and the feed's title
	Host   string // the outlet's host name, unique within a Spec
	Atom   bool   // Document is Atom 1.0 rather than RSS 2.0
	Agency bool   // the outlet runs wire stories as sent, with datelines and sign-offs
	Items  []Item // newest first
}

// copiesPerStory is the mean number of feeds that carry one wire story.
const copiesPerStory = 4

// Generator builds the feeds of a Spec. It is safe for concurrent use;
// building the vocabulary in New is its main fixed cost.
type Generator struct {
	spec Spec
	lx   *lexicon
	wire int // wire stories in the pool
}

// New returns a Generator for spec. It panics if spec.Feeds or spec.Items
// is negative, spec.Bytes is not positive or spec.Dup is outside [0, 1].
func New(spec Spec) *Generator {
	if spec.Feeds < 0 || spec.Items < 0 || spec.Bytes <= 0 || !(spec.Dup >= 0 && spec.Dup <= 1) {
		panic(fmt.Sprintf("wiregen: invalid spec %+v", spec))
	}
	if spec.Now.IsZero() {
		spec.Now = defaultNow
	}
	w := max(1, int(float64(spec.Feeds*spec.Items)*spec.Dup/copiesPerStory))
	return &Generator{spec: spec, lx: newLexicon(spec.Seed), wire: w}
}

// Doc is an item with the feed that carries it.
type Doc struct {
	Feed string // the Host of the carrying feed
	Item
}

// Docs returns every item of spec's feeds, feed by feed in index order
// and each feed's items newest first, with the Host of its feed.
// It panics on an invalid spec, as New does.
func Docs(spec Spec) []Doc {
	g := New(spec)
	docs := make([]Doc, 0, spec.Feeds*spec.Items)
	for i := range spec.Feeds {
		f := g.Feed(i)
		for _, it := range f.Items {
			docs = append(docs, Doc{Feed: f.Host, Item: it})
		}
	}
	return docs
}

func seedOf(parts ...any) uint64 {
	h := fnv.New64a()
	fmt.Fprint(h, parts...)
	return h.Sum64()
}

// Feed generates feed i, the same for the same Spec and i. Any i is
// allowed; those of the set are 0 to Spec.Feeds-1.
func (g *Generator) Feed(i int) Feed {
	r := rand.New(rand.NewPCG(g.spec.Seed, seedOf("feed", i)))
	o := g.lx.newOutlet(i, r)
	latest := g.latestNews(&o, r)
	f := Feed{Name: o.name, Host: o.host, Atom: o.atom, Agency: o.agency, Items: make([]Item, g.spec.Items)}
	for j := range f.Items {
		f.Items[j] = g.item(i, j, &o, r, latest)
	}
	slices.SortStableFunc(f.Items, func(a, b Item) int { return b.Published.Compare(a.Published) })
	return f
}

// latestNews is an outlet's "LATEST NEWS" list: three headline links.
func (g *Generator) latestNews(o *outlet, r *rand.Rand) string {
	var b strings.Builder
	b.WriteString("<p>LATEST NEWS</p><ul>")
	for k := range 3 {
		c := g.lx.newCast(r)
		fmt.Fprintf(&b, `<li><a href="https://%s/latest/%d">%s</a></li>`, o.host, k, escapeText(g.lx.headline(r, &c)))
	}
	b.WriteString("</ul>")
	return b.String()
}

// item generates item j of feed i: a copy of a wire story or a story of
// the outlet's own.
func (g *Generator) item(i, j int, o *outlet, r *rand.Rand, latest string) Item {
	s := g.spec
	var st *story
	original := true
	if r.Float64() < s.Dup {
		w := r.IntN(g.wire)
		wr := rand.New(rand.NewPCG(s.Seed, seedOf("wire", w)))
		at := s.Now.Add(-time.Hour - time.Duration(wr.Int64N(int64(47*time.Hour))))
		st = g.lx.newStory(fmt.Sprintf("w%d", w), seedOf("wire", s.Seed, w), s.Bytes, at)
		st.published = at.Add(time.Duration(r.Int64N(int64(2 * time.Hour))))
		original = o.agency
	} else {
		at := s.Now.Add(-time.Duration(r.Int64N(int64(48 * time.Hour))))
		st = g.lx.newStory(fmt.Sprintf("u%d-%d", i, j), seedOf("unique", s.Seed, i, j), s.Bytes, at)
	}
	title, html := g.lx.copyOf(st, o, r, original, latest)
	slug := strings.ToLower(strings.Join(strings.Fields(st.cast.topics[0]+" "+st.cast.place), "-"))
	return Item{
		Title: title, HTML: html, Story: st.id, Published: st.published.UTC().Truncate(time.Second),
		Link: fmt.Sprintf("https://%s/news/%d/%s-%d?utm_source=rss&utm_medium=feed", o.host, st.published.Year(), slug, j),
		GUID: fmt.Sprintf("urn:%s:%d", o.host, j),
	}
}
