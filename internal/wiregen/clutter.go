package wiregen

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// clutterKind is a block of page furniture.
type clutterKind int

const (
	cTitle      clutterKind = iota // the headline repeated
	cByline                        // "By X and Y, Agency"
	cTime                          // "Updated 3:42 p.m. EST, ..."
	cPhoto                         // a photo caption and credit
	cListen                        // "Listen to this article 4 min"
	cNewsletter                    // "Sign up for our newsletter"
	cShare                         // "Share on Facebook ..."
	cSection                       // "World | Asia"
	cAd                            // "Advertisement"
	cLatest                        // "LATEST NEWS" and links to the outlet's last items
	cRelated                       // related coverage: headlines about the event
	cDisclaimer                    // "This material may not be published..."
	cCopyright
	cComments
	cTags
)

// slot is a kind of furniture and how often it shows on a page.
type slot struct {
	kind clutterKind
	pct  int
}

// pageStyle is an outlet's page template: the furniture above and below
// the text, and its fixed wordings.
type pageStyle struct {
	head, tail                         []slot
	timeFmt, credit, bylineFmt, inter  int
	figure                             bool // captions in <figure>
	newsletter, share, copyright, tags string
	section                            string
	latestN                            int
	other                              []string // headlines of the outlet's other news
	query                              bool     // links carry tracking parameters
	guid                               int
	description                        bool // the feed gives a description besides the content
}

var newsletters = []string{"Sign up for our newsletter to get the latest news in your inbox.", "Get our free morning briefing. Subscribe now.",
	"Never miss a story: sign up for breaking news alerts.", "Want more? Get the %s daily newsletter."}
var shares = []string{"Share on Facebook Share on X Share via Email", "Email Facebook X WhatsApp", "Share this article", "Follow us on Facebook and X for the latest updates."}

// newStyle draws an outlet's page template; agencies' sites have a sober
// one.
func (g *eventGen) newStyle(o *pub, r *rand.Rand) pageStyle {
	s := pageStyle{timeFmt: r.IntN(4), credit: r.IntN(4), bylineFmt: r.IntN(4), inter: r.IntN(4), figure: r.IntN(2) == 0,
		newsletter: strings.ReplaceAll(pick(r, newsletters), "%s", o.title), share: pick(r, shares), latestN: 3 + r.IntN(3),
		copyright: fmt.Sprintf("© %d %s. All rights reserved.", g.spec.Day.Year(), o.title),
		section:   pick(r, []string{"World", "World | Europe", "News > World", "International", "WORLD NEWS"}),
		tags:      fmt.Sprintf("Topics: Earthquakes, %s, Natural disasters", g.ev.country),
		query:     r.IntN(2) == 0, guid: r.IntN(3), description: r.IntN(5) < 3}
	if o.agency >= 0 {
		s.head = []slot{{cTitle, 50}, {cByline, 90}, {cTime, 100}, {cPhoto, 80}}
		s.tail = []slot{{cRelated, 60}, {cDisclaimer, 100}}
		s.inter = 0
		return s
	}
	for _, k := range []clutterKind{cSection, cTitle, cByline, cTime, cShare, cPhoto, cListen, cNewsletter, cAd} {
		if r.IntN(100) < 45 {
			s.head = append(s.head, slot{k, 40 + r.IntN(61)})
		}
	}
	if r.IntN(2) == 0 && len(s.head) > 2 { // some put the photo first
		s.head[0], s.head[len(s.head)-1] = s.head[len(s.head)-1], s.head[0]
	}
	for _, k := range []clutterKind{cShare, cRelated, cLatest, cNewsletter, cTags, cComments, cDisclaimer, cCopyright} {
		if r.IntN(100) < 45 {
			s.tail = append(s.tail, slot{k, 60 + r.IntN(41)})
		}
	}
	for range 6 {
		c := g.lx.newCast(r)
		s.other = append(s.other, g.lx.headline(r, &c))
	}
	return s
}

// page is what a rendering of one item knows beyond the story.
type page struct {
	o        *pub
	title    string
	at, upd  time.Time
	byline   string
	photo    int
	words    int
	latest   []string // the outlet's earlier headlines, newest first
	related  []string // event headlines sent so far
	comments int
	r        *rand.Rand
}

// block writes one block of furniture, or nothing.
func (g *eventGen) block(k clutterKind, pg *page) string {
	s, r := &pg.o.style, pg.r
	switch k {
	case cTitle:
		if r.IntN(2) == 0 {
			return "<h1>" + escapeText(pg.title) + "</h1>"
		}
		return "<p><strong>" + escapeText(pg.title) + "</strong></p>"
	case cByline:
		if pg.byline == "" {
			return ""
		}
		return "<p>" + escapeText(pg.byline) + "</p>"
	case cTime:
		return "<p>" + escapeText(timeLine(s.timeFmt, pg.at, pg.upd, pg.o.zone)) + "</p>"
	case cPhoto:
		return g.caption(pg)
	case cListen:
		return fmt.Sprintf("<p>Listen to this article %d min</p>", 1+pg.words/200)
	case cNewsletter:
		return "<p>" + escapeText(s.newsletter) + "</p>"
	case cShare:
		return "<p>" + s.share + "</p>"
	case cSection:
		return "<p>" + escapeText(s.section) + "</p>"
	case cAd:
		return "<p>Advertisement</p>"
	case cLatest:
		return links("LATEST NEWS", pg.o.host, pg.latest, s.latestN)
	case cRelated:
		return links("Related coverage", pg.o.host, pg.related, 3)
	case cDisclaimer:
		return "<p>This material may not be published, broadcast, rewritten or redistributed.</p>"
	case cCopyright:
		return "<p>" + escapeText(s.copyright) + "</p>"
	case cComments:
		return fmt.Sprintf("<p>View comments (%d)</p>", pg.comments)
	}
	return "<p>" + escapeText(s.tags) + "</p>"
}

// links is a titled list of up to n headlines linking into host.
func links(title, host string, heads []string, n int) string {
	if len(heads) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<p>%s</p><ul>", title)
	for _, h := range heads[:min(n, len(heads))] {
		fmt.Fprintf(&b, `<li><a href="https://%s/news/%s">%s</a></li>`, host, slugOf(h), escapeText(h))
	}
	b.WriteString("</ul>")
	return b.String()
}

// caption is a photo's caption with the outlet's way of crediting it.
func (g *eventGen) caption(pg *page) string {
	ev, s := g.ev, &pg.o.style
	i := pg.photo
	if i < 0 || pg.r.IntN(10) < 3 {
		i = pg.r.IntN(len(ev.photos))
	}
	p := ev.photos[i]
	text, by := escapeText(p.text), escapeText(p.by)
	var c string
	switch s.credit {
	case 0:
		c = fmt.Sprintf("%s (Photo: %s / %s)", text, by, p.agency)
	case 1:
		c = fmt.Sprintf("%s (%s Photo/%s)", text, p.agency, by)
	case 2:
		return fmt.Sprintf("<p>%s</p><p>%s/%s</p>", text, by, p.agency)
	default:
		c = fmt.Sprintf("%s Photograph: %s/%s", text, by, p.agency)
	}
	if s.figure {
		return "<figure><figcaption>" + c + "</figcaption></figure>"
	}
	return "<p>" + c + "</p>"
}

// timeLine is the page's publication line in one of four formats.
func timeLine(f int, at, upd time.Time, z *time.Location) string {
	at = at.In(z)
	zn := at.Format("MST")
	shown := at
	if !upd.IsZero() {
		shown = upd.In(z)
	}
	switch f {
	case 0:
		return fmt.Sprintf("Updated %s %s, %s", clock(shown), zn, shown.Format("Mon January 2, 2006"))
	case 1:
		s := fmt.Sprintf("Published %s %s %s", at.Format("3:04 PM"), zn, at.Format("Jan 2, 2006"))
		if !upd.IsZero() {
			s += fmt.Sprintf(" Updated %s", shown.Format("3:04 PM"))
		}
		return s
	case 2:
		return shown.Format("2 January 2006, 15:04 ") + zn
	}
	return fmt.Sprintf("Posted: %s | Updated: %s", at.Format("3:04 PM, Jan 02, 2006"), shown.Format("3:04 PM, Jan 02, 2006"))
}
