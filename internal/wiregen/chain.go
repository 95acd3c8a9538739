package wiregen

import (
	"slices"
	"time"
)

// piece is one version of a story as its author sent it: plain text
// paragraphs, the dateline going in front of paragraph lead.
type piece struct {
	story    string
	kind     Kind
	ver      int
	at       time.Time
	headline string
	dateline string
	lead     int
	paras    []string
	signOff  string
	byline   []string
	author   string // the agency or outlet
	photo    int    // index into event.photos, or -1
}

// chain is an agency's running story being written through: the
// paragraphs of its latest version and what it has used so far.
type chain struct {
	w        *writer
	a        *agency
	list     []*para
	angle    int
	used     map[pkind]int
	quotes   map[int]int // briefing → quotes used
	witness  int
	place    string
	maxLen   int
	headline string
	photo    int
}

// running writes the versions of agency a's running story, one at each
// of times: an early brief growing into the full story through
// write-throughs.
func (w *writer) running(a *agency, label string, kind Kind, times []time.Time) (*chain, []*piece) {
	c := &chain{w: w, a: a, used: map[pkind]int{}, quotes: map[int]int{}, place: w.ev.city,
		maxLen: 14 + w.r.IntN(9), witness: a.style, photo: w.r.IntN(len(w.ev.photos))}
	var out []*piece
	for k, t := range times {
		c.step(k, t)
		out = append(out, c.piece(label, kind, k, t))
	}
	return c, out
}

// step turns the previous version into version k, written at t.
func (c *chain) step(k int, t time.Time) {
	w, r := c.w, c.w.r
	switch k {
	case 0:
		c.list = []*para{w.lead(0, t)}
		if r.IntN(5) < 2 {
			c.list = append(c.list, w.framed(kQuake, t))
		}
		return
	case 1:
		// the brief grows: its lead is kept, or a lead with the first
		// toll goes over it and it becomes the second paragraph
		if r.IntN(2) == 0 {
			c.angle = 1
			c.list[0].kind = kOldLead
			c.list = slices.Insert(c.list, 0, w.lead(1, t))
		}
		if c.a.style == 0 || c.a.style == 4 {
			c.list = append([]*para{w.note(t, c.a.name)}, c.list...)
		}
		c.insert(t, 2+r.IntN(2))
		return
	}
	if c.list[0].kind == kNote && (k > 2 || r.IntN(2) == 0) {
		c.list = c.list[1:]
	}
	if r.IntN(100) < 45 {
		c.newLead(t)
	}
	c.insert(t, 1+btoi(r.IntN(100) < 35)+btoi(len(c.list) < c.maxLen-4))
	c.trim()
	c.refresh(t)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// leadAngles are the angles a new lead can take, with the hours after
// the quake from which each makes sense.
var leadAngles = []struct {
	angle int
	after float64
}{{2, 1}, {3, 3}, {4, 5}, {5, 7}, {6, 12}, {7, 14}}

// newLead writes a new lead over the body; the old lead moves down to
// paragraph 2 to 4 or is dropped.
func (c *chain) newLead(t time.Time) {
	r, h := c.w.r, t.Sub(c.w.ev.quake).Hours()
	var free []int
	for _, a := range leadAngles {
		if a.after <= h && a.angle != c.angle {
			free = append(free, a.angle)
		}
	}
	if len(free) == 0 {
		return
	}
	c.angle = free[r.IntN(len(free))]
	at := slices.IndexFunc(c.list, func(p *para) bool { return p.kind == kLead })
	old := c.list[at]
	c.list = slices.Delete(c.list, at, at+1)
	if r.IntN(100) < 60 {
		old.kind = kOldLead
		pos := min(len(c.list), at+1+r.IntN(3))
		c.list = slices.Insert(c.list, pos, old)
	}
	c.list = slices.Insert(c.list, at, c.w.lead(c.angle, t))
	if r.IntN(100) < 10 {
		c.place = pick(r, c.w.ev.towns)
	}
	if r.IntN(3) == 0 {
		c.photo = r.IntN(len(c.w.ev.photos))
	}
}

// insert adds n paragraphs below the lead: quotes, colour, figures and,
// once, the background paragraph near the end.
func (c *chain) insert(t time.Time, n int) {
	r := c.w.r
	for range n {
		p := c.fresh(t)
		if p == nil {
			return
		}
		first := slices.IndexFunc(c.list, func(p *para) bool { return p.kind == kLead }) + 1
		pos := first + r.IntN(len(c.list)-first+1)
		if p.kind == kBackground || p.kind == kAid {
			pos = max(first, len(c.list)-r.IntN(2))
		}
		c.list = slices.Insert(c.list, pos, p)
	}
}

// fresh writes a paragraph the story does not have yet.
func (c *chain) fresh(t time.Time) *para {
	w, r, ev := c.w, c.w.r, c.w.ev
	h := t.Sub(ev.quake).Hours()
	once := func(k pkind, after float64) bool { return c.used[k] == 0 && h >= after }
	var opts []func() *para
	add := func(ok bool, f func() *para) {
		if ok {
			opts = append(opts, f)
		}
	}
	add(once(kQuake, 0), func() *para { return w.framed(kQuake, t) })
	add(once(kToll, 0.5), func() *para { return w.framed(kToll, t) })
	add(once(kBuildings, 1), func() *para { return w.framed(kBuildings, t) })
	add(once(kAftershocks, 2), func() *para { return w.framed(kAftershocks, t) })
	add(once(kDisplaced, 6), func() *para { return w.framed(kDisplaced, t) })
	add(once(kHospital, 1.5), func() *para { return w.hospital(t) })
	add(c.used[kAid] < 2 && h >= 3, func() *para { return w.aid(t) })
	add(once(kBackground, 1), func() *para { return w.framed(kBackground, t) })
	add(true, func() *para { return w.rescue(t) })
	add(c.used[kWitness] < 3, func() *para { c.witness += 5; return w.witness(t, c.witness) })
	if i := c.briefingAt(t); i >= 0 && c.quotes[i] < len(ev.briefings[i].quotes) {
		for range 2 { // a fresh press conference is what write-throughs quote first
			opts = append(opts, func() *para { c.quotes[i]++; return w.quotePara(t, ev.briefings[i], c.quotes[i]-1) })
		}
	}
	p := opts[r.IntN(len(opts))]()
	c.used[p.kind]++
	return p
}

// briefingAt is the index of the last press conference before t, or -1.
func (c *chain) briefingAt(t time.Time) int {
	i := -1
	for j, b := range c.w.ev.briefings {
		if b.at.Before(t) {
			i = j
		}
	}
	return i
}

// trim drops paragraphs from the end (and now and then the middle) and
// swaps a pair, as a desk keeps a story to length.
func (c *chain) trim() {
	r := c.w.r
	for len(c.list) > c.maxLen {
		c.list = c.list[:len(c.list)-1-r.IntN(2)]
	}
	if len(c.list) > 4 && r.IntN(100) < 25 {
		c.list = c.list[:len(c.list)-1]
	}
	if len(c.list) > 5 && r.IntN(100) < 12 {
		i := 2 + r.IntN(len(c.list)-2)
		c.list = slices.Delete(c.list, i, i+1)
	}
	if len(c.list) > 5 && r.IntN(100) < 25 {
		i := 2 + r.IntN(len(c.list)-3)
		c.list[i], c.list[i+1] = c.list[i+1], c.list[i]
	}
	if len(c.list) > 2 && r.IntN(100) < 30 {
		c.list[1+r.IntN(len(c.list)-1)].edits++
	}
}

// refresh brings the figures of the story up to t: always in the lead,
// mostly elsewhere.
func (c *chain) refresh(t time.Time) {
	r := c.w.r
	for _, p := range c.list {
		if p.figures() && (p.kind == kLead || r.IntN(100) < 40) {
			p.asOf = t
		}
	}
}

// piece renders version k.
func (c *chain) piece(label string, kind Kind, k int, t time.Time) *piece {
	ev := c.w.ev
	p := &piece{story: label, kind: kind, ver: k, at: t, author: c.a.name, photo: c.photo,
		dateline: c.a.dateline(c.place, ev.country, t.In(ev.zone)),
		byline:   c.a.byline(k), signOff: c.a.signOff(k, ev)}
	for i, q := range c.list {
		if q.kind == kLead && p.lead == 0 && c.list[0].kind == kNote {
			p.lead = i
		}
		p.paras = append(p.paras, q.render(ev, c.w.lx))
	}
	if k == 0 || c.a.style == 1 || c.w.r.IntN(100) < 80 {
		c.headline = c.a.headline(k, ev, ev.at(t), c.angle)
	}
	p.headline = c.headline
	return p
}
