package wiregen

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// officialQuotes and residentQuotes are the frames of quotations; the
// invented words that fill them make each quote its own.
var officialQuotes = []string{
	"We are doing everything we can to reach the people still trapped under the %s in %s",
	"The situation in %s is very serious, and we expect the number of dead to rise as we reach the %s",
	"Our teams are working through the night with %s and heavy machinery, and they will not stop until every %s has been searched",
	"We ask people not to return to damaged buildings until engineers have %sed them, even if the %s looks safe",
	"There are still people under the rubble in %s, and every hour counts for the %s",
	"We have sent rescue teams, %s and field hospitals to the worst-hit areas around %s",
	"We will rebuild %s, every %s and every school",
	"This is the worst disaster our %s has seen since the %s of %d",
	"Aid is reaching %s, but the roads to the %s villages are still blocked by landslides",
}

var residentQuotes = []string{
	"I have never felt anything like it. The whole %s was shaking and the %s fell on us",
	"My brother and his children are still inside. Nobody has come to help us with the %s",
	"We ran out in our pyjamas. We have no %s, no water and nowhere to sleep but the %s",
	"The new %s held, but the old houses of the %s district collapsed like paper",
	"We dug with our hands until the %s came. We heard a voice under the %s",
	"Everyone is afraid to go back inside. Every aftershock feels like the %s is starting again",
}

// quote writes a quotation, an official's or a resident's, without marks.
func (lx *lexicon) quote(r *rand.Rand, resident bool) string {
	frames := officialQuotes
	if resident {
		frames = residentQuotes
	}
	q := lx.fill(r, pick(r, frames))
	if r.IntN(2) == 0 {
		q += fmt.Sprintf(", and the %s %s will %s the %s", pick(r, lx.adjs), pick(r, lx.nouns), pick(r, lx.verbs), pick(r, lx.nouns))
	}
	return q + "."
}

// fill replaces each %s of frame by an invented word (a place after "in"
// or "around") and each %d by a year.
func (lx *lexicon) fill(r *rand.Rand, frame string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(frame, '%')
		if i < 0 || i+1 >= len(frame) {
			b.WriteString(frame)
			return b.String()
		}
		b.WriteString(frame[:i])
		switch prev := frame[:i]; {
		case frame[i+1] == 'd':
			fmt.Fprint(&b, 1950+r.IntN(60))
		case strings.HasSuffix(prev, "in ") || strings.HasSuffix(prev, "around "):
			b.WriteString(pick(r, lx.places))
		default:
			b.WriteString(pick(r, lx.nouns))
		}
		frame = frame[i+2:]
	}
}

// quoteOf returns a quotation with its attribution in one of an agency's
// ways of writing it: the quote text itself is always the same.
func quoteOf(q string, who official, style int, r *rand.Rand, at string) string {
	body := strings.TrimSuffix(q, ".")
	switch (style + r.IntN(2)) % 4 {
	case 0:
		return fmt.Sprintf("\"%s,\" %s, %s, told reporters at a %s news conference.", body, who.name, who.role, at)
	case 1:
		return fmt.Sprintf("\"%s,\" %s said.", body, who.name)
	case 2:
		return fmt.Sprintf("%s, %s, said at a news conference: \"%s.\"", who.name, who.role, body)
	}
	return fmt.Sprintf("\"%s,\" said %s, %s.", body, who.name, who.role)
}

// colourFrames are sentences of colour from the scene, mostly without
// figures: {p} is a person of the cast, {o} its organisation, {t} a
// place, {n} an invented noun, {v} a verb, {a} an adjective.
var colourFrames = []string{
	"In {t}, {n}s and {n}s lay in the street where the {a} {n} had stood.",
	"Volunteers passed {n}s from hand to hand along a line that stretched from the {n} to the edge of the {n}.",
	"{p} said the {o} would {v} the {n} as soon as the roads to {t} were open.",
	"Officials at the {o} said the {a} {n} could {v} the {n} before nightfall.",
	"Critics of the {n} said it would {v} the {n} and leave {t} without a {n}.",
	"Residents of {t} said they had been woken by a roar, then by the sound of the {n} giving way.",
	"Television images showed {a} {n}s in {t} and people climbing over {n}s to reach relatives.",
	"{p}, who has {v}ed the {n} for years, said the {a} {n}s of {t} were never built to withstand a shock like this.",
	"Some families in {t} slept in their cars, others in a {n} that the {o} opened at dusk.",
	"The {n} was {a} but the {n} remained {a}, said {p}.",
	"By late afternoon, crews had cleared a path to the {a} {n} in {t}, where about a dozen people were believed trapped.",
}

// colour writes a sentence of colour for a story with cast c: from the
// colour frames, or one of the lexicon's sentences without figures.
func (lx *lexicon) colour(r *rand.Rand, c *cast) string {
	if r.IntN(2) == 0 {
		for range 8 {
			if s := lx.sentence(r, c); !strings.ContainsAny(s, "0123456789") {
				return s
			}
		}
	}
	frame := pick(r, colourFrames)
	var b strings.Builder
	for i := 0; i < len(frame); i++ {
		if frame[i] != '{' || i+2 >= len(frame) || frame[i+2] != '}' {
			b.WriteByte(frame[i])
			continue
		}
		switch frame[i+1] {
		case 'p':
			b.WriteString(pick(r, []string{c.person, c.person2}))
		case 'o':
			b.WriteString(c.org)
		case 't':
			b.WriteString(c.place)
		case 'n':
			b.WriteString(pick(r, append(c.topics, pick(r, lx.nouns), pick(r, lx.nouns))))
		case 'v':
			b.WriteString(pick(r, lx.verbs))
		case 'a':
			b.WriteString(pick(r, lx.adjs))
		}
		i += 2
	}
	s := b.String()
	return strings.ToUpper(s[:1]) + s[1:]
}
