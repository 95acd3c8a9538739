package wiregen

import (
	"fmt"
	"strings"
	"time"
)

// factFrames are the paragraphs of facts every agency writes, each in
// five wordings (an agency uses its own); {name} is filled in with the
// figures known when the paragraph was last updated.
var factFrames = map[pkind][5]string{
	kQuake: {
		"The magnitude {mag} quake struck at {local} local time ({utc} GMT) at a depth of {depth} kilometers ({depthmi} miles), about {dist} kilometers ({distmi} miles) {dir} of {city}, the {institute} said.",
		"The {institute} put the magnitude at {mag} and said the quake was centred {dist} km ({distmi} miles) {dir} of {city} at a shallow depth of {depth} km.",
		"The quake, of magnitude {mag}, hit at {local} ({utc} GMT), {dist} km {dir} of {city}, according to the {institute}.",
		"Its epicentre was near {city}, {dist} km to the {dir}, and it was felt as far away as {far}, seismologists said. The {institute} measured it at {mag}.",
		"Seismologists at the {institute} said the {mag}-magnitude tremor was centred at a depth of {depth} km and lasted about {secs} seconds."},
	kToll: {
		"{chief}, {chiefrole}, said {citydead} people had been confirmed dead in {city} and {towndead} in the nearby town of {town}, and {hurtcount} were injured. The toll was expected to rise.",
		"At least {dead} people were killed and {hurtcount} injured, the {authority} said in a statement at {asof}, adding that {missing} people were still missing.",
		"Officials said {dead} bodies had been recovered by {asof}, most of them in {city}, and that {hurtcount} people had been taken to hospitals.",
		"The {authority} said the number of dead had reached {dead}. More than {hurtcount} people were being treated for injuries, it said, {missing} of them in serious condition.",
		"According to the latest official figures, released at {asof}, {dead} people died and {hurtcount} were hurt in {province} and neighbouring {far}."},
	kBuildings: {
		"More than {collapsed} buildings collapsed or were badly damaged, including a {n1} school and the old {n2} market, according to the {authority}.",
		"At least {collapsed} buildings were destroyed, the {authority} said, among them a wing of a {n1} hospital and several apartment blocks in {town}.",
		"Officials counted {collapsed} collapsed buildings. Television footage showed the {n1} clock tower cracked and streets in {town} strewn with {n2}.",
		"Whole streets of older homes in {town} were reduced to heaps of concrete and {n1}; the {authority} put the number of destroyed buildings at {collapsed}.",
		"Engineers said {collapsed} buildings had fallen, many of them built before the {n1} code was tightened after the {n2} reform."},
	kAftershocks: {
		"More than {aftershocks} aftershocks rattled the region, the strongest of magnitude {strongest}, sending frightened residents back into the streets.",
		"The {institute} recorded {aftershocks} aftershocks by {asof}, the largest a magnitude {strongest}, and warned that more were likely in the coming days.",
		"A magnitude {strongest} aftershock was among {aftershocks} tremors that followed the main earthquake, the {institute} said.",
		"Aftershocks kept coming through the day, {aftershocks} of them by the {institute}'s count, one of them as strong as {strongest}.",
		"Residents were told to stay outdoors as {aftershocks} aftershocks, including one measuring {strongest}, shook {city}."},
	kDisplaced: {
		"Some {displaced} people spent the night in tents, cars and sports halls, the {authority} said, and authorities opened {shelters} shelters in schools.",
		"Authorities said {displaced} people had been left homeless in {province} province and were being housed in tents, schools and sports halls.",
		"The government said it had set up {shelters} tent camps for {displaced} people whose homes were destroyed or unsafe.",
		"With {displaced} people unable to go home, the army put up tents on football pitches and on the grounds of the {n1} barracks.",
		"The {relief} said it was feeding {displaced} people in {shelters} camps and needed blankets, heaters and drinking water."},
	kBackground: {
		"{country} lies on the {fault}, one of the most active fault lines in the region. In {pastyear}, a magnitude {pastmag} earthquake near {pastplace} killed more than {pastkilled} people.",
		"Earthquakes are frequent in {country}, which sits atop the {fault}. The deadliest in recent memory, a magnitude {pastmag} quake in {pastyear}, killed {pastkilled} people around {pastplace}.",
		"The region has a history of deadly quakes. A magnitude {pastmag} earthquake struck {pastplace} in {pastyear}, killing {pastkilled} people, and many older buildings were never made to withstand shaking, experts say.",
		"{country} has been hit by deadly earthquakes before: in {pastyear}, {pastkilled} people died when a {pastmag} quake destroyed much of {pastplace}. Building rules were tightened afterwards, but enforcement has been patchy.",
		"The {fault} has produced several large earthquakes in the past century, including the {pastyear} {pastplace} quake, which killed {pastkilled} people."},
}

// framed writes a paragraph of facts in the agency's wording: the words
// are drawn now, the figures put in when it is rendered.
func (w *writer) framed(k pkind, at time.Time) *para {
	ev, lx, r := w.ev, w.lx, w.r
	frame := w.house.Replace(factFrames[k][w.voice%5])
	km := func(n int) string { return fmt.Sprint(n) }
	vars := []string{"{mag}", fmt.Sprintf("%.1f", ev.magnitude), "{local}", clock(ev.quake.In(ev.zone)), "{utc}", ev.quake.Format("1504"),
		"{depth}", km(ev.depth), "{depthmi}", km(ev.depth * 62 / 100), "{dist}", km(ev.distance), "{distmi}", km(ev.distance * 62 / 100),
		"{dir}", ev.direction, "{city}", ev.city, "{province}", ev.province, "{country}", ev.country, "{institute}", ev.institute,
		"{authority}", ev.authority, "{relief}", ev.relief, "{chief}", ev.chief.name, "{chiefrole}", ev.chief.role, "{fault}", ev.fault,
		"{far}", pick(r, lx.places), "{secs}", km(20 + r.IntN(40)), "{town}", pick(r, ev.towns), "{n1}", pick(r, lx.nouns), "{n2}", pick(r, lx.nouns),
		"{shelters}", count(12 + r.IntN(80)), "{pastyear}", km(ev.past.year), "{pastmag}", fmt.Sprintf("%.1f", ev.past.mag),
		"{pastplace}", ev.past.place, "{pastkilled}", count(ev.past.killed)}
	return w.newPara(k, at, func(f toll, t time.Time) string {
		city := f.dead * 3 / 5
		fill := strings.NewReplacer(append([]string{"{dead}", count(f.dead), "{hurtcount}", count(f.injured), "{missing}", count(f.missing),
			"{citydead}", count(city), "{towndead}", count(f.dead - city), "{asof}", clock(f.at.In(ev.zone)),
			"{collapsed}", count(f.collapsed), "{aftershocks}", count(f.aftershocks), "{strongest}", fmt.Sprintf("%.1f", f.strongest),
			"{displaced}", count(f.displaced)}, vars...)...)
		return fill.Replace(frame)
	})
}
