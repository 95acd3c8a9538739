package wiregen

import (
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// planned is an item an outlet will publish: a version of a story, when,
// and whether it is the outlet's copy of agency text (which it rewrites).
type planned struct {
	p       *piece
	at      time.Time
	updated time.Time // when an in-place copy last changed
	copy    bool
}

// planner collects an outlet's items, merging in-place updates.
type planner struct {
	out     []planned
	byLabel map[string]int
	taken   map[*piece]bool
}

// plan lists what outlet o publishes, oldest first.
func (g *eventGen) plan(o *pub) []planned {
	pl := &planner{byLabel: map[string]int{}, taken: map[*piece]bool{}}
	if o.agency >= 0 {
		g.planAgency(o, pl)
	} else {
		g.planOutlet(o, pl)
	}
	slices.SortStableFunc(pl.out, func(a, b planned) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return strings.Compare(a.p.story, b.p.story)
	})
	return pl.out
}

// planAgency: an agency's site runs its own stories, each on one page
// updated in place, or (Reuters-like and national agencies) the last few
// versions of its running story on a page each.
func (g *eventGen) planAgency(o *pub, pl *planner) {
	for _, s := range g.wire {
		if s.agency != o.agency {
			continue
		}
		last := s.versions[len(s.versions)-1]
		switch {
		case s.kind == KindBulletin:
			pl.out = append(pl.out, planned{p: last, at: last.at.Add(time.Minute)})
		case o.inPlace || s.kind == KindFollowUp:
			pl.out = append(pl.out, planned{p: last, at: s.versions[0].at, updated: last.at})
		default:
			for _, v := range s.versions[max(0, len(s.versions)-4):] {
				pl.out = append(pl.out, planned{p: v, at: v.at.Add(time.Minute)})
			}
		}
	}
}

// planOutlet fills an outlet's budget: mostly copies of its agencies'
// running stories, some follow-ups and bulletins, a few stories of its
// own, and a live page's snapshots if it keeps one.
func (g *eventGen) planOutlet(o *pub, pl *planner) {
	ev, r := g.ev, o.r
	for range o.budget {
		switch k := r.IntN(100); {
		case k < 66:
			g.pickUp(o, KindRunning, pl)
		case k < 78:
			g.pickUp(o, KindFollowUp, pl)
		case k < 84:
			g.pickUp(o, KindBulletin, pl)
		case k < 91:
			t := ev.quake.Add(time.Duration(6+r.IntN(30)) * time.Hour)
			pl.out = append(pl.out, planned{p: g.local(o, t), at: t})
		case k < 97:
			t := ev.quake.Add(time.Duration(8+r.IntN(28)) * time.Hour)
			pl.out = append(pl.out, planned{p: g.analysis(o, t), at: t})
		default: // the next morning where the outlet is
			d := ev.quake.In(o.zone).Add(24 * time.Hour)
			t := time.Date(d.Year(), d.Month(), d.Day(), 6+r.IntN(3), r.IntN(60), 0, 0, o.zone).UTC()
			pl.out = append(pl.out, planned{p: g.roundup(o, t), at: t})
		}
	}
	if o.live {
		for _, p := range g.snapshots(o) {
			pl.out = append(pl.out, planned{p: p, at: p.at})
		}
	}
}

// pickUp adds o's copy of a story of kind from one of its agencies (the
// main one mostly): the version current some minutes to hours before the
// outlet publishes it. It tries again when the outlet already ran that
// version.
func (g *eventGen) pickUp(o *pub, kind Kind, pl *planner) {
	for range 4 {
		if g.pickUpOnce(o, kind, pl) {
			return
		}
	}
}

func (g *eventGen) pickUpOnce(o *pub, kind Kind, pl *planner) bool {
	r := o.r
	s := g.source(o, kind)
	first, last := s.versions[0].at, s.versions[len(s.versions)-1].at
	at := first.Add(time.Duration(r.Float64() * float64(last.Add(3*time.Hour).Sub(first))))
	lag := lagOf(r)
	v := s.latest(at.Add(-lag))
	if v == nil {
		v, at = s.versions[0], s.versions[0].at.Add(lag)
	}
	at = at.Truncate(time.Second)
	if i, ok := pl.byLabel[s.label]; ok && o.inPlace {
		// one page: first published at the earliest pickup, showing the
		// newest version since the latest
		e := &pl.out[i]
		if v.ver > e.p.ver {
			e.p = v
		}
		last := latest(latest(at, e.at), e.updated)
		if at.Before(e.at) {
			e.at = at
		}
		if last.After(e.at) {
			e.updated = last
		}
		return true
	}
	if pl.taken[v] {
		return false
	}
	pl.taken[v] = true
	pl.byLabel[s.label] = len(pl.out)
	pl.out = append(pl.out, planned{p: v, at: at, copy: true})
	return true
}

// source picks the story of kind an outlet copies: mostly one of its
// main agency's, else one of its other agencies', now and then any.
func (g *eventGen) source(o *pub, kind Kind) *wireStory {
	r := o.r
	var mine, any []*wireStory
	for _, s := range g.wire {
		if s.kind == kind {
			any = append(any, s)
			if slices.Contains(o.subs, s.agency) {
				mine = append(mine, s)
			}
		}
	}
	if len(mine) > 0 && r.IntN(10) > 0 {
		any = mine
		if main := filterMain(mine, o.subs[0]); len(main) > 0 && r.IntN(10) < 7 {
			any = main
		}
	}
	return any[r.IntN(len(any))]
}

func filterMain(ss []*wireStory, agency int) []*wireStory {
	var out []*wireStory
	for _, s := range ss {
		if s.agency == agency {
			out = append(out, s)
		}
	}
	return out
}

// lagOf is how long after an agency sends a version an outlet runs it:
// minutes mostly, hours now and then.
func lagOf(r *rand.Rand) time.Duration {
	return min(5*time.Hour, 2*time.Minute+time.Duration(r.ExpFloat64()*float64(35*time.Minute)))
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
