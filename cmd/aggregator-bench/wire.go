package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// lexicon is a fictional vocabulary: invented nouns, verbs, adjectives,
// people, places and organisations built from syllables, held together by
// ordinary English function words. No text of any corpus is used.
type lexicon struct {
	nouns, verbs, adjs, given, surnames, places, orgs, roles []string
}

var syllables = []string{"ba", "ko", "ri", "tan", "vel", "mo", "zu", "pri", "dax", "lo", "ne", "shi",
	"gar", "fo", "tes", "qui", "lin", "dor", "sa", "mer", "vo", "kel", "ra", "thu", "en", "ost", "ma", "pel"}

func newLexicon(seed uint64) *lexicon {
	r := rand.New(rand.NewPCG(seed, 0x1e71c0))
	word := func(min, max int) string {
		var b strings.Builder
		for range min + r.IntN(max-min+1) {
			b.WriteString(syllables[r.IntN(len(syllables))])
		}
		return b.String()
	}
	list := func(n, min, max int, title bool) []string {
		out := make([]string, n)
		for i := range out {
			w := word(min, max)
			if title {
				w = strings.ToUpper(w[:1]) + w[1:]
			}
			out[i] = w
		}
		return out
	}
	lx := &lexicon{
		nouns:    list(4000, 2, 3, false),
		verbs:    list(900, 2, 3, false),
		adjs:     list(900, 2, 4, false),
		given:    list(600, 2, 2, true),
		surnames: list(2500, 2, 3, true),
		places:   list(900, 2, 3, true),
		roles:    []string{"minister", "director", "spokesperson", "chair", "analyst", "mayor", "governor", "economist", "professor", "secretary"},
	}
	for i := 0; i < 400; i++ {
		lx.orgs = append(lx.orgs, fmt.Sprintf("%s %s", word(2, 3), []string{"Council", "Authority", "Board", "Institute", "Union", "Ministry", "Bank", "Commission"}[r.IntN(8)]))
		lx.orgs[i] = strings.ToUpper(lx.orgs[i][:1]) + lx.orgs[i][1:]
	}
	return lx
}

func pick(r *rand.Rand, xs []string) string { return xs[r.IntN(len(xs))] }

// cast is what makes one story hang together: the same people, place,
// organisation and topic words recur in its sentences.
type cast struct {
	person, person2, org, place string
	topics                      []string
}

func (lx *lexicon) newCast(r *rand.Rand) cast {
	c := cast{
		person:  pick(r, lx.given) + " " + pick(r, lx.surnames),
		person2: pick(r, lx.given) + " " + pick(r, lx.surnames),
		org:     pick(r, lx.orgs),
		place:   pick(r, lx.places),
	}
	for range 4 {
		c.topics = append(c.topics, pick(r, lx.nouns))
	}
	return c
}

var days = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
var months = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
var preps = []string{"in", "across", "near", "against", "after", "despite", "during", "beyond", "under", "over"}

// sentence writes one templated sentence of the story.
func (lx *lexicon) sentence(r *rand.Rand, c *cast) string {
	n := func() string {
		if r.IntN(2) == 0 {
			return pick(r, c.topics)
		}
		return pick(r, lx.nouns)
	}
	v, a := func() string { return pick(r, lx.verbs) }, func() string { return pick(r, lx.adjs) }
	num := func() string { return fmt.Sprint(2 + r.IntN(980)) }
	switch r.IntN(8) {
	case 0:
		return fmt.Sprintf("%s said on %s that the %s %s would %s %s %ss in %s.", c.person, pick(r, days), a(), n(), v(), num(), n(), c.place)
	case 1:
		return fmt.Sprintf("The %s of the %s %sed the %s after %s %ss of %s, %s told reporters.", n(), c.org, v(), n(), num(), n(), n(), c.person2)
	case 2:
		return fmt.Sprintf("Officials at the %s said the %s %s could %s the %s before the end of %s.", c.org, a(), n(), v(), n(), pick(r, months))
	case 3:
		return fmt.Sprintf("In %s, %s %ss %sed the %s %s as the %s %sed by %s percent.", c.place, num(), n(), v(), a(), n(), n(), v(), num())
	case 4:
		return fmt.Sprintf("\"We will %s the %s and we will not %s its %ss,\" %s said.", v(), n(), v(), n(), c.person)
	case 5:
		return fmt.Sprintf("The %s %sed %s the %s %s of %s, where %ss had %sed %s %ss since %d.", n(), v(), pick(r, preps), a(), n(), pick(r, lx.places), n(), v(), num(), n(), 1990+r.IntN(35))
	case 6:
		return fmt.Sprintf("Critics of the %s said it would %s %ss and %s the %s %s the %s.", n(), v(), n(), v(), n(), pick(r, preps), pick(r, lx.orgs))
	default:
		return fmt.Sprintf("%s, a %s at the %s, said the %ss were %s but that the %s remained %s.", c.person2, pick(r, lx.roles), pick(r, lx.orgs), n(), a(), n(), a())
	}
}

// story is one generated news story: the agency's full copy.
type story struct {
	id        string
	cast      cast
	headline  string
	dateline  string
	paras     []string // plain text paragraphs
	published time.Time
}

// newStory writes a story of about size bytes of text.
func (lx *lexicon) newStory(id string, seed uint64, size int, published time.Time) *story {
	r := rand.New(rand.NewPCG(seed, 0x5707))
	c := lx.newCast(r)
	s := &story{id: id, cast: c, published: published}
	s.headline = lx.headline(r, &c)
	s.dateline = fmt.Sprintf("%s, %s %d (Wirenet) - ", strings.ToUpper(c.place), months[published.Month()-1], published.Day())
	total := 0
	for total < size {
		p := lx.sentence(r, &c) + " " + lx.sentence(r, &c)
		if r.IntN(2) == 0 {
			p += " " + lx.sentence(r, &c)
		}
		s.paras = append(s.paras, p)
		total += len(p) + 7
	}
	return s
}

func (lx *lexicon) headline(r *rand.Rand, c *cast) string {
	switch r.IntN(4) {
	case 0:
		return fmt.Sprintf("%s %s %ss %s over %s", c.place, c.topics[0], pick(r, lx.verbs), c.topics[1], c.topics[2])
	case 1:
		return fmt.Sprintf("%s to %s %s as %s %s", c.org, pick(r, lx.verbs), c.topics[0], c.topics[1], pick(r, lx.adjs))
	case 2:
		return fmt.Sprintf("%s says %s %s will %s %s", c.person, pick(r, lx.adjs), c.topics[0], pick(r, lx.verbs), c.place)
	default:
		return fmt.Sprintf("%s %ss in %s after %s %s", strings.ToUpper(c.topics[0][:1])+c.topics[0][1:], pick(r, lx.verbs), c.place, pick(r, lx.adjs), c.topics[1])
	}
}

// outlet is a feed's publisher: its name and page furniture.
type outlet struct {
	name, host string
	agency     bool // keeps datelines and adds sign-offs
	header     string
	footer     []string
	atom       bool
}

func (lx *lexicon) newOutlet(i int, r *rand.Rand) outlet {
	name := pick(r, lx.places) + " " + []string{"Courier", "Gazette", "Herald", "Post", "Chronicle", "Wire", "Times", "Observer"}[r.IntN(8)]
	o := outlet{
		name:   name,
		host:   fmt.Sprintf("news%d.%s.example", i, strings.ToLower(strings.Fields(name)[0])),
		agency: r.IntN(4) == 0,
		atom:   r.IntN(5) == 0,
	}
	if r.IntN(2) == 0 {
		o.header = fmt.Sprintf("<p><strong>%s</strong> | Your daily news from %s</p>", o.name, pick(r, lx.places))
	}
	o.footer = []string{
		fmt.Sprintf("<p>Follow the %s for the latest updates. Share this article.</p>", o.name),
		fmt.Sprintf("<p>Copyright %d %s. All rights reserved. Subscribe to our newsletter.</p>", 2031, o.name),
	}
	return o
}

// copyOf writes outlet o's HTML copy of s: a rewritten headline, dateline
// kept or dropped, full, truncated or copy-edited body, sign-off and the
// outlet's furniture. latest is the outlet's "LATEST NEWS" link list.
func (lx *lexicon) copyOf(s *story, o *outlet, r *rand.Rand, original bool, latest string) (title, html string) {
	title = s.headline
	if !original {
		switch r.IntN(5) {
		case 0:
			title = "UPDATE 1-" + title
		case 1, 2:
			title = lx.headline(r, &s.cast)
		case 3:
			title = title + " | " + o.name
		}
	}
	paras := s.paras
	switch k := r.IntN(20); {
	case original:
	case k < 4: // summary-only copy
		paras = paras[:min(len(paras), 2+r.IntN(2))]
	case k < 7: // copy-edited: a paragraph dropped, a word changed
		paras = append([]string(nil), paras[:len(paras)-1]...)
		i := r.IntN(len(paras))
		paras[i] = strings.Replace(paras[i], " the ", " a ", 1)
	}
	var b strings.Builder
	b.WriteString(o.header)
	for i, p := range paras {
		b.WriteString("<p>")
		if i == 0 && (o.agency || original || r.IntN(2) == 0) {
			b.WriteString(escapeText(s.dateline))
		}
		b.WriteString(escapeText(p))
		b.WriteString("</p>\n")
	}
	if o.agency || original {
		fmt.Fprintf(&b, "<p>(Reporting by %s; Editing by %s)</p>", pick(r, lx.surnames), pick(r, lx.surnames))
	}
	b.WriteString(latest)
	for _, f := range o.footer {
		b.WriteString(f)
	}
	return title, b.String()
}

var textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func escapeText(s string) string { return textEscaper.Replace(s) }
