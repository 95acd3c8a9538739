package wiregen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"
)

// eventGen builds an event corpus: first what the agencies write, then
// what every outlet publishes.
type eventGen struct {
	spec     EventSpec
	lx       *lexicon
	ev       *event
	agencies []*agency
	writers  []*writer
	chains   []*chain
	wire     []*wireStory // every agency story, running ones first
	outlets  []*pub
}

// wireStory is an agency story and its versions, oldest first.
type wireStory struct {
	agency   int
	label    string
	kind     Kind
	versions []*piece
}

// latest returns the newest version sent at or before t, or nil.
func (s *wireStory) latest(t time.Time) *piece {
	var p *piece
	for _, v := range s.versions {
		if v.at.After(t) {
			break
		}
		p = v
	}
	return p
}

func (g *eventGen) rng(parts ...any) *rand.Rand {
	return rand.New(rand.NewPCG(g.spec.Seed, seedOf(parts...)))
}

func newEventGen(spec EventSpec) *eventGen {
	g := &eventGen{spec: spec, lx: newLexicon(spec.Seed ^ 0xe7e)}
	g.ev = g.lx.newEvent(g.rng("event"), spec.Day)
	for i := range spec.Agencies {
		r := g.rng("agency", i)
		a := g.lx.newAgency(i, r)
		g.agencies = append(g.agencies, a)
		g.writers = append(g.writers, &writer{lx: g.lx, ev: g.ev, style: a.style, voice: i, house: newHouse(r), r: r})
	}
	for i := range g.ev.photos {
		g.ev.photos[i].agency = g.agencies[i%len(g.agencies)].code
	}
	return g
}

// write has every agency write its running story through the day of the
// quake, its follow-ups the next day, and one agency the bulletins.
func (g *eventGen) write() {
	ev := g.ev
	for i, a := range g.agencies {
		w := g.writers[i]
		n := g.spec.Versions
		if i > 0 {
			n = max(5, int(float64(n)*(0.3+0.4*w.r.Float64())))
		}
		end := ev.quake.Add(time.Duration(17+w.r.IntN(6)) * time.Hour)
		times := spread(w.r, ev.quake.Add(time.Duration(6+w.r.IntN(15))*time.Minute), end, n)
		c, vs := w.running(a, slugOf(a.name)+"-running", KindRunning, times)
		g.chains = append(g.chains, c)
		g.wire = append(g.wire, &wireStory{agency: i, label: vs[0].story, kind: KindRunning, versions: vs})
	}
	next := ev.quake.In(ev.zone).Add(24 * time.Hour)
	nextDay := time.Date(next.Year(), next.Month(), next.Day(), 0, 0, 0, 0, ev.zone)
	angle := 0
	for i, a := range g.agencies {
		w := g.writers[i]
		for j := range 1 + btoi(i < 2 && g.spec.Agencies > 3) {
			angle = (angle + 1) % 7
			start := nextDay.Add(time.Duration(6*60+w.r.IntN(9*60)) * time.Minute).UTC()
			times := spread(w.r, start, start.Add(time.Duration(1+w.r.IntN(4))*time.Hour), 1+w.r.IntN(3))
			label := fmt.Sprintf("%s-followup-%d", slugOf(a.name), j+1)
			g.wire = append(g.wire, &wireStory{agency: i, label: label, kind: KindFollowUp, versions: w.followUp(g.chains[i], label, angle, times)})
		}
	}
	b := g.bulletinAgency()
	for n, h := range []float64{12, 18, 32, 38, 44}[:3+btoi(g.spec.Agencies > 3)*2] {
		at := nextDay.Add(time.Duration((h - 24) * float64(time.Hour))).UTC()
		p := g.writers[b].bulletin(g.agencies[b], n+1, at)
		g.wire = append(g.wire, &wireStory{agency: b, label: p.story, kind: KindBulletin, versions: []*piece{p}})
	}
}

// bulletinAgency is the national agency if there is one, else the first.
func (g *eventGen) bulletinAgency() int {
	for i, a := range g.agencies {
		if a.style == 3 {
			return i
		}
	}
	return 0
}

// spread returns n increasing times from start to end, closer together
// early on, as write-throughs come fastest in the first hours.
func spread(r *rand.Rand, start, end time.Time, n int) []time.Time {
	out := make([]time.Time, n)
	span := float64(end.Sub(start))
	for k := range out {
		x := 0.0
		if n > 1 {
			x = float64(k) / float64(n-1)
		}
		jitter := (r.Float64() - 0.5) * 0.3 / float64(n)
		out[k] = start.Add(time.Duration(span * math.Pow(min(1, max(0, x+jitter*btof(k > 0 && k < n-1))), 1.6)))
		if k > 0 && !out[k].After(out[k-1]) {
			out[k] = out[k-1].Add(3 * time.Minute)
		}
		out[k] = out[k].Truncate(time.Second)
	}
	return out
}

func btof(b bool) float64 { return float64(btoi(b)) }

// slugOf is s lower-cased with words joined by hyphens, letters and
// digits only.
func slugOf(s string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(s) {
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(c)
			dash = false
		default:
			dash = true
		}
	}
	return b.String()
}
