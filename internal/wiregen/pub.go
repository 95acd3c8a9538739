package wiregen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// pub is a publisher of the event corpus: an agency's own site or an
// outlet, with its ways of running copy and its page furniture.
type pub struct {
	name, title, host string
	format            Format
	agency            int   // the agency whose feed this is, or -1
	subs              []int // agencies it takes copy from, the main one first
	zone              *time.Location
	inPlace           bool // updates one page per story rather than a page per version
	summary           bool // runs the first paragraphs only
	dateline, signOff int  // percent of copies keeping them
	path              int  // link style
	live              bool // keeps a live page
	budget            int
	style             pageStyle
	r                 *rand.Rand
	made              int // own stories written so far
}

var zones = []struct {
	name   string
	offset int // hours
}{{"EST", -5}, {"EST", -5}, {"CST", -6}, {"PST", -8}, {"GMT", 0}, {"CET", 1}, {"IST", 5}, {"AEDT", 11}}

// newPub makes outlet i; agency is the index of the agency whose own
// feed it is, or -1.
func (g *eventGen) newPub(i, agency int) *pub {
	r := g.rng("outlet", i)
	lx := g.lx
	z := zones[r.IntN(len(zones))]
	o := &pub{agency: agency, r: r, zone: time.FixedZone(z.name, z.offset*3600), path: r.IntN(5),
		dateline: 25 + r.IntN(70), signOff: r.IntN(80), inPlace: r.IntN(100) < 25, summary: r.IntN(100) < 8}
	switch f := r.IntN(20); {
	case f < 12:
		o.format = RSS
	case f < 17:
		o.format = Atom
	default:
		o.format = JSON
	}
	if agency >= 0 {
		a := g.agencies[agency]
		o.title, o.host, o.subs = a.name, a.host, []int{agency}
		o.inPlace, o.summary, o.dateline, o.signOff = a.style != 1 && a.style != 3, false, 100, 100
	} else {
		o.title = pick(r, lx.places) + " " + mastheads[r.IntN(len(mastheads))]
		o.host = fmt.Sprintf("www.%s%d.example", strings.ToLower(strings.Fields(o.title)[0]), i)
		o.subs = g.subscriptions(r)
		o.budget = g.budget(r)
	}
	o.name = slugOf(o.title)
	if agency < 0 {
		o.name = fmt.Sprintf("%s-%d", o.name, i)
	}
	o.style = g.newStyle(o, r)
	return o
}

// subscriptions are the agencies an outlet takes copy from: one in most
// cases, two or three for some.
func (g *eventGen) subscriptions(r *rand.Rand) []int {
	n := len(g.agencies)
	// the first agency is the biggest: it serves about half the outlets
	main := 0
	if r.IntN(5) >= 2 {
		main = r.IntN(n)
	}
	subs := []int{main}
	for k := range min(n-1, r.IntN(3)) {
		if s := (main + 1 + k + r.IntN(n)) % n; !slices.Contains(subs, s) {
			subs = append(subs, s)
		}
	}
	return subs
}

// budget is how many items an outlet runs: two to four for most, a few
// big portals many more, scaled to the spec's mean.
func (g *eventGen) budget(r *rand.Rand) int {
	var b float64
	switch u := r.Float64(); {
	case u < 0.45:
		b = float64(2 + r.IntN(3))
	case u < 0.80:
		b = float64(5 + r.IntN(5))
	default:
		b = float64(10 + r.IntN(16))
	}
	return max(1, int(b*g.spec.Items/7.3+0.5))
}

// publish makes the outlets and their items.
func (g *eventGen) publish() {
	for i := range g.agencies {
		g.outlets = append(g.outlets, g.newPub(i, i))
	}
	for i := range g.spec.Outlets {
		o := g.newPub(len(g.agencies)+i, -1)
		o.live = i%23 == 5
		g.outlets = append(g.outlets, o)
	}
}
