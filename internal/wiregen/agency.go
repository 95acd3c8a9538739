package wiregen

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// agency is a news agency covering the event: its house style decides its
// datelines, headlines, bylines and sign-offs.
type agency struct {
	name, code, host string
	style            int // 0 and 4 write like AP, 1 like Reuters, 2 like AFP, 3 like a national agency
	reporters        []string
	editors          []string
}

func (lx *lexicon) newAgency(i int, r *rand.Rand) *agency {
	a := &agency{style: i % 5}
	w := upperFirst(pick(r, lx.nouns))
	switch a.style {
	case 0:
		a.name, a.code = w+" Press", w[:1]+"P"
	case 1:
		a.name = w + "wire"
		a.code = a.name
	case 2:
		a.name, a.code = "Agence "+w+" Presse", "A"+w[:1]+"P"
	case 3:
		p := pick(r, lx.places)
		a.name, a.code = p+" News Agency", p[:1]+"NA"
	default:
		a.name, a.code = w+" Associated News", w[:1]+"AN"
	}
	a.host = fmt.Sprintf("%s.example", strings.ToLower(strings.ReplaceAll(a.name, " ", "")))
	for range 6 {
		a.reporters = append(a.reporters, pick(r, lx.given)+" "+pick(r, lx.surnames))
	}
	for range 3 {
		a.editors = append(a.editors, pick(r, lx.given)+" "+pick(r, lx.surnames))
	}
	return a
}

// dateline is the agency's dateline for a story filed from place at t.
func (a *agency) dateline(place, country string, t time.Time) string {
	mon := months[t.Month()-1][:3]
	switch a.style {
	case 1:
		return fmt.Sprintf("%s, %s %d (%s) - ", strings.ToUpper(place), mon, t.Day(), a.code)
	case 2:
		return fmt.Sprintf("%s (%s) - ", place, a.code)
	case 3:
		return fmt.Sprintf("%s, %s. %d (%s) -- ", strings.ToUpper(place), mon, t.Day(), a.code)
	}
	return fmt.Sprintf("%s, %s (%s) — ", strings.ToUpper(place), country, a.code)
}

// byline names the reporters of version k of a story, or "" for agencies
// that do not sign.
func (a *agency) byline(k int) []string {
	switch a.style {
	case 2, 3:
		return nil
	case 1:
		return a.reporters[:1]
	}
	return a.reporters[:min(2, 1+k/4)]
}

// signOff is the last line of version k: more contributors as the story
// grows.
func (a *agency) signOff(k int, ev *event) string {
	n := min(len(a.reporters), 1+k/3)
	switch a.style {
	case 1:
		return fmt.Sprintf("(Reporting by %s in %s; Writing by %s; Editing by %s)",
			strings.Join(a.reporters[:n], ", "), ev.city, a.reporters[len(a.reporters)-1], strings.Join(a.editors[:min(3, 1+k/5)], " and "))
	case 2:
		var in []string
		for _, p := range a.reporters[:n] {
			f := strings.Fields(p)
			in = append(in, strings.ToLower(f[0][:1]+f[1][:1]))
		}
		return "bur-" + strings.Join(in, "/")
	case 3:
		return fmt.Sprintf("(Editing by %s)", a.editors[0])
	}
	if n < 2 {
		return ""
	}
	places := append([]string{ev.city}, ev.towns...)
	var who []string
	for i, p := range a.reporters[1:n] {
		who = append(who, p+" in "+places[i%len(places)])
	}
	return fmt.Sprintf("%s writers %s contributed to this report.", a.name, strings.Join(who, " and "))
}

// headline is the agency's headline for version k of its running story.
func (a *agency) headline(k int, ev *event, f toll, angle int) string {
	if k == 0 {
		switch a.style {
		case 1:
			return fmt.Sprintf("Strong quake hits %s - %s", ev.country, ev.institute)
		case 2:
			return fmt.Sprintf("Strong quake hits %s", ev.country)
		case 3:
			return fmt.Sprintf("%.1f-magnitude quake jolts %s", ev.magnitude, ev.province)
		}
		return fmt.Sprintf("Powerful earthquake strikes %s; casualties feared", ev.country)
	}
	dead := count(f.dead)
	var h string
	switch (a.style + angle) % 5 {
	case 0:
		h = fmt.Sprintf("Quake in %s kills at least %s, topples buildings", ev.country, dead)
	case 1:
		h = fmt.Sprintf("Death toll from %s quake rises to %s", ev.country, dead)
	case 2:
		h = fmt.Sprintf("Rescuers race to find survivors as %s quake toll tops %s", ev.country, dead)
	case 3:
		h = fmt.Sprintf("%s quake kills %s, thousands spend night outdoors", ev.country, dead)
	default:
		h = fmt.Sprintf("Earthquake in %s province kills %s, injures %s", ev.province, dead, count(f.injured))
	}
	if a.style == 1 {
		return fmt.Sprintf("UPDATE %d-%s", k, h)
	}
	return h
}
