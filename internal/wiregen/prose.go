package wiregen

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// pkind is what a paragraph of a running story is about.
type pkind int

const (
	kLead    pkind = iota
	kOldLead       // a lead a new lead went over
	kNote          // "This is a breaking news update."
	kQuake         // magnitude, time, depth, epicentre
	kToll          // the figures in detail
	kBuildings
	kAftershocks
	kDisplaced
	kHospital
	kQuote   // from a press conference
	kWitness // a resident
	kAid     // a foreign leader's reaction
	kRescue  // colour from the rescue
	kBackground
)

// para is one paragraph of a story. Its words are drawn when it is
// written; its figures are those known at asOf, refreshed when a
// write-through updates them. edits counts copy edits applied to it.
type para struct {
	id    int
	kind  pkind
	text  func(f toll, at time.Time) string
	asOf  time.Time
	edits int
	seed  uint64
}

// figures reports whether the paragraph states figures a write-through
// updates.
func (p *para) figures() bool {
	switch p.kind {
	case kLead, kOldLead, kToll, kBuildings, kAftershocks, kDisplaced, kRescue:
		return true
	}
	return false
}

// writer writes the paragraphs of one agency's stories about the event.
type writer struct {
	lx    *lexicon
	ev    *event
	style int               // the agency's house style
	voice int               // which wording of a frame the agency uses
	house *strings.Replacer // the agency's own words
	r     *rand.Rand
	next  int
}

func (w *writer) newPara(k pkind, at time.Time, text func(toll, time.Time) string) *para {
	w.next++
	return &para{id: w.next, kind: k, text: text, asOf: at, seed: w.r.Uint64()}
}

// render is the paragraph's text with its copy edits: each edit swaps one
// word for an invented one, as a desk tightening a sentence does.
func (p *para) render(ev *event, lx *lexicon) string {
	s := p.text(ev.at(p.asOf), p.asOf.In(ev.zone))
	if p.edits == 0 {
		return s
	}
	r := rand.New(rand.NewPCG(p.seed, uint64(p.edits)))
	words := strings.Fields(s)
	for range p.edits {
		i := r.IntN(len(words))
		if w := words[i]; len(w) > 3 && strings.ToLower(w) == w && !strings.ContainsAny(w, `",.0123456789`) {
			words[i] = pick(r, lx.adjs)
		}
	}
	return strings.Join(words, " ")
}

// day is "Tuesday" for a time in the event's zone.
func day(t time.Time) string { return t.Weekday().String() }

// f formats a frame in the agency's house words.
func (w *writer) f(frame string, args ...any) string {
	return fmt.Sprintf(w.house.Replace(frame), args...)
}

// note is the line an agency puts above the first write-throughs.
func (w *writer) note(at time.Time, agency string) *para {
	return w.newPara(kNote, at, func(toll, time.Time) string {
		return fmt.Sprintf("This is a breaking news update. %s's earlier story is below.", agency)
	})
}
