package wiregen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// event is what every story about one earthquake shares: the place, the
// officials, the figures as they were known over time, the quotes of the
// press conferences and the photos.
type event struct {
	country, province, city string
	towns                   []string // nearby towns, the worst hit first
	zone                    *time.Location
	quake                   time.Time // UTC
	magnitude               float64
	depth, distance         int    // kilometres
	direction               string // of the city, "southwest"
	institute, authority    string // the seismological institute, the disaster agency
	hospital, relief        string
	fault                   string
	past                    struct {
		year   int
		mag    float64
		place  string
		killed int
	}
	president, governor, chief, minister, director, mayor official
	witnesses                                             []witness
	briefings                                             []briefing
	tolls                                                 []toll // the official figures, in time order
	photos                                                []photo
	cast                                                  cast // for filler sentences
}

// official is a named person with the role a story gives them.
type official struct{ name, role string }

// witness is a resident quoted by the stories.
type witness struct {
	name, job, town string
	age             int
	quote           string
}

// briefing is a press conference: its time, speaker and the quotes every
// story citing it repeats verbatim.
type briefing struct {
	at      time.Time
	speaker official
	quotes  []string
}

// toll is the official figures from a time on.
type toll struct {
	at                                        time.Time
	dead, injured, missing, displaced, rescue int
	collapsed, aftershocks                    int
	strongest                                 float64
}

// photo is a news photo: the caption's text and its credit.
type photo struct {
	text, by, agency string
	file             bool // a file photo, run with unrelated stories too
}

var directions = []string{"north", "northeast", "east", "southeast", "south", "southwest", "west", "northwest"}

// newEvent draws an earthquake striking early on day (a date in UTC).
func (lx *lexicon) newEvent(r *rand.Rand, day time.Time) *event {
	ev := &event{
		country:   pick(r, lx.places),
		province:  pick(r, lx.places),
		city:      pick(r, lx.places),
		zone:      time.FixedZone("local", (2+r.IntN(3))*3600),
		magnitude: float64(58+r.IntN(18)) / 10,
		depth:     5 + r.IntN(30),
		distance:  8 + r.IntN(60),
		direction: pick(r, directions),
		fault:     upperFirst(pick(r, lx.nouns)) + " Fault",
	}
	for range 4 {
		ev.towns = append(ev.towns, pick(r, lx.places))
	}
	local := time.Date(day.Year(), day.Month(), day.Day(), 2+r.IntN(4), r.IntN(60), 0, 0, ev.zone)
	ev.quake = local.UTC()
	ev.institute = upperFirst(pick(r, lx.nouns)) + " Seismological Institute"
	ev.authority = upperFirst(pick(r, lx.nouns)) + " Disaster and Emergency Authority"
	ev.hospital = pick(r, lx.surnames) + " General Hospital"
	ev.relief = upperFirst(pick(r, lx.nouns)) + " Relief Federation"
	ev.past.year, ev.past.mag, ev.past.place = 1960+r.IntN(55), float64(65+r.IntN(12))/10, pick(r, lx.places)
	ev.past.killed = 300 + r.IntN(9000)
	person := func(role string) official { return official{pick(r, lx.given) + " " + pick(r, lx.surnames), role} }
	ev.president = person("President")
	ev.governor = person("the governor of " + ev.province + " province")
	ev.chief = person("the head of the " + ev.authority)
	ev.minister = person("Interior Minister")
	ev.director = person("the director of the " + ev.institute)
	ev.mayor = person("the mayor of " + ev.city)
	ev.cast = cast{person: ev.governor.name, person2: ev.chief.name, org: ev.authority, place: ev.city}
	for range 4 {
		ev.cast.topics = append(ev.cast.topics, pick(r, lx.nouns))
	}
	lx.witnesses(ev, r)
	ev.tolls = tollSeries(ev, r)
	lx.briefings(ev, r)
	lx.photos(ev, r)
	return ev
}

var jobs = []string{"a %s seller", "a retired %s teacher", "a taxi driver from the %s district", "a %s farmer",
	"a nurse at a %s clinic", "a student of %s", "a shopkeeper on %s Street", "a construction worker"}

func (lx *lexicon) witnesses(ev *event, r *rand.Rand) {
	for range 8 {
		ev.witnesses = append(ev.witnesses, witness{
			name:  pick(r, lx.given) + " " + pick(r, lx.surnames),
			job:   fmt.Sprintf(pick(r, jobs), pick(r, lx.nouns)),
			town:  pick(r, append([]string{ev.city}, ev.towns...)),
			age:   19 + r.IntN(60),
			quote: lx.quote(r, true),
		})
	}
}

// tollSeries is the official figures, updated every hour or two through
// the day of the quake and the next: a toll that climbs steeply at first,
// and steps in the other figures.
func tollSeries(ev *event, r *rand.Rand) []toll {
	final := 25 + int(math.Exp(r.Float64()*math.Log(320)))
	injured := 3 + r.Float64()*4
	var out []toll
	at := ev.quake.Add(time.Duration(25+r.IntN(20)) * time.Minute)
	end := ev.quake.Add(44 * time.Hour)
	prev := toll{}
	for at.Before(end) {
		h := at.Sub(ev.quake).Hours()
		share := math.Pow(min(h, 40)/40, 0.8)
		t := toll{at: at, dead: max(prev.dead, 2+int(share*float64(final))+r.IntN(3))}
		t.injured = max(prev.injured, int(float64(t.dead)*injured)+r.IntN(9))
		t.missing = max(4, int(float64(final)*(1-share)*0.8)+r.IntN(6))
		t.displaced = max(prev.displaced, 100*(10+int(share*float64(final)*3)+r.IntN(20)))
		t.rescue = max(prev.rescue, int(share*float64(final)*0.7)+r.IntN(4))
		t.collapsed = max(prev.collapsed, 12+int(share*float64(final)*1.5)+r.IntN(10))
		t.aftershocks = max(prev.aftershocks, int(h*9)+r.IntN(10))
		t.strongest = max(prev.strongest, ev.magnitude-1.8+float64(r.IntN(8))/10)
		out = append(out, t)
		prev = t
		at = at.Add(time.Duration(45+r.IntN(100)) * time.Minute)
	}
	return out
}

// at returns the figures known at t (the first figures before any).
func (ev *event) at(t time.Time) toll {
	cur := ev.tolls[0]
	for _, x := range ev.tolls {
		if x.at.After(t) {
			break
		}
		cur = x
	}
	return cur
}

// briefings holds press conferences on the day of the quake and the next
// morning, each with three to five quotes.
func (lx *lexicon) briefings(ev *event, r *rand.Rand) {
	speakers := []official{ev.chief, ev.governor, ev.minister, ev.president, ev.director, ev.mayor}
	day := time.Date(ev.quake.In(ev.zone).Year(), ev.quake.In(ev.zone).Month(), ev.quake.In(ev.zone).Day(), 0, 0, 0, 0, ev.zone)
	for _, h := range []float64{8.5, 11, 15, 19, 33.5} {
		b := briefing{at: day.Add(time.Duration(h * float64(time.Hour))).UTC(), speaker: speakers[r.IntN(len(speakers))]}
		for len(b.quotes) < 3+r.IntN(3) {
			q := lx.quote(r, false)
			if !slices.ContainsFunc(b.quotes, func(x string) bool { return x[:12] == q[:12] }) {
				b.quotes = append(b.quotes, q)
			}
		}
		ev.briefings = append(ev.briefings, b)
	}
}

// lastBriefing returns the latest press conference before t, or false.
func (ev *event) lastBriefing(t time.Time) (briefing, bool) {
	var b briefing
	ok := false
	for _, x := range ev.briefings {
		if x.at.Before(t) {
			b, ok = x, true
		}
	}
	return b, ok
}

var photoShots = []string{
	"Rescue workers search for survivors in the rubble of a collapsed building in %s, %s",
	"People gather in the street after the earthquake in %s, %s",
	"A woman is comforted outside a damaged %s in %s, %s",
	"Residents spend the night in tents set up in a park in %s, %s",
	"An injured man is carried on a stretcher to the %s in %s, %s",
	"Rescuers use a crane to lift the %s of a collapsed apartment block in %s, %s",
}

func (lx *lexicon) photos(ev *event, r *rand.Rand) {
	for i, shot := range photoShots {
		place := pick(r, append([]string{ev.city}, ev.towns[:2]...))
		var text string
		if strings.Count(shot, "%s") == 3 {
			text = fmt.Sprintf(shot, pick(r, lx.nouns), place, ev.country)
		} else {
			text = fmt.Sprintf(shot, place, ev.country)
		}
		day := ev.quake.In(ev.zone).Add(time.Duration(i/3) * 24 * time.Hour)
		text += fmt.Sprintf(", %s, %s.", day.Weekday(), shortDate(day))
		ev.photos = append(ev.photos, photo{text: text, by: pick(r, lx.given) + " " + pick(r, lx.surnames)})
	}
	for range 2 {
		ev.photos = append(ev.photos, photo{file: true, by: pick(r, lx.given) + " " + pick(r, lx.surnames),
			text: fmt.Sprintf("FILE - A view of the old town of %s, %s, on %s %d, %d.", ev.city, ev.country,
				months[r.IntN(12)], 1+r.IntN(28), ev.quake.Year()-1-r.IntN(6))})
	}
}

// shortDate is "Oct. 14, 2025" as agencies write it.
func shortDate(t time.Time) string {
	m := months[t.Month()-1]
	if len(m) > 5 {
		m = m[:3] + "."
	}
	return fmt.Sprintf("%s %d, %d", m, t.Day(), t.Year())
}

// clock is "4:12 a.m." as agencies write a time of day.
func clock(t time.Time) string {
	h, m := t.Hour(), t.Minute()
	ap := "a.m."
	if h >= 12 {
		ap = "p.m."
	}
	if h = h % 12; h == 0 {
		h = 12
	}
	if m == 0 {
		return fmt.Sprintf("%d %s", h, ap)
	}
	return fmt.Sprintf("%d:%02d %s", h, m, ap)
}

var smallNumbers = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}

// count writes n as agencies do: words below ten, digits with thousands
// separators above.
func count(n int) string {
	if n >= 0 && n < 10 {
		return smallNumbers[n]
	}
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
