package wiregen

import (
	"fmt"
	"strings"
	"time"
)

// The paragraphs below draw their words when written; the closures only
// put in the figures, so a paragraph reads the same in every version
// until a write-through updates its figures or copy-edits it.

func (w *writer) hospital(at time.Time) *para {
	ev, r := w.ev, w.r
	doctor := pick(r, w.lx.given) + " " + pick(r, w.lx.surnames)
	q := strings.TrimSuffix(w.lx.quote(r, false), ".")
	alt := w.voice % 2
	return w.newPara(kHospital, at, func(toll, time.Time) string {
		if alt == 0 {
			return w.f("Hospitals in %s were overwhelmed, with the injured treated in car parks and corridors, said %s, a doctor at the %s.",
				ev.city, doctor, ev.hospital)
		}
		return fmt.Sprintf("At the %s, the wounded lay on blankets in the corridors. \"%s,\" said %s, a doctor there.", ev.hospital, q, doctor)
	})
}

// quotePara quotes the press conference b: the quote is the same in every
// story that cites it, the attribution is the agency's.
func (w *writer) quotePara(at time.Time, b briefing, i int) *para {
	s := quoteOf(b.quotes[i%len(b.quotes)], b.speaker, w.style, w.r, clock(b.at.In(w.ev.zone)))
	return w.newPara(kQuote, at, func(toll, time.Time) string { return s })
}

func (w *writer) witness(at time.Time, i int) *para {
	x := w.ev.witnesses[i%len(w.ev.witnesses)]
	body := strings.TrimSuffix(x.quote, ".")
	var s string
	if w.voice%2 == 0 {
		s = fmt.Sprintf("\"%s,\" said %s, %d, %s in %s.", body, x.name, x.age, x.job, x.town)
	} else {
		s = fmt.Sprintf("%s, %s in %s, said: \"%s.\"", x.name, x.job, x.town, body)
	}
	return w.newPara(kWitness, at, func(toll, time.Time) string { return s })
}

func (w *writer) aid(at time.Time) *para {
	lx, r := w.lx, w.r
	leader, country := pick(r, lx.given)+" "+pick(r, lx.surnames), pick(r, lx.places)
	q := strings.TrimSuffix(lx.quote(r, false), ".")
	roles := []string{"President", "Prime Minister", "Foreign Minister"}
	role := roles[r.IntN(len(roles))]
	return w.newPara(kAid, at, func(toll, time.Time) string {
		return fmt.Sprintf("%s %s of %s sent condolences and offered help. \"%s,\" %s said in a statement.", role, leader, country, q, leader)
	})
}

// rescue is colour from the rescue: a figure and a sentence or two of
// the event's invented words.
func (w *writer) rescue(at time.Time) *para {
	ev, lx, r := w.ev, w.lx, w.r
	c := ev.cast
	c.place = pick(r, append([]string{ev.city}, ev.towns...))
	s1 := lx.colour(r, &c)
	s2 := ""
	if r.IntN(2) == 0 {
		s2 = " " + lx.colour(r, &c)
	}
	lead := r.IntN(2) == 0
	return w.newPara(kRescue, at, func(f toll, t time.Time) string {
		if lead {
			return w.f("Rescuers had pulled %s people alive from the rubble by %s, the %s said. %s%s",
				count(f.rescue), clock(f.at.In(ev.zone)), ev.authority, s1, s2)
		}
		return s1 + s2
	})
}
