package main

import (
	"fmt"
	"time"
)

// Daily bulletins: each agency files one a day from the same template, so
// two days' bulletins differ only in their numbers and must stay apart.

type marketDay struct {
	Key                   string
	Published             time.Time
	Title                 string
	Day, Next, Prev       string
	Dir, Pct, Level       string
	Up, Down, Turnover    int
	VsAvg                 string
	ShipDir, ShipPct      string
	LineDir, LinePct      string
	BankDir, BankPct      string
	PropDir, PropPct      string
	MostTraded, MostValue string
	FX, FXPrev            string
	YieldDir, Yield, Oil  string
	Carriers              []carrier
}

func markets(m marketDay) *story {
	return &story{
		Key: m.Key, Agency: mpa, Place: "PORT ELLIS", Category: "Markets",
		Published: m.Published, Title: m.Title,
		Paras: []string{
			fmt.Sprintf(`The Ellis All-Share index closed %s %s percent at %s points on %s, with %d of its 120 members gaining and %d falling. Turnover on the Ellis Stock Exchange was %d million crowns, %s the 30-day average.`,
				m.Dir, m.Pct, m.Level, m.Day, m.Up, m.Down, m.Turnover, m.VsAvg),
			fmt.Sprintf(`Shipping stocks %s %s percent as a group, and Ellis Line, the exchange's largest company by value, %s %s percent. Banks %s %s percent, while property companies %s %s percent.`,
				m.ShipDir, m.ShipPct, m.LineDir, m.LinePct, m.BankDir, m.BankPct, m.PropDir, m.PropPct),
			fmt.Sprintf(`The most traded share was %s, with %s million crowns changing hands.`, m.MostTraded, m.MostValue),
			fmt.Sprintf(`On the currency market the crown traded at %s per euro at 5 p.m., compared with %s late on %s. The yield on the 10-year government bond %s to %s percent.`,
				m.FX, m.FXPrev, m.Prev, m.YieldDir, m.Yield),
			fmt.Sprintf(`Brent crude was quoted at %s dollars a barrel at the close in Port Ellis. Trading reopens at 9 a.m. on %s.`, m.Oil, m.Next),
			`All figures are provisional closing values supplied by the Ellis Stock Exchange and may be revised in the official end-of-day report.`,
		},
		Credit:   "(Markets desk, Port Ellis; Editing by Jon Askew)",
		Carriers: m.Carriers,
	}
}

type weatherDay struct {
	Key                 string
	Published           time.Time
	Day, Date           string
	Sky                 string
	Hi, Lo              int
	Dir                 string
	WMin, WMax, Gust    int
	Rain                string
	Sea, Waves, Ferries string
	HT1, HT2, LT1, LT2  string
	Sunrise, Sunset     string
	Outlook             string
	Carriers            []carrier
}

func weather(w weatherDay) *story {
	return &story{
		Key: w.Key, Agency: cns, Place: "HARWICK BAY", Category: "Weather",
		Published: w.Published,
		Title:     fmt.Sprintf("Coastal weather outlook for %s, %s", w.Day, w.Date),
		Paras: []string{
			fmt.Sprintf(`Harwick Bay and the Saltmarsh coast can expect %s on %s, with daytime highs of %d degrees Celsius and overnight lows of %d degrees, the regional weather office said in its morning outlook.`,
				w.Sky, w.Day, w.Hi, w.Lo),
			fmt.Sprintf(`Winds will blow from the %s at %d to %d kilometres per hour, gusting to %d km/h on exposed headlands. %s`,
				w.Dir, w.WMin, w.WMax, w.Gust, w.Rain),
			fmt.Sprintf(`Sea conditions will be %s, with waves of %s metres off the outer islands. Saltmarsh Ferries said %s`,
				w.Sea, w.Waves, w.Ferries),
			fmt.Sprintf(`High tide at Harwick Bay harbour is at %s and %s, and low tide at %s and %s. Sunrise is at %s and sunset at %s.`,
				w.HT1, w.HT2, w.LT1, w.LT2, w.Sunrise, w.Sunset),
			fmt.Sprintf(`%s The weather office issues its next outlook at 5:30 a.m. tomorrow. Warnings are published on its website and broadcast on coastal radio.`, w.Outlook),
		},
		Credit:   "wx/rt",
		Carriers: w.Carriers,
	}
}
