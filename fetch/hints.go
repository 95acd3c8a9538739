package fetch

import (
	"strconv"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
)

// What a feed document says of its pace, for the schedule: its own
// update period, and the dates of its items (Learn).

// syPeriods are the sy:updatePeriod values of the RSS 1.0 syndication
// module.
var syPeriods = map[string]time.Duration{
	"hourly": time.Hour, "daily": 24 * time.Hour, "weekly": 7 * 24 * time.Hour,
	"monthly": 30 * 24 * time.Hour, "yearly": 365 * 24 * time.Hour,
}

// updatePeriod returns how often the feed says it is updated, by the
// syndication module (sy:updatePeriod, hourly when only sy:updateFrequency
// is given, divided by sy:updateFrequency, 1 when absent), at most
// maxHint; zero when it says nothing or nonsense.
func updatePeriod(f *gofeed.Feed) time.Duration {
	sy := f.Extensions["sy"]
	value := func(name string) string {
		if es := sy[name]; len(es) > 0 {
			return strings.ToLower(strings.TrimSpace(es[0].Value))
		}
		return ""
	}
	period, freq := value("updatePeriod"), value("updateFrequency")
	if period == "" && freq == "" {
		return 0
	}
	d, ok := time.Hour, true
	if period != "" {
		d, ok = syPeriods[period]
	}
	n := 1
	if freq != "" {
		var err error
		if n, err = strconv.Atoi(freq); err != nil || n < 1 {
			return 0
		}
	}
	if !ok {
		return 0
	}
	return min(d/time.Duration(n), maxHint)
}

// feedDates returns the publish times of the items that have one (their
// published, else updated date), as itemTimes gives them.
func feedDates(items []*gofeed.Item, now time.Time) []time.Time {
	var out []time.Time
	for _, it := range items {
		if it == nil || !dated(it) {
			continue
		}
		published, _ := itemTimes(it, now)
		out = append(out, published)
	}
	return out
}

func dated(it *gofeed.Item) bool {
	return (it.PublishedParsed != nil && !it.PublishedParsed.IsZero()) ||
		(it.UpdatedParsed != nil && !it.UpdatedParsed.IsZero())
}
