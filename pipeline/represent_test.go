package pipeline

import (
	"testing"
	"time"

	"github.com/wirestory/aggregator/news"
)

// TestRepresentativeNewestVersion: a running story's representative is
// the newest version, not a late copy of an older one nor a summary of
// the newest; of the newest version's copies, the originator (earliest);
// and the preferred source's copy when priority names one.
func TestRepresentativeNewestVersion(t *testing.T) {
	update := []string{
		"Late on Monday the board added that freight firms would be offered reduced berth fees at the northern terminal for the first six months after the move, a concession the shippers' association called too little and too late.",
		"The association's spokesman, Teodor Brannick, said members would meet on Thursday to decide whether to challenge the vote in the regional court, arguing that the consultation rules for port closures had been ignored.",
	}
	v1, v2 := harbour, append(append([]string{}, harbour...), update...)
	member := func(feed, guid string, paras []string, min int) news.StoredItem {
		it := item(feed, guid, "t", paras, t0.Add(time.Duration(min)*time.Minute))
		return news.StoredItem{Item: it, ID: news.ItemID(feed, it.Key()), CleanHTML: it.Content}
	}
	members := []news.StoredItem{
		member("agency", "v1", v1, 0),
		member("outlet", "v1-copy", v1, 10),
		member("agency", "v2", v2, 120),
		member("other", "v2-copy", v2, 130),
		member("outlet", "v1-late", v1, 180),       // a slow outlet's copy of the first version
		member("brief", "v2-summary", v2[:1], 240), // a summary-only feed
	}
	for _, tc := range []struct {
		priority []string
		want     string
	}{
		{nil, "v2"},
		{[]string{"other"}, "v2-copy"},
		{[]string{"outlet"}, "v1-copy"},
		{[]string{"brief"}, "v2-summary"},
	} {
		if r := Representative(members, tc.priority); r < 0 || members[r].GUID != tc.want {
			t.Errorf("priority %v: representative %d, want %s", tc.priority, r, tc.want)
		}
	}
	if r := Representative(nil, nil); r != -1 {
		t.Errorf("no members: %d, want -1", r)
	}
}
