package wiregen

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// leadFrames are the lead paragraphs of a running story: eight angles
// (0 is the first brief, before any toll is known), each in five
// wordings so that agencies write their own sentences about the same
// facts. {name} is filled in when the paragraph is rendered.
var leadFrames = [8][5]string{
	{"A strong earthquake struck {city} in {country} early {day}, the {institute} said, and there were early reports of collapsed buildings and casualties in the {n1} district.",
		"A magnitude {mag} earthquake hit {province} province in {country} before dawn on {day}, the {institute} said. There was no immediate word on casualties.",
		"A powerful earthquake shook {city} early {day}, waking residents and bringing down buildings in the old {n1} quarter, local media reported.",
		"{country}'s {institute} reported a strong earthquake near {city} in the early hours of {day}. Buildings were reported damaged in {town}.",
		"An earthquake with a preliminary magnitude of {mag} jolted {dir}ern {country} on {day}, the {institute} said, with reports of people trapped in collapsed houses."},
	{"A powerful earthquake struck {dir}ern {country} early {day}, killing at least {dead} people, toppling buildings in the {n1} district and sending residents fleeing into the streets in the dark, officials said.",
		"At least {dead} people were killed and {hurtcount} injured when a magnitude {mag} earthquake hit {province} province before dawn on {day}, flattening homes in {city} and {town}.",
		"An earthquake of magnitude {mag} killed at least {dead} people in {country} on {day}, officials said, as buildings collapsed in {city} and panicked residents ran into the streets.",
		"The earthquake that struck {province} province before dawn on {day} killed at least {dead} people and injured {hurtcount}, the {authority} said, as rescuers searched collapsed buildings for survivors.",
		"At least {dead} people died on {day} when a strong earthquake brought down homes across {dir}ern {country}, with {city} and {town} the worst hit, officials said."},
	{"The death toll from the earthquake that struck {dir}ern {country} rose to at least {dead} on {day} as rescuers dug through the rubble of collapsed {n1}s in search of survivors, the {authority} said.",
		"The number of people killed in {day}'s earthquake in {country} climbed to {dead}, officials said, with {hurtcount} injured and many more feared trapped under the rubble in {city} and {town}.",
		"Rescuers searched through the night for survivors in {province} as the toll from the earthquake rose to {dead}, according to the {authority}.",
		"By {day} evening officials had counted {dead} dead from the earthquake in {country}, and warned that the figure would climb as rescuers reached remote villages around {town}.",
		"The earthquake in {country} has killed {dead} people, the {authority} said on {day}, raising the toll again as bodies were pulled from the rubble in {city}."},
	{"Rescuers pulled a {age}-year-old {n1} alive from the ruins of a {n2} building in {town} on {day}, {hours} hours after a magnitude {mag} earthquake that killed at least {dead} people.",
		"A {age}-year-old was rescued alive from a collapsed {n2} block in {town} on {day}, lifting the spirits of rescue teams as the toll from the quake reached {dead}.",
		"Cheers broke out in {town} on {day} as rescue workers freed a {age}-year-old from the rubble of a {n2} house, {hours} hours after the earthquake, which has killed {dead} people.",
		"Rescue workers in {town} spent {hours} hours digging a tunnel to reach a {age}-year-old trapped under a {n2} shop, pulling her out alive on {day}, as the earthquake's toll rose to {dead}.",
		"\"She is alive!\" shouted a rescuer in {town} on {day} as a {age}-year-old was lifted from the rubble of a {n2} building. The earthquake has killed {dead} people."},
	{"International rescue teams from {helper} and {helper2} began arriving in {province} on {day} as the number of people killed by the earthquake climbed to {dead}, with {hurtcount} more injured.",
		"Foreign rescuers and sniffer dogs from {helper} reached {city} on {day}, joining the search for survivors of an earthquake that has killed {dead} people and injured {hurtcount}.",
		"Aid began to arrive in {province} on {day}, with planes from {helper} and {helper2} landing at {city}, as the toll from the earthquake rose to at least {dead}.",
		"Rescue teams from {helper} and {helper2} joined the search in {province} on {day}, bringing thermal cameras and search dogs, as the toll from the earthquake reached {dead}.",
		"Offers of help poured in from abroad on {day}, and the first foreign rescue teams landed in {city}. The earthquake has killed at least {dead} people and injured {hurtcount}."},
	{"{president} toured the devastated town of {town} on {day} and promised to rebuild, as the toll from the country's deadliest earthquake in decades rose to at least {dead}.",
		"{president} visited {town} on {day} and declared three days of national mourning for the {dead} people killed in the earthquake, promising aid to the thousands left homeless.",
		"Visiting the ruins of {town} on {day}, {president} said the state would rebuild every home lost in the earthquake, which killed at least {dead} people.",
		"{president} flew to {town} on {day}, walking among the ruins and promising survivors of the earthquake, which has killed {dead} people, that no one would be left behind.",
		"\"We will not abandon you,\" {president} told survivors in {town} on {day}, as the government raised the earthquake's toll to {dead}."},
	{"Thousands of people prepared to spend the night in the open in {province} after an earthquake killed at least {dead} people and damaged more than {collapsed} buildings, with aftershocks rattling the region.",
		"Survivors of the earthquake in {country} huddled around fires in parks and car parks on {day} night, too afraid of aftershocks to go home, as the toll climbed to {dead}.",
		"With night falling and aftershocks still shaking {city}, tens of thousands of people set up camp in the streets on {day}. The earthquake has killed {dead} people, officials said.",
		"As temperatures dropped on {day} night, families in {city} built fires beside tents and cars, afraid of aftershocks after an earthquake that killed {dead} people.",
		"Night fell over a shaken {province} on {day}, with {dead} people dead and thousands camped in the open, unwilling to return to cracked homes."},
	{"Anger grew in {town} on {day} over the slow pace of the rescue, as the toll from the earthquake rose to {dead} and families waited beside the ruins of the {n1} {n2}.",
		"Residents of {town} accused the authorities on {day} of leaving them to dig for relatives with their bare hands, as the earthquake's toll reached {dead}.",
		"\"Where is the state?\" shouted a man in {town} on {day}, as survivors complained that help was slow to reach them. The toll from the earthquake stood at {dead}.",
		"Frustration boiled over in {town} on {day}, where residents said they had waited hours for heavy machinery as the earthquake's toll rose to {dead}.",
		"\"Nobody came,\" said residents of {town} on {day}, blaming the authorities for a slow response to the earthquake, which has now killed {dead} people."},
}

// houseWords are an agency's own words for things every story names:
// each agency picks one of each.
var houseWords = [][]string{
	{"earthquake", "quake", "temblor"},
	{"rescuers", "rescue workers", "emergency crews"},
	{"rubble", "debris", "ruins"},
	{"injured", "hurt", "wounded"},
	{"residents", "locals", "inhabitants"},
}

// newHouse draws an agency's house words as a replacer applied to the
// frames it writes (never to quotes); no {name} of a frame contains one.
func newHouse(r *rand.Rand) *strings.Replacer {
	var pairs []string
	for _, ws := range houseWords {
		if w := ws[r.IntN(len(ws))]; w != ws[0] {
			if ws[0] == "earthquake" { // "an earthquake", "a quake"
				pairs = append(pairs, "an earthquake", "a "+w, "An earthquake", "A "+w)
			}
			pairs = append(pairs, ws[0], w)
		}
	}
	return strings.NewReplacer(pairs...)
}

// lead writes a lead paragraph in one of the eight angles.
func (w *writer) lead(angle int, at time.Time) *para {
	ev, lx, r := w.ev, w.lx, w.r
	frame := w.house.Replace(leadFrames[angle][w.voice%5])
	vars := []string{"{city}", ev.city, "{country}", ev.country, "{province}", ev.province, "{institute}", ev.institute,
		"{authority}", ev.authority, "{dir}", ev.direction, "{mag}", fmt.Sprintf("%.1f", ev.magnitude),
		"{n1}", pick(r, lx.nouns), "{n2}", pick(r, lx.nouns), "{town}", pick(r, ev.towns), "{age}", fmt.Sprint(4 + r.IntN(80)),
		"{helper}", pick(r, lx.places), "{helper2}", pick(r, lx.places), "{president}", ev.president.role + " " + ev.president.name}
	return w.newPara(kLead, at, func(f toll, t time.Time) string {
		fill := strings.NewReplacer(append([]string{"{day}", day(t), "{dead}", count(f.dead), "{hurtcount}", count(f.injured),
			"{collapsed}", count(f.collapsed), "{hours}", count(int(t.Sub(ev.quake).Hours()))}, vars...)...)
		return fill.Replace(frame)
	})
}
