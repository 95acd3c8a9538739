package wiregen

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// lexicon is a fictional vocabulary: invented nouns, verbs, adjectives,
// people, places and organisations built from syllables, held together by
// ordinary English function words. No text of any corpus is used.
type lexicon struct {
	nouns, verbs, adjs, given, surnames, places, orgs, roles []string
}

var syllables = []string{"ba", "ko", "ri", "tan", "vel", "mo", "zu", "pri", "dax", "lo", "ne", "shi",
	"gar", "fo", "tes", "qui", "lin", "dor", "sa", "mer", "vo", "kel", "ra", "thu", "en", "ost", "ma", "pel"}

var orgKinds = []string{"Council", "Authority", "Board", "Institute", "Union", "Ministry", "Bank", "Commission"}

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
				w = upperFirst(w)
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
	for range 400 {
		lx.orgs = append(lx.orgs, upperFirst(fmt.Sprintf("%s %s", word(2, 3), orgKinds[r.IntN(len(orgKinds))])))
	}
	return lx
}

// upperFirst capitalises the first byte of an ASCII word.
func upperFirst(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

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

// headline writes a headline for a story with cast c.
func (lx *lexicon) headline(r *rand.Rand, c *cast) string {
	switch r.IntN(4) {
	case 0:
		return fmt.Sprintf("%s %s %ss %s over %s", c.place, c.topics[0], pick(r, lx.verbs), c.topics[1], c.topics[2])
	case 1:
		return fmt.Sprintf("%s to %s %s as %s %s", c.org, pick(r, lx.verbs), c.topics[0], c.topics[1], pick(r, lx.adjs))
	case 2:
		return fmt.Sprintf("%s says %s %s will %s %s", c.person, pick(r, lx.adjs), c.topics[0], pick(r, lx.verbs), c.place)
	default:
		return fmt.Sprintf("%s %ss in %s after %s %s", upperFirst(c.topics[0]), pick(r, lx.verbs), c.place, pick(r, lx.adjs), c.topics[1])
	}
}
