package wiregen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// An outlet's own stories about the event share its cast with the wire
// copy (the place, the officials, the press conferences, paragraphs
// quoted from the agencies) but are stories of their own.

// ownPiece starts a story of outlet o.
func (g *eventGen) ownPiece(o *pub, kind Kind, t time.Time, headline string) *piece {
	o.made++
	return &piece{story: fmt.Sprintf("%s-%s-%d", o.name, kind, o.made), kind: kind, at: t, author: o.title,
		headline: headline, byline: []string{pick(o.r, g.lx.given) + " " + pick(o.r, g.lx.surnames)}, photo: o.r.IntN(len(g.ev.photos))}
}

// filler is n sentences of the event's invented words.
func (g *eventGen) filler(r *rand.Rand, n int) string {
	c := g.ev.cast
	c.place = pick(r, append([]string{g.ev.city}, g.ev.towns...))
	var s []string
	for len(s) < n {
		x := g.lx.colour(r, &c)
		if !slices.ContainsFunc(s, func(y string) bool { return x[:10] == y[:10] }) {
			s = append(s, x)
		}
	}
	return strings.Join(s, " ")
}

// wireParas returns the paragraphs of the newest version before t of a
// story of one of o's agencies, with its lead index.
func (g *eventGen) wireParas(o *pub, kind Kind, t time.Time) (*wireStory, *piece) {
	var ss []*wireStory
	for _, s := range g.wire {
		if s.kind == kind && slices.Contains(o.subs, s.agency) && s.latest(t) != nil {
			ss = append(ss, s)
		}
	}
	if len(ss) == 0 {
		return nil, nil
	}
	s := ss[o.r.IntN(len(ss))]
	return s, s.latest(t)
}

var analysisHeads = []string{"What we know about the %s earthquake", "Why were so many buildings destroyed in %s?",
	"Explainer: How strong was the %s quake and what comes next?", "Analysis: %s quake exposes gaps in building rules"}

var analysisIntros = []string{
	"The earthquake that struck %s before dawn on %s was among the deadliest in a generation. Here is what we know so far about the %s.",
	"Seismologists had long warned that %s was overdue. On %s the warning came true, and questions about the %s are now being asked.",
	"Why did so many buildings fall in %s on %s? Experts point to old construction and the %s beneath the region.",
	"As %s counts its dead after %s's earthquake, we look at the science, the history and the %s behind the disaster.",
}

var subheads = []string{"What happened?", "Why was it so deadly?", "What happens next?", "How strong was it?",
	"Could it happen again?", "Who is helping?", "What do experts say?", "Were the buildings safe?", "How can I help?"}

// pickN returns n different elements of xs in a random order.
func pickN(r *rand.Rand, xs []string, n int) []string {
	out := append([]string(nil), xs...)
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out[:n]
}

// analysis is an explainer quoting the running story's lead and facts
// word for word and an agency's background paragraph.
func (g *eventGen) analysis(o *pub, t time.Time) *piece {
	ev, r := g.ev, o.r
	p := g.ownPiece(o, KindAnalysis, t, fmt.Sprintf(pick(r, analysisHeads), ev.country))
	heads := pickN(r, subheads, 3)
	intro := fmt.Sprintf(pick(r, analysisIntros), ev.province, day(ev.quake.In(ev.zone)), pick(r, g.lx.nouns))
	p.paras = append(p.paras, g.filler(r, 1)+" "+intro, heads[0])
	if _, v := g.wireParas(o, KindRunning, t); v != nil {
		p.paras = append(p.paras, v.paras[v.lead])
		if i := len(v.paras) / 2; i > v.lead {
			p.paras = append(p.paras, v.paras[i])
		}
	}
	p.paras = append(p.paras, heads[1], g.filler(r, 2),
		fmt.Sprintf("\"%s,\" said %s, a seismologist at the %s.", strings.TrimSuffix(g.lx.quote(r, false), "."),
			pick(r, g.lx.given)+" "+pick(r, g.lx.surnames), pick(r, g.lx.orgs)))
	if c := g.chains[o.subs[0]]; r.IntN(2) == 0 {
		if i := slices.IndexFunc(c.list, func(p *para) bool { return p.kind == kBackground }); i >= 0 {
			p.paras = append(p.paras, c.list[i].render(ev, g.lx))
		}
	}
	p.paras = append(p.paras, heads[2], g.filler(r, 2+r.IntN(2)), g.filler(r, 2))
	return p
}

var localHeads = []string{"%s families wait for news of relatives after %s quake", "%s charity sends aid to %s quake victims",
	"'We could not reach them': %s residents with family in %s", "%s rescue volunteers fly out to %s"}

// localLeads are the first paragraphs of local stories: the home town,
// the stricken country, a weekday, an invented noun, the province.
var localLeads = []string{
	"Members of %s's %s community gathered on %s to collect %ss and blankets for survivors of the earthquake in %s.",
	"For families in %s with relatives in %s, %s was a day of waiting by the phone. Some had heard nothing since the %s market collapsed in %s.",
	"A team of volunteers from %s flew to %s on %s with %ss, tents and medical supplies for the worst-hit villages of %s.",
	"Schools in %s held a minute's silence for the victims of the earthquake in %s on %s, and pupils began a collection of %ss for children in %s.",
	"The mayor of %s offered help to %s on %s, saying the town's %s teams were ready to leave for %s within hours.",
}

// local is an outlet's story on its home town's angle, with a quote from
// a press conference every agency carried.
func (g *eventGen) local(o *pub, t time.Time) *piece {
	ev, r := g.ev, o.r
	home := strings.Fields(o.title)[0]
	p := g.ownPiece(o, KindLocal, t, fmt.Sprintf(pick(r, localHeads), home, ev.country))
	f := ev.at(t)
	p.paras = append(p.paras,
		fmt.Sprintf(pick(r, localLeads), home, ev.country, day(t.In(ev.zone)), pick(r, g.lx.nouns), ev.province),
		g.filler(r, 2),
		fmt.Sprintf("The earthquake has killed at least %s people, according to the %s.", count(f.dead), ev.authority))
	if b, ok := ev.lastBriefing(t); ok {
		p.paras = append(p.paras, quoteOf(b.quotes[r.IntN(len(b.quotes))], b.speaker, r.IntN(4), r, clock(b.at.In(ev.zone))))
	}
	for range 1 + r.IntN(3) {
		p.paras = append(p.paras, g.filler(r, 2+r.IntN(2)))
	}
	return p
}

// roundup is a morning briefing that quotes the lead of two different
// stories and adds other news.
func (g *eventGen) roundup(o *pub, t time.Time) *piece {
	ev, r := g.ev, o.r
	p := g.ownPiece(o, KindRoundup, t, fmt.Sprintf("Morning briefing: %s quake, %s %s and more", ev.country, pick(r, g.lx.nouns), pick(r, g.lx.nouns)))
	p.paras = append(p.paras, fmt.Sprintf("Good morning. Here is what you need to know on %s.", day(t.In(o.zone))))
	a, va := g.wireParas(o, KindRunning, t)
	_, vb := g.wireParas(o, KindFollowUp, t)
	for _, s := range g.wire[:len(g.agencies)] {
		if vb == nil && s != a && s.latest(t) != nil {
			vb = s.latest(t)
		}
	}
	for _, v := range []*piece{va, vb} {
		if v != nil {
			p.paras = append(p.paras, v.headline, v.paras[v.lead])
		}
	}
	for range 2 + r.IntN(2) {
		c := g.lx.newCast(r)
		p.paras = append(p.paras, g.lx.headline(r, &c), g.lx.sentence(r, &c)+" "+g.lx.sentence(r, &c))
	}
	p.paras = append(p.paras, "That's it for today. See you tomorrow.")
	return p
}
