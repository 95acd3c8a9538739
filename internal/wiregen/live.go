package wiregen

import (
	"fmt"
	"time"
)

// post is one timestamped entry of a live page.
type post struct {
	at    time.Time
	paras []string
}

// livePosts writes the posts of outlet o's live page through the day of
// the quake: figures as they come, the agencies' leads, press conference
// quotes, residents, photos.
func (g *eventGen) livePosts(o *pub) []post {
	ev, r := g.ev, o.r
	var out []post
	for t := ev.quake.Add(40 * time.Minute); t.Before(ev.quake.Add(21 * time.Hour)); t = t.Add(time.Duration(15+r.IntN(50)) * time.Minute) {
		f := ev.at(t)
		var ps []string
		switch k := r.IntN(6); {
		case k == 0:
			ps = append(ps, fmt.Sprintf("The death toll has risen to %s, the %s says. At least %s people are injured.", count(f.dead), ev.authority, count(f.injured)))
		case k == 1:
			if _, v := g.wireParas(o, KindRunning, t); v != nil {
				ps = append(ps, fmt.Sprintf("%s reports:", v.author), v.paras[v.lead])
			}
		case k == 2:
			if b, ok := ev.lastBriefing(t); ok {
				ps = append(ps, quoteOf(b.quotes[r.IntN(len(b.quotes))], b.speaker, r.IntN(4), r, clock(b.at.In(ev.zone))))
			}
		case k == 3:
			x := ev.witnesses[r.IntN(len(ev.witnesses))]
			ps = append(ps, fmt.Sprintf("%s, %s in %s, told our correspondent: \"%s\"", x.name, x.job, x.town, x.quote))
		case k == 4:
			ps = append(ps, ev.photos[r.IntN(len(ev.photos))].text)
		}
		ps = append(ps, g.filler(r, 1+r.IntN(2)))
		out = append(out, post{at: t.Truncate(time.Minute), paras: ps})
	}
	return out
}

// snapshots are the live page as read at three to five times: each a
// story of its own, the newest posts on top and the oldest dropped.
func (g *eventGen) snapshots(o *pub) []*piece {
	ev, r := g.ev, o.r
	posts := g.livePosts(o)
	times := spread(r, ev.quake.Add(3*time.Hour), ev.quake.Add(20*time.Hour), 3+r.IntN(3))
	var out []*piece
	for _, t := range times {
		f := ev.at(t)
		p := g.ownPiece(o, KindLive, t, fmt.Sprintf("%s earthquake live: toll rises to %s as rescuers search rubble", ev.country, count(f.dead)))
		p.paras = append(p.paras, "Key points",
			fmt.Sprintf("At least %s people have been killed and %s injured.", count(f.dead), count(f.injured)),
			fmt.Sprintf("The magnitude %.1f quake struck at %s local time.", ev.magnitude, clock(ev.quake.In(ev.zone))),
			fmt.Sprintf("%s buildings have collapsed, the %s says.", upperFirst(count(f.collapsed)), ev.authority))
		shown := 0
		for i := len(posts) - 1; i >= 0 && shown < 14; i-- {
			if posts[i].at.After(t) {
				continue
			}
			p.paras = append(p.paras, clock(posts[i].at.In(o.zone)))
			p.paras = append(p.paras, posts[i].paras...)
			shown++
		}
		out = append(out, p)
	}
	return out
}
