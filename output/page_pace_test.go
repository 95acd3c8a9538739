package output

import (
	"regexp"
	"testing"
	"time"
)

// TestPageShowsInterval: the health table shows each feed's learned poll
// interval, to the minute, and a dash for a feed not learned yet.
func TestPageShowsInterval(t *testing.T) {
	page := servePage(t, sampleStories(), sampleFeeds(), sampleOptions())
	if !regexp.MustCompile(`<th[^>]*>Polled every</th><th>Next poll</th>`).MatchString(page) {
		t.Errorf("the health table has no Polled every column")
	}
	for feed, want := range map[string]string{"harbor-gazette": "17 min", "valley-courier": "2 h 30 min", "old-herald": "—"} {
		re := regexp.MustCompile(`(?s)data-label="Feed">` + feed + `</td>.*?data-label="Polled every">([^<]*)</td>`)
		if m := re.FindStringSubmatch(page); m == nil || m[1] != want {
			t.Errorf("%s: polled every %q, want %q", feed, m, want)
		}
	}
	for d, want := range map[time.Duration]string{
		0: "—", 42 * time.Second: "42 s", 5 * time.Minute: "5 min", 2 * time.Hour: "2 h", 24 * time.Hour: "24 h",
		3*time.Hour + 44*time.Minute + 31*time.Second: "3 h 45 min",
	} {
		if got := every(d); got != want {
			t.Errorf("every(%v) = %q, want %q", d, got, want)
		}
	}
}
