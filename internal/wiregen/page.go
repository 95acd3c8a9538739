package wiregen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// feeds renders every outlet's plan into its feed.
func (g *eventGen) feeds() []EventFeed {
	out := make([]EventFeed, 0, len(g.outlets))
	for i, o := range g.outlets {
		f := EventFeed{Name: o.name, Title: o.title, Host: o.host, Format: o.format, Agency: o.agency >= 0}
		var titles []string
		ids := map[int]bool{}
		for j, pl := range g.plan(o) {
			r := rand.New(rand.NewPCG(g.spec.Seed, seedOf("page", i, j)))
			it := g.render(o, pl, titles, r)
			id := 10000 + r.IntN(890000)
			for ids[id] {
				id++
			}
			ids[id] = true
			it.Link, it.GUID = o.link(it.Title, pl.at, id)
			f.Items = append(f.Items, it)
			titles = append([]string{it.Title}, titles...)
		}
		slices.SortStableFunc(f.Items, func(a, b EventItem) int { return b.Published.Compare(a.Published) })
		out = append(out, f)
	}
	return out
}

// render writes outlet o's page for a planned item: the headline, the
// copy as the outlet runs it, and the page's furniture.
func (g *eventGen) render(o *pub, pl planned, earlier []string, r *rand.Rand) EventItem {
	p := pl.p
	it := EventItem{Title: p.headline, Story: p.story, Kind: p.kind, Version: p.ver,
		Published: pl.at.UTC().Truncate(time.Second)}
	if !pl.updated.IsZero() && pl.updated.After(pl.at) {
		it.Updated = pl.updated.UTC().Truncate(time.Second)
	}
	paras, lead := p.paras, p.lead
	dateline, signOff := p.dateline != "", p.signOff != ""
	if pl.copy {
		it.Title = g.retitle(o, p, r)
		paras = g.copyEdit(o, paras, lead, r)
		dateline = dateline && r.IntN(100) < o.dateline
		signOff = signOff && r.IntN(100) < o.signOff && len(paras) == len(p.paras)
	}
	it.Paras = paras
	byline := bylineOf(o, p)
	if len(p.byline) > 0 {
		it.Author = strings.Join(p.byline, " and ")
	}
	var body strings.Builder
	for i, s := range paras {
		if i == lead && dateline {
			s = p.dateline + s
		}
		body.WriteString(paraHTML(s))
		if o.style.inter > 0 && (i == 2 || i == 7) && i < len(paras)-1 {
			body.WriteString(g.interstitial(o, pl.at, r, earlier))
		}
	}
	if signOff {
		body.WriteString(paraHTML(p.signOff))
	}
	if o.summary && pl.copy {
		it.HTML, it.Summary = body.String(), body.String()
		return it
	}
	pg := &page{o: o, title: it.Title, at: it.Published, upd: it.Updated, byline: byline, photo: p.photo,
		words: len(strings.Fields(strings.Join(paras, " "))), latest: append(earlier, o.style.other...),
		related: g.related(pl.at, r), comments: r.IntN(400), r: r}
	it.HTML = g.furnish(o.style.head, pg) + body.String() + g.furnish(o.style.tail, pg)
	if o.style.description && o.format != Atom {
		it.Summary = escapeText(teaser(paras[lead], 180))
	}
	return it
}

// furnish writes the furniture of slots that show on this page.
func (g *eventGen) furnish(slots []slot, pg *page) string {
	var b strings.Builder
	for _, s := range slots {
		if pg.r.IntN(100) < s.pct {
			b.WriteString(g.block(s.kind, pg))
		}
	}
	return b.String()
}

// paraHTML is a paragraph, or a subheading when it is a short line
// without a full stop.
func paraHTML(s string) string {
	if len(strings.Fields(s)) < 8 && !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "\"") {
		return "<h2>" + escapeText(s) + "</h2>\n"
	}
	return "<p>" + escapeText(s) + "</p>\n"
}

// teaser is s cut at a word boundary to about n bytes, with an ellipsis.
func teaser(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if i := strings.LastIndexByte(s[:n], ' '); i > 0 {
		n = i
	}
	return s[:n] + " ..."
}

// interstitial is a block an outlet puts between paragraphs: an
// advertisement label or a link to another story.
func (g *eventGen) interstitial(o *pub, at time.Time, r *rand.Rand, earlier []string) string {
	switch o.style.inter {
	case 1:
		return "<p>Advertisement</p>"
	case 2:
		if rel := g.related(at, r); len(rel) > 0 {
			return "<p>RELATED: " + escapeText(rel[0]) + "</p>"
		}
	}
	if len(earlier) > 0 {
		return "<p>READ MORE: " + escapeText(earlier[0]) + "</p>"
	}
	return "<p>Story continues below advertisement</p>"
}

// related is three headlines of agency stories sent before t.
func (g *eventGen) related(t time.Time, r *rand.Rand) []string {
	var hs []string
	for _, s := range g.wire {
		if v := s.latest(t); v != nil && !slices.Contains(hs, v.headline) {
			hs = append(hs, v.headline)
		}
	}
	r.Shuffle(len(hs), func(i, j int) { hs[i], hs[j] = hs[j], hs[i] })
	return hs[:min(3, len(hs))]
}

// bylineOf is the byline line of a page in the outlet's format.
func bylineOf(o *pub, p *piece) string {
	names := strings.Join(p.byline, " and ")
	switch {
	case names == "":
		return p.author
	case o.agency >= 0 || o.style.bylineFmt == 0:
		return fmt.Sprintf("By %s, %s", names, p.author)
	case o.style.bylineFmt == 1:
		return fmt.Sprintf("By %s | %s", names, p.author)
	case o.style.bylineFmt == 2:
		return "By " + strings.ToUpper(names)
	}
	return p.author
}
