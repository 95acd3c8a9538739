package wiregen

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// retitle is an outlet's headline for its copy of an agency story: kept,
// rewritten with the figures of the version, signed, or flagged.
func (g *eventGen) retitle(o *pub, p *piece, r *rand.Rand) string {
	ev, h := g.ev, p.headline
	if i := strings.Index(h, "-"); strings.HasPrefix(h, "UPDATE ") && i > 0 && r.IntN(2) == 0 {
		h = h[i+1:]
	}
	switch k := r.IntN(100); {
	case k < 40:
		return h
	case k < 65 && p.kind == KindRunning && p.ver > 0:
		f := ev.at(p.at)
		switch r.IntN(5) {
		case 0:
			return fmt.Sprintf("%s earthquake: death toll climbs to %s", ev.country, count(f.dead))
		case 1:
			return fmt.Sprintf("At least %s dead after powerful quake rocks %s", count(f.dead), ev.country)
		case 2:
			return fmt.Sprintf("%s quake: Rescuers search for survivors as toll hits %s", ev.country, count(f.dead))
		case 3:
			return fmt.Sprintf("Powerful %.1f magnitude earthquake hits %s", ev.magnitude, ev.country)
		}
		return fmt.Sprintf("Hundreds injured as earthquake strikes %s", ev.province)
	case k < 80:
		return h + pick(r, []string{" | ", " - ", " – "}) + o.title
	case k < 88 && p.kind == KindRunning && p.ver < 3:
		return "BREAKING: " + h
	case k < 94:
		return titleCase(h)
	}
	return h
}

// titleCase capitalises every word, as some outlets' headlines do.
func titleCase(s string) string {
	ws := strings.Fields(s)
	for i, w := range ws {
		ws[i] = upperFirst(w)
	}
	return strings.Join(ws, " ")
}

// copyEdit is the body an outlet runs: the first paragraphs only for a
// summary feed, else the full copy, trimmed at the end now and then, with
// a paragraph dropped or a word changed.
func (g *eventGen) copyEdit(o *pub, paras []string, lead int, r *rand.Rand) []string {
	if o.summary {
		return paras[:min(len(paras), lead+1+r.IntN(3))]
	}
	out := append([]string(nil), paras...)
	keep := lead + 2
	if r.IntN(100) < 30 && len(out) > keep {
		out = out[:max(keep, len(out)-1-r.IntN(5))]
	}
	if r.IntN(100) < 12 && len(out) > keep+1 {
		i := keep + r.IntN(len(out)-keep)
		out = append(out[:i], out[i+1:]...)
	}
	if r.IntN(100) < 20 {
		i := r.IntN(len(out))
		ws := strings.Fields(out[i])
		if j := r.IntN(len(ws)); len(ws[j]) > 3 && strings.ToLower(ws[j]) == ws[j] {
			ws[j] = pick(r, g.lx.adjs)
			out[i] = strings.Join(ws, " ")
		}
	}
	return out
}

// link is the page's link and GUID in the outlet's formats.
func (o *pub) link(title string, at time.Time, id int) (link, guid string) {
	slug := strings.Join(strings.Split(slugOf(title), "-")[:min(7, len(strings.Split(slugOf(title), "-")))], "-")
	d := at.In(o.zone)
	var path string
	switch o.path {
	case 0:
		path = fmt.Sprintf("/news/world/%04d/%02d/%02d/%s-%d", d.Year(), d.Month(), d.Day(), slug, id)
	case 1:
		path = fmt.Sprintf("/world/%s-%d/", slug, id)
	case 2:
		path = fmt.Sprintf("/article/%s-%x", slug, id*2654435761%4294967296)
	case 3:
		path = fmt.Sprintf("/%04d/%02d/%02d/world/%s-%d.html", d.Year(), d.Month(), d.Day(), slug, id)
	default:
		path = fmt.Sprintf("/story/%s_%d", slug, id)
	}
	link = "https://" + o.host + path
	switch o.style.guid {
	case 0:
		guid = link
	case 1:
		guid = fmt.Sprintf("urn:%s:%d", o.host, id)
	default:
		guid = fmt.Sprintf("tag:%s,%d:%d", o.host, d.Year(), id)
	}
	if o.style.query {
		link += "?utm_source=rss&utm_medium=feed"
	}
	return link, guid
}
