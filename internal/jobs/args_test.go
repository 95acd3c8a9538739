package jobs

import (
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/wirestory/aggregator/news"
)

// TestDues: a feed is due at the first tick of its schedule at or after
// the earliest time it may be polled; a feed that follows its learned
// interval may be due sooner, at that earliest time (to the second), but
// never sooner than a minute after its last poll; a gone feed never.
func TestDues(t *testing.T) {
	hourly, err := cron.ParseStandard("0 * * * *")
	if err != nil {
		t.Fatal(err)
	}
	tenMinutes, err := cron.ParseStandard("*/10 * * * *")
	if err != nil {
		t.Fatal(err)
	}
	everyTwoSeconds := cron.Every(2 * time.Second)
	now := time.Date(2031, 3, 4, 10, 20, 0, 0, time.UTC)
	at := func(h, m, s int) time.Time { return time.Date(2031, 3, 4, h, m, s, 0, time.UTC) }
	learned := news.FeedState{NextPoll: at(10, 37, 12).Add(300 * time.Millisecond)}
	for _, tc := range []struct {
		name string
		got  time.Time
		want time.Time
	}{
		{"next, own schedule", nextDue(hourly, true, at(10, 0, 0), now, learned), at(11, 0, 0)},
		{"next, learned", nextDue(hourly, false, at(10, 0, 0), now, learned), at(10, 37, 13)},
		{"next, learned but due now", nextDue(hourly, false, at(10, 0, 0), now, news.FeedState{NextPoll: now}), at(10, 21, 0)},
		{"next, learned, a wake before the tick", nextDue(tenMinutes, false, at(10, 20, 0), now.Add(500*time.Millisecond), news.FeedState{NextPoll: now.Add(time.Millisecond)}), at(10, 21, 1)},
		{"next, learned, the tick before a wake", nextDue(everyTwoSeconds, false, at(10, 20, 0), now.Add(500*time.Millisecond), news.FeedState{NextPoll: now.Add(time.Millisecond)}), at(10, 20, 2)},
		{"next, gone", nextDue(hourly, false, at(10, 0, 0), now, news.FeedState{Gone: true}), time.Time{}},
		{"first, may poll now", firstDue(hourly, false, news.FeedState{NextPoll: at(10, 0, 0)}, now.Add(400*time.Millisecond)), now},
		{"first, own schedule", firstDue(hourly, true, learned, now), at(11, 0, 0)},
		{"first, learned", firstDue(hourly, false, learned, now), at(10, 37, 13)},
	} {
		if !tc.got.Equal(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, tc.got, tc.want)
		}
	}
}
