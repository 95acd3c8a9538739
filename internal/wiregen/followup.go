package wiregen

import (
	"fmt"
	"slices"
	"time"
)

// followUp writes an agency's story of the next day on a new development
// (angle 0 to 6) in len(times) versions. Below its own lead and new
// paragraphs it repeats paragraphs of the running story c word for word:
// the quake's facts, a quote, the background, and the toll with the day's
// figures.
func (w *writer) followUp(c *chain, label string, angle int, times []time.Time) []*piece {
	t := times[0]
	list := []*para{w.fuLead(angle, t)}
	list = append(list, w.rescue(t))
	if b := c.briefingAt(t); b >= 0 {
		list = append(list, w.quotePara(t, w.ev.briefings[b], w.r.IntN(5)))
	}
	for _, k := range []pkind{kToll, kQuote, kQuake, kBackground} {
		if i := slices.IndexFunc(c.list, func(p *para) bool { return p.kind == k }); i >= 0 {
			p := c.list[i]
			if p.figures() {
				cp := *p
				cp.asOf = t
				p = &cp
			}
			list = append(list, p)
		}
	}
	if len(list) < 5 {
		list = slices.Insert(list, 2, w.framed(kDisplaced, t))
	}
	var out []*piece
	headline := w.fuHeadline(angle, t)
	for k, t := range times {
		if k > 0 {
			list = slices.Insert(list, 1+w.r.IntN(2), w.fresh(t, k))
			list[0].asOf = t
		}
		p := &piece{story: label, kind: KindFollowUp, ver: k, at: t, author: c.a.name, headline: headline,
			dateline: c.a.dateline(w.ev.towns[0], w.ev.country, t.In(w.ev.zone)),
			byline:   c.a.byline(k + 4), signOff: c.a.signOff(k+2, w.ev), photo: len(w.ev.photos) - 1 - w.r.IntN(4)}
		for _, q := range list {
			p.paras = append(p.paras, q.render(w.ev, w.lx))
		}
		out = append(out, p)
	}
	return out
}

// fresh is a new paragraph for version k of a follow-up.
func (w *writer) fresh(t time.Time, k int) *para {
	if k%2 == 1 {
		return w.witness(t, 3+k+w.style)
	}
	return w.aid(t)
}

func (w *writer) fuLead(angle int, at time.Time) *para {
	ev, lx, r := w.ev, w.lx, w.r
	n1, n2, pl := pick(r, lx.nouns), pick(r, lx.nouns), pick(r, ev.towns)
	pct, bn := float64(10+r.IntN(60))/10, 1+r.IntN(9)
	return w.newPara(kLead, at, func(f toll, t time.Time) string {
		switch angle {
		case 0:
			return fmt.Sprintf("%s %s ordered an investigation into building standards on %s after hundreds of homes collapsed in the earthquake that killed %s people, as anger grew over shoddy construction in the %s district of %s.",
				ev.president.role, ev.president.name, day(t), count(f.dead), n1, ev.city)
		case 1:
			return fmt.Sprintf("Rescuers in %s said on %s they held little hope of finding more survivors, a day after the earthquake that killed at least %s people, and began bringing in heavy machinery to clear the rubble of the %s.",
				pl, day(t), count(f.dead), n1)
		case 2:
			return fmt.Sprintf("Thousands of survivors of the earthquake in %s faced a second night in tents on %s as aid convoys struggled along damaged roads to %s, where the toll rose to %s.",
				ev.province, day(t), pl, count(f.dead))
		case 3:
			return fmt.Sprintf("Families in %s buried their dead on %s, a day after an earthquake killed %s people, as mourners gathered at a %s on the edge of the town.",
				pl, day(t), count(f.dead), n2)
		case 5:
			return fmt.Sprintf("A magnitude %.1f aftershock jolted %s on %s, sending survivors of the earthquake that killed %s people running from the tents where they had spent the night.",
				f.strongest, ev.province, day(t), count(f.dead))
		case 6:
			return fmt.Sprintf("The government of %s promised on %s to pay %d %ss to every family that lost a home in the earthquake, as the %s said %s people remained in temporary shelters.",
				ev.country, day(t), 500*bn, n1, ev.authority, count(f.displaced))
		}
		return fmt.Sprintf("%s's %s index fell %.1f%% on %s as investors weighed the cost of rebuilding after the earthquake that killed %s people, while the government pledged %d billion %ss in emergency aid.",
			ev.country, upperFirst(n1), pct, day(t), count(f.dead), bn, n2)
	})
}

func (w *writer) fuHeadline(angle int, t time.Time) string {
	ev, f := w.ev, w.ev.at(t)
	switch angle {
	case 0:
		return fmt.Sprintf("%s orders inquiry into collapsed buildings after quake", ev.country)
	case 1:
		return fmt.Sprintf("Hopes fade for survivors as %s quake toll reaches %s", ev.country, count(f.dead))
	case 2:
		return fmt.Sprintf("%s quake survivors face second night in the cold", ev.country)
	case 3:
		return fmt.Sprintf("%s buries its dead after quake that killed %s", ev.province, count(f.dead))
	case 5:
		return fmt.Sprintf("Strong aftershock rattles %s a day after deadly quake", ev.province)
	case 6:
		return fmt.Sprintf("%s promises cash for families made homeless by quake", ev.country)
	}
	return fmt.Sprintf("%s stocks slide as quake rebuilding bill mounts", ev.country)
}

// bulletin is the n-th aftershock bulletin of the seismological
// institute, sent by agency a at t: one template, other numbers.
func (w *writer) bulletin(a *agency, n int, t time.Time) *piece {
	ev, r := w.ev, w.r
	from := t.Add(-time.Duration(4+r.IntN(4)) * time.Hour).In(ev.zone)
	local := t.In(ev.zone)
	total, big := 20+r.IntN(200), 2+r.IntN(15)
	mag := ev.magnitude - 2 + float64(r.IntN(12))/10
	when := from.Add(time.Duration(r.IntN(180)) * time.Minute)
	paras := []string{
		fmt.Sprintf("The %s recorded %s aftershocks between %s and %s on %s, the strongest of magnitude %.1f at %s, %d km %s of %s, according to its bulletin No. %d.",
			ev.institute, count(total), clock(from), clock(local), day(local), mag, clock(when), 3+r.IntN(40), pick(r, directions), pick(r, ev.towns), n),
		fmt.Sprintf("Of these, %s were of magnitude 4.0 or more. The institute said the probability of a shock of magnitude %.1f or greater in the next %d hours was %d percent.",
			count(big), ev.magnitude-1, 24+24*r.IntN(3), 5+r.IntN(40)),
		fmt.Sprintf("The %s said %s teams were inspecting buildings in %s and %s, and that %s buildings had been marked unsafe since the main shock.",
			ev.authority, count(10+r.IntN(90)), ev.city, pick(r, ev.towns), count(100+r.IntN(3000))),
		fmt.Sprintf("Residents are advised to stay out of damaged buildings and to follow the instructions of the %s. The next bulletin will be issued at %s",
			ev.authority, clock(local.Add(6*time.Hour))),
	}
	return &piece{story: fmt.Sprintf("bulletin-%d", n), kind: KindBulletin, at: t, author: a.name, paras: paras,
		headline: fmt.Sprintf("Aftershock bulletin No. %d: %s tremors recorded in %s", n, count(total), ev.province),
		dateline: a.dateline(ev.city, ev.country, local), photo: -1}
}
