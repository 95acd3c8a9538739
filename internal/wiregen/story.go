package wiregen

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// story is one generated news story: the agency's full copy.
type story struct {
	id        string
	cast      cast
	headline  string
	dateline  string
	paras     []string // plain text paragraphs
	published time.Time
}

// newStory writes a story of about size bytes of text.
func (lx *lexicon) newStory(id string, seed uint64, size int, published time.Time) *story {
	r := rand.New(rand.NewPCG(seed, 0x5707))
	c := lx.newCast(r)
	s := &story{id: id, cast: c, published: published}
	s.headline = lx.headline(r, &c)
	s.dateline = fmt.Sprintf("%s, %s %d (Wirenet) - ", strings.ToUpper(c.place), months[published.Month()-1], published.Day())
	total := 0
	for total < size {
		p := lx.sentence(r, &c) + " " + lx.sentence(r, &c)
		if r.IntN(2) == 0 {
			p += " " + lx.sentence(r, &c)
		}
		s.paras = append(s.paras, p)
		total += len(p) + 7
	}
	return s
}

// outlet is a feed's publisher: its name and page furniture.
type outlet struct {
	name, host string
	agency     bool // keeps datelines and adds sign-offs
	header     string
	footer     []string
	atom       bool
}

var mastheads = []string{"Courier", "Gazette", "Herald", "Post", "Chronicle", "Wire", "Times", "Observer"}

func (lx *lexicon) newOutlet(i int, r *rand.Rand) outlet {
	name := pick(r, lx.places) + " " + mastheads[r.IntN(len(mastheads))]
	o := outlet{
		name:   name,
		host:   fmt.Sprintf("news%d.%s.example", i, strings.ToLower(strings.Fields(name)[0])),
		agency: r.IntN(4) == 0,
		atom:   r.IntN(5) == 0,
	}
	if r.IntN(2) == 0 {
		o.header = fmt.Sprintf("<p><strong>%s</strong> | Your daily news from %s</p>", o.name, pick(r, lx.places))
	}
	o.footer = []string{
		fmt.Sprintf("<p>Follow the %s for the latest updates. Share this article.</p>", o.name),
		fmt.Sprintf("<p>Copyright %d %s. All rights reserved. Subscribe to our newsletter.</p>", 2031, o.name),
	}
	return o
}

// copyOf writes outlet o's HTML copy of s: a rewritten headline, dateline
// kept or dropped, full, truncated or copy-edited body, sign-off and the
// outlet's furniture. latest is the outlet's "LATEST NEWS" link list.
func (lx *lexicon) copyOf(s *story, o *outlet, r *rand.Rand, original bool, latest string) (title, html string) {
	title = s.headline
	if !original {
		title = lx.retitle(s, o, r)
	}
	paras := edit(s.paras, r, original)
	var b strings.Builder
	b.WriteString(o.header)
	for i, p := range paras {
		b.WriteString("<p>")
		if i == 0 && (o.agency || original || r.IntN(2) == 0) {
			b.WriteString(escapeText(s.dateline))
		}
		b.WriteString(escapeText(p))
		b.WriteString("</p>\n")
	}
	if o.agency || original {
		fmt.Fprintf(&b, "<p>(Reporting by %s; Editing by %s)</p>", pick(r, lx.surnames), pick(r, lx.surnames))
	}
	b.WriteString(latest)
	for _, f := range o.footer {
		b.WriteString(f)
	}
	return title, b.String()
}

// retitle is an outlet's headline for a wire story: kept, marked as an
// update, rewritten or signed with the outlet's name.
func (lx *lexicon) retitle(s *story, o *outlet, r *rand.Rand) string {
	switch r.IntN(5) {
	case 0:
		return "UPDATE 1-" + s.headline
	case 1, 2:
		return lx.headline(r, &s.cast)
	case 3:
		return s.headline + " | " + o.name
	}
	return s.headline
}

// edit is the body an outlet runs: the full text, a summary-only copy or a
// copy-edited one. The original is always the full text; a one-paragraph
// story is never copy-edited.
func edit(paras []string, r *rand.Rand, original bool) []string {
	switch k := r.IntN(20); {
	case original:
	case k < 4: // summary-only copy
		paras = paras[:min(len(paras), 2+r.IntN(2))]
	case k < 7 && len(paras) > 1: // copy-edited: a paragraph dropped, a word changed
		paras = append([]string(nil), paras[:len(paras)-1]...)
		i := r.IntN(len(paras))
		paras[i] = strings.Replace(paras[i], " the ", " a ", 1)
	}
	return paras
}

var textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func escapeText(s string) string { return textEscaper.Replace(s) }
