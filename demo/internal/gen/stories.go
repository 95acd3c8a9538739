package main

import "time"

// Story text: all of it is fictional and written for this demo. Paragraphs
// are inner HTML in the agencies' house style (straight quotes, " - " as a
// dash); the outlets' transforms in outlets.go restyle them.

func at(day, hour, minute int) time.Time {
	return time.Date(2026, time.November, day, hour, minute, 0, 0, time.UTC)
}

// quayBackground is shared, word for word, by the North Quay story and its
// follow-up the next day: the follow-up must still be a story of its own.
var quayBackground = []string{
	`The North Quay handled about 410,000 tonnes of cargo last year, mostly timber, scrap metal and fertiliser, less than a tenth of the port's total throughput. An engineering survey commissioned by the authority in 2024 found that sections of its stone wall had shifted and would need repairs costing an estimated 38 million crowns within a decade.`,
	`Around 120 dockworkers are employed at the quay. The authority has said none will lose their jobs and that all will be offered positions at the South Terminal, but the Port Ellis branch of the Transport and Dock Workers' Union says the longer commute and new shift patterns amount to a pay cut for many of its members.`,
}

func stories() []*story {
	return []*story{
		{
			Key: "quay-closure", Agency: mpa, Place: "PORT ELLIS", Category: "Business",
			Published: at(10, 8, 30),
			Title:     "Port Ellis authority votes to close North Quay to cargo ships",
			Paras: append(append([]string{
				`The Port Ellis Harbour Authority voted on Tuesday to close the North Quay to cargo traffic from next spring and hand the 19th-century wharf to the city for a public waterfront park, ending more than 140 years of freight handling at the site.`,
				`The board approved the plan by seven votes to two after a four-hour meeting that was interrupted twice by dockworkers protesting in the public gallery. Container and bulk traffic now handled at the quay will move to the deep-water South Terminal, which opened in 2019 and is running at about 60 percent of its capacity.`,
				`"The North Quay was built for sailing ships and steam colliers, not for the vessels that call here today," authority chair Helena Marsk told reporters after the vote. "Keeping it open costs us more every year than it earns, and the city has waited a long time to get its waterfront back."`,
			}, quayBackground...),
				`The city council is expected to present designs for the park, which would include a ferry landing, a market hall and a swimming area, early next year. Closure of the quay to cargo is scheduled for April 1.`,
			),
			Credit: "(Reporting by Tomas Welk; Editing by Ana Pirrie)",
			Carriers: []carrier{
				{Outlet: meridian},
				{Outlet: northstar, Delay: 35 * time.Minute, Title: "Port Ellis to close North Quay to cargo, build waterfront park"},
				{Outlet: harbour, Delay: 70 * time.Minute, Title: "North Quay to become a park as cargo moves south"},
				{Outlet: valley, Delay: 2 * time.Hour, Title: "Historic Port Ellis wharf to shut to freight next spring", Sentences: 2},
				{Outlet: tidewater, Delay: 3*time.Hour + 10*time.Minute, Title: "You won't believe what the port authority just did", Edits: [][2]string{
					{`The Port Ellis Harbour Authority voted`, `The <a href="/world/port-ellis/harbour-authority">Port Ellis Harbour Authority</a> voted`},
					{`deep-water South Terminal`, `deep-water <a href="/world/port-ellis/south-terminal?utm_source=rss&amp;utm_medium=feed">South Terminal</a>`},
				}},
			},
		},
		{
			Key: "quay-union-challenge", Agency: mpa, Place: "PORT ELLIS", Category: "Business",
			Published: at(11, 10, 5),
			Title:     "Dockworkers' union to challenge North Quay closure in court",
			Paras: append(append([]string{
				`The Transport and Dock Workers' Union said on Wednesday it would ask the regional administrative court to overturn the Port Ellis Harbour Authority's decision to close the North Quay to cargo, arguing that the board broke consultation rules when it approved the plan.`,
				`Union lawyers said the authority was required to give staff representatives 30 days to comment on any change affecting more than 100 workers, but had published its final proposal only nine days before Tuesday's vote. The union will file its complaint by the end of the week, branch secretary Piet Olander said.`,
				`"Nobody is against a park. We are against deciding the future of 120 families in a week and a half," Olander said at a rally outside the authority's offices attended by about 300 people. A spokesman for the authority said the board had followed the law and was confident the decision would stand.`,
			}, quayBackground...),
				`A hearing date has not been set. Cases of this kind typically take three to five months to reach a ruling, which could push any decision past the planned April 1 closure date.`,
			),
			Credit: "(Reporting by Tomas Welk; Additional reporting by Mira Kanter; Editing by Ana Pirrie)",
			Carriers: []carrier{
				{Outlet: meridian},
				{Outlet: harbour, Delay: 50 * time.Minute, Title: "Union takes fight over North Quay to court"},
				{Outlet: tidewater, Delay: 2*time.Hour + 25*time.Minute, Title: "Dock union heads to court over quay closure"},
			},
		},
		markets(marketDay{
			Key: "markets-nov-11", Published: at(11, 16, 45),
			Title: "MARKETS-Ellis index closes up 0.8 pct, shippers lead gains",
			Day:   "Wednesday", Next: "Thursday", Prev: "Tuesday",
			Dir: "up", Pct: "0.8", Level: "4,212.6", Up: 81, Down: 34, Turnover: 1840, VsAvg: "above",
			ShipDir: "rose", ShipPct: "2.4", LineDir: "gained", LinePct: "3.1",
			BankDir: "rose", BankPct: "0.5", PropDir: "fell", PropPct: "0.2",
			MostTraded: "Ellis Line", MostValue: "212",
			FX: "11.42", FXPrev: "11.47", YieldDir: "eased", Yield: "2.86", Oil: "71.35",
			Carriers: []carrier{
				{Outlet: meridian},
				{Outlet: northstar, Delay: 25 * time.Minute, Title: "Ellis stocks close 0.8% higher as shipping rallies"},
			},
		}),
		markets(marketDay{
			Key: "markets-nov-12", Published: at(12, 16, 40),
			Title: "MARKETS-Ellis index closes down 0.3 pct as banks slip",
			Day:   "Thursday", Next: "Friday", Prev: "Wednesday",
			Dir: "down", Pct: "0.3", Level: "4,199.9", Up: 47, Down: 69, Turnover: 1510, VsAvg: "below",
			ShipDir: "fell", ShipPct: "0.6", LineDir: "lost", LinePct: "0.9",
			BankDir: "fell", BankPct: "1.1", PropDir: "rose", PropPct: "0.4",
			MostTraded: "Harbour Savings Bank", MostValue: "164",
			FX: "11.45", FXPrev: "11.42", YieldDir: "rose", Yield: "2.91", Oil: "70.80",
			Carriers: []carrier{
				{Outlet: meridian},
				{Outlet: northstar, Delay: 30 * time.Minute, Title: "Ellis stocks close 0.3% lower as banks slip"},
			},
		}),
		{
			Key: "larkspur-bridge", Agency: mpa, Place: "PORT ELLIS", Category: "Local",
			Published: at(12, 7, 20),
			Title:     "Corroded cables found on Larkspur Bridge, two lanes closed",
			Paras: []string{
				`Engineers have found corrosion on several of the main suspension cables of the Larkspur Bridge, Port Ellis's busiest river crossing, and the city closed two of its four lanes to traffic on Thursday morning while further tests are carried out.`,
				`The damage was discovered during a routine inspection last week, when technicians removed sections of the protective wrapping around the cables near the western tower. Laboratory tests on wire samples showed a loss of strength of up to 9 percent in the affected strands, the city's roads department said in a statement.`,
				`"There is no immediate danger to anyone crossing the bridge, but we are not going to take any chances," said roads department director Karel Vondt. "Reducing the load buys us time to understand how far the corrosion has spread."`,
				`Heavy goods vehicles over 7.5 tonnes are banned from the bridge until further notice and have been diverted to the Mill Street crossing, about four kilometres upstream. Buses will continue to use the bridge. Commuters were warned to expect delays of up to 40 minutes at peak times.`,
				`The Larkspur Bridge opened in 1962 and carries about 58,000 vehicles a day. Its cables were last inspected in detail in 2015.`,
			},
			Update: &update{
				At:    at(12, 13, 10),
				Title: "UPDATE 1-Corroded cables found on Larkspur Bridge; mayor pledges survey funds",
				Note:  "(Adds mayor's comments in paragraphs 5-6)",
				After: 4,
				Paras: []string{
					`Mayor Irena Solvik said on Thursday afternoon that the city would release 12 million crowns from its emergency reserve to pay for a full survey of all four main cables, and that a decision on longer-term repairs would be taken by the end of January.`,
					`"This bridge is the spine of the city's traffic and we will treat it that way," Solvik told a news conference at city hall. She said the council would also ask whether the river ferry between the Old Town and the western districts could run extra services during the works.`,
				},
			},
			Credit: "(Reporting by Mira Kanter; Editing by Jon Askew)",
			Carriers: []carrier{
				{Outlet: meridian, Updated: true},
				{Outlet: northstar, Delay: 40 * time.Minute, Title: "Larkspur Bridge cables corroded; lanes shut, trucks banned"},
				{Outlet: valley, Delay: 95 * time.Minute, Title: "Port Ellis closes lanes on Larkspur Bridge after cable corrosion found", Sentences: 1},
				{Outlet: harbour, Delay: 20 * time.Minute, Updated: true, Title: "Larkspur Bridge: city finds corroded cables, narrows crossing"},
			},
		},
		{
			Key: "orlen-frost", Agency: mpa, Place: "VELLMARK", Category: "Business",
			Published: at(13, 6, 50),
			Title:     "Early frost damages vineyards across the Orlen Valley",
			Paras: []string{
				`An unusually early frost damaged vines across much of the Orlen Valley overnight, with temperatures falling to minus 6 degrees Celsius in some low-lying vineyards, growers' associations said on Friday.`,
				`Most of this year's grapes had already been picked, but the cold struck late-harvest plots left on the vine for the region's sweet wines, and growers said it could also harm buds that should fruit next season. The Orlen Valley Winegrowers' Cooperative estimated that between a fifth and a quarter of its members' late-harvest crop had been lost.`,
				`"We have had frost in November before, but never this hard and never this early in the month," said Berit Almquist, who farms 14 hectares near Vellmark. "The grapes we left out for ice wine froze too quickly and split. There is nothing to do but cut them off."`,
				`The regional agriculture office said it would send inspectors to assess the damage next week, a first step towards compensation from the regional disaster fund. Insurance covers only a minority of the valley's roughly 900 growers, most of whom farm fewer than 10 hectares.`,
				`Forecasters expect temperatures to rise above freezing by Sunday.`,
			},
			Credit: "(Reporting by Lars Emmet; Editing by Ana Pirrie)",
			Carriers: []carrier{
				{Outlet: meridian},
				{Outlet: valley, Delay: 45 * time.Minute, Title: "Frost hits Orlen Valley vineyards; late harvest lost", Sentences: 2},
				{Outlet: northstar, Delay: 4 * time.Hour, Title: "Orlen Valley growers count cost of early frost", Edits: [][2]string{
					{`growers' associations said`, `growers' groups said`},
					{`roughly 900 growers`, `some 900 growers`},
				}},
			},
		},
		{
			Key: "central-library", Agency: mpa, Place: "PORT ELLIS", Category: "Culture",
			Published: at(13, 11, 30),
			Title:     "Port Ellis central library reopens after three-year restoration",
			Paras: []string{
				`The Port Ellis Central Library reopened to the public on Friday after a three-year, 54-million-crown restoration that repaired its leaking copper dome and added a children's wing, a recording studio and a late-night reading room.`,
				`Hundreds of people queued in the rain before the doors opened at 10 a.m., some of them holding library cards issued decades ago. Staff handed out 1,100 new cards in the first two hours, head librarian Oskar Lindqvist said.`,
				`"People kept asking us when they could come back. Today we can finally say: now," Lindqvist said. "We wanted a building that is open when people are free - in the evening, at weekends, during school holidays."`,
				`The neoclassical building, completed in 1911, closed in 2023 after water damage forced the removal of about 40,000 books. Most have been restored and returned to the shelves; around 3,000 damaged beyond repair have been digitised.`,
				`The new reading room will stay open until midnight from Monday to Saturday - the first such service in the country, according to the city. Entry to the building and its exhibitions is free.`,
			},
			Credit: "(Reporting by Lars Emmet; Editing by Jon Askew)",
			Carriers: []carrier{
				{Outlet: meridian},
				{Outlet: harbour, Delay: 90 * time.Minute, Title: "Queues in the rain as Central Library throws open its doors"},
				{Outlet: tidewater, Delay: 5*time.Hour + 15*time.Minute, Title: "Port Ellis library is back – and it now stays open till midnight", Edits: [][2]string{
					{`Hundreds of people queued in the rain`, `Hundreds of residents lined up in the rain`},
					{`Lindqvist said. "We wanted`, `Lindqvist told reporters. "We wanted`},
					{`free - in the evening`, `free – in the evening`},
					{`Saturday - the first`, `Saturday – the first`},
					{`The Port Ellis Central Library reopened`, `The <a href="/world/port-ellis">Port Ellis</a> Central Library reopened`},
				}},
			},
		},
		{
			Key: "museum-figurehead", Agency: mpa, Place: "PORT ELLIS", Category: "Culture",
			Published: at(14, 9, 15),
			Title:     "Stolen ship's figurehead returned to Port Ellis maritime museum",
			Paras: []string{
				`A carved oak figurehead stolen from the Port Ellis Maritime Museum 31 years ago has been returned after a collector recognised it in an auction catalogue, the museum said on Saturday.`,
				`The figurehead, a life-size woman holding a lantern, once decorated the bow of the Aurelia, a three-masted barque built in Port Ellis in 1874. It disappeared from a storeroom during renovation work in 1995 and was never traced, despite a police investigation and a reward offered by the museum's friends' association.`,
				`Earlier this year a collector abroad noticed a photograph of a similar carving in the catalogue of a regional auction house and compared it with pictures the museum had published at the time of the theft. The auction house withdrew the lot, and the seller agreed to hand the carving back without payment, museum director Lena Hartveld said.`,
				`"We had honestly given up hope," Hartveld said. "She has a few new scratches, but the paint is mostly original, and our conservators think she can go on display by the summer."`,
				`Police said no one would be charged, as the theft falls outside the statute of limitations.`,
			},
			Credit:   "(Reporting by Mira Kanter; Editing by Jon Askew)",
			Carriers: []carrier{{Outlet: meridian}},
		},
		{
			Key: "ferry-fares", Agency: cns, Place: "HARWICK BAY", Category: "Business",
			Published: at(10, 11, 0),
			Title:     "Saltmarsh Ferries to raise fares by 12 percent from January",
			Paras: []string{
				`Saltmarsh Ferries, the sole operator on routes between Harwick Bay and the four Saltmarsh islands, will raise ticket prices by an average of 12 percent on January 1, the company said on Tuesday, blaming higher fuel and crew costs.`,
				`A single adult fare on the busiest crossing, from Harwick Bay to Saltmarsh Major, will rise to 14.60 crowns from 13.00. The price of carrying a car will increase by 15 percent, while fares for islanders with resident cards will go up by 6 percent.`,
				`"We have held prices flat for three years while our fuel bill has grown by almost half," chief executive Dana Reyes said in a statement. "This increase covers costs. It does not pay for new ships, which the routes urgently need."`,
				`Island councils reacted angrily. "For people on Saltmarsh Minor the ferry is not a choice, it is the only road we have," said Ewan Castell, who chairs the island's community council. He said islanders would ask the regional government to cap fares in the operator's contract, which comes up for renewal in 2028.`,
				`The company carried about 1.3 million passengers and 210,000 vehicles last year. Its fleet of five ships has an average age of 27 years.`,
			},
			Credit: "jm/rt",
			Carriers: []carrier{
				{Outlet: coastline},
				{Outlet: harbour, Delay: 15 * time.Minute, Title: "Island ferry tickets to cost 12% more in new year"},
				{Outlet: northstar, Delay: 55 * time.Minute, Title: "Saltmarsh Ferries raises fares 12% from January"},
				{Outlet: valley, Delay: 80 * time.Minute, Title: "Saltmarsh ferry fares to rise 12 pct", Sentences: 2},
				{Outlet: tidewater, Delay: 6 * time.Hour, Title: "Ferry fares are going up again - here's how much", Edits: [][2]string{
					{`Saltmarsh Ferries, the sole operator`, `<a href="/business/saltmarsh-ferries?utm_source=rss&amp;utm_medium=feed">Saltmarsh Ferries</a>, the sole operator`},
				}},
			},
		},
		weather(weatherDay{
			Key: "weather-nov-12", Published: at(12, 5, 30),
			Day: "Thursday", Date: "Nov. 12",
			Sky: "a cloudy morning with sunny spells later", Hi: 11, Lo: 4,
			Dir: "south-west", WMin: 20, WMax: 35, Gust: 55,
			Rain: "Light showers are possible in the evening, with up to 3 millimetres of rain.",
			Sea:  "moderate", Waves: "1.5 to 2", Ferries: "all crossings were expected to run to schedule.",
			HT1: "06:12", HT2: "18:31", LT1: "00:04", LT2: "12:20", Sunrise: "07:48", Sunset: "16:22",
			Outlook: "The outlook for the weekend is colder, with a risk of frost inland on Friday night.",
			Carriers: []carrier{
				{Outlet: coastline},
				{Outlet: tidewater, Delay: 40 * time.Minute},
			},
		}),
		weather(weatherDay{
			Key: "weather-nov-13", Published: at(13, 5, 30),
			Day: "Friday", Date: "Nov. 13",
			Sky: "clear skies and a sharp frost at first", Hi: 7, Lo: -2,
			Dir: "north", WMin: 15, WMax: 25, Gust: 40,
			Rain: "It will stay dry throughout the day.",
			Sea:  "slight", Waves: "0.5 to 1", Ferries: "all crossings were expected to run to schedule.",
			HT1: "06:49", HT2: "19:08", LT1: "00:41", LT2: "12:58", Sunrise: "07:50", Sunset: "16:20",
			Outlook: "The outlook for the weekend is dry and cold, with temperatures rising slightly on Sunday.",
			Carriers: []carrier{
				{Outlet: coastline},
				{Outlet: tidewater, Delay: 35 * time.Minute},
			},
		}),
		{
			Key: "grey-shoals-wind", Agency: cns, Place: "HARWICK BAY", Category: "Environment",
			Published: at(11, 9, 40),
			Title:     "Regulator approves 48-turbine wind farm off Harwick Bay",
			Paras: []string{
				`The national energy regulator on Wednesday approved plans for a 48-turbine wind farm about 22 kilometres off Harwick Bay, clearing the way for what would be the largest offshore wind project on the coast.`,
				`The Grey Shoals project, developed by Harwick Offshore Wind &amp; Co, is expected to produce about 720 megawatts when complete in 2030, enough to supply roughly 600,000 homes. Work on the foundations is due to start in spring 2028, and an onshore substation will be built on the site of a former fish-processing plant at the edge of the town.`,
				`The regulator attached 31 conditions to the licence, including limits on piling noise during the herring spawning season and a requirement to fund a survey of seabird colonies on the outer islands for ten years.`,
				`"This is a good day for the region. The project will bring several hundred jobs during construction and around 90 permanent ones in operations and maintenance," said Harwick Bay mayor Tove Brennan.`,
				`Fishing organisations, which opposed the project during two years of hearings, said they were studying the decision. "Our members will lose access to some of their best grounds, and nobody has yet explained how they will be compensated," said Joran Lisle of the Coastal Fishermen's Association. The association has eight weeks to lodge an appeal.`,
			},
			Credit: "kb/rt",
			Carriers: []carrier{
				{Outlet: coastline},
				{Outlet: northstar, Delay: 30 * time.Minute, Title: "Grey Shoals offshore wind farm wins approval"},
				{Outlet: harbour, Delay: 65 * time.Minute, Title: "Green light for giant wind farm off our coast"},
				{Outlet: tidewater, Delay: 4*time.Hour + 5*time.Minute, Title: "48 turbines, 720 megawatts: wind farm gets the go-ahead", Edits: [][2]string{
					{`approved plans for a 48-turbine wind farm`, `approved plans for a 48-turbine <a href="/world/energy/offshore-wind">wind farm</a>`},
				}},
			},
		},
		{
			Key: "cod-quota-blockade", Agency: cns, Place: "KESTREL POINT", Category: "Business",
			Published: at(12, 14, 20),
			Title:     "Fishing crews block harbour in protest at cod quota cut",
			Paras: []string{
				`About 60 fishing boats blocked the entrance to Kestrel Point harbour for six hours on Thursday in protest against a 30 percent cut in next year's cod quota, forcing a cargo ship and two ferries to wait offshore.`,
				`The fisheries ministry announced the cut last week, citing scientific advice that cod stocks along the coast had fallen to their lowest level in two decades. Boat owners say the reduction will push many small family businesses into bankruptcy.`,
				`"We are not against protecting the cod. We are against doing it on the backs of the smallest boats while the big trawlers keep fishing," said skipper Ansel Dunmore, whose family has fished out of Kestrel Point for four generations.`,
				`The coastguard monitored the blockade but did not intervene, and the boats returned to their moorings in the early afternoon. The harbour master said no vessel had been damaged.`,
				`The ministry said it would meet representatives of the coastal fleet next week to discuss a support package, including payments for boats that are laid up during the spawning season. A final decision on the quota is due in December.`,
			},
			Credit: "jm/hs",
			Carriers: []carrier{
				{Outlet: coastline},
				{Outlet: valley, Delay: 50 * time.Minute, Title: "Kestrel Point fishermen blockade harbour over quota", Sentences: 1},
				{Outlet: tidewater, Delay: 2 * time.Hour, NoGUID: true, Title: "Fishing boats block Kestrel Point harbour"},
			},
		},
		{
			Key: "robotics-title", Agency: cns, Place: "HARWICK BAY", Category: "Education",
			Published: at(13, 15, 0),
			Title:     "Harwick Bay students win national robotics title",
			Paras: []string{
				`A team of six students from Harwick Bay Upper Secondary School won the national youth robotics championship on Friday with a machine that sorts plastic waste collected from beaches, beating 41 teams from across the country.`,
				`The robot, nicknamed Gull, uses a camera and a small image-recognition program trained on thousands of photographs to tell apart bottle caps, fishing line and food packaging, and drops each item into the right container. In the final round it sorted a bucket of mixed beach litter in just under four minutes, with two mistakes.`,
				`"We started with the problem, not with the robot," said team captain Nadia Orsk, 17. "Every autumn we clean the beach below the school and it takes hours to sort what we pick up. We wanted something that could help volunteers do that."`,
				`The team, which built its first prototype from parts of a broken washing machine, wins 50,000 crowns for the school and a place at the international finals next June. Teacher Ruben Falk said the students would spend the winter making the robot waterproof.`,
				`Teams from Vellmark and Port Ellis took second and third place.`,
			},
			Credit: "sd/rt",
			Carriers: []carrier{
				{Outlet: coastline},
				{Outlet: harbour, Delay: 2*time.Hour + 40*time.Minute, Title: "Beach-cleaning robot wins national crown for local students"},
				{Outlet: valley, Delay: 3 * time.Hour, Title: "Harwick Bay team's litter-sorting robot takes national title", Sentences: 2},
			},
		},
		{
			Key: "childrens-wing", Agency: cns, Place: "HARWICK BAY", Category: "Health",
			Published: at(14, 8, 0),
			Title:     "Harwick Bay hospital opens children's wing after fundraising drive",
			Paras: []string{
				`Harwick Bay General Hospital opened a new children's wing on Saturday, five years after residents began a fundraising campaign that raised more than 8 million crowns through small donations, bake sales and charity swims.`,
				`The two-storey wing has 24 beds, a day clinic and rooms where parents can stay overnight with their children. Until now, children from the coast needing more than a few days in hospital were usually sent to Port Ellis, a journey of almost three hours by road and ferry from the outer islands.`,
				`"Families told us again and again that the hardest part was not the illness but the distance," said the hospital's medical director, Sanna Birk. "Now most of them will be able to stay close to home."`,
				`The regional health authority paid for about two thirds of the 26-million-crown building. The rest came from the campaign, which was started by a group of parents in 2021 and grew to include schools, sports clubs and the crews of Saltmarsh Ferries, who held an annual swim across the harbour.`,
				`The first patients are expected to move in on Monday.`,
			},
			Credit: "kb/hs",
			Carriers: []carrier{
				{Outlet: coastline},
				{Outlet: harbour, Delay: 45 * time.Minute, Title: "Children's wing opens thanks to five years of bake sales and swims"},
				{Outlet: northstar, Delay: 110 * time.Minute, Title: "Harwick Bay General opens 24-bed children's wing"},
			},
		},
	}
}
