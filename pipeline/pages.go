package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/output"
)

// StoryStore is what the story pages and the archives read from a store;
// Store includes it.
type StoryStore interface {
	// Story returns the story id with all its members in publish order,
	// then item id. An id the store does not hold is an error wrapping
	// news.ErrNotFound.
	Story(ctx context.Context, id string) (news.Story, error)
	// StoriesCreated returns the stories created at or after from and
	// before to, in the order of Stories, each as it stood at to: only
	// its members first seen before to (a story left without members is
	// left out), and Story.Updated the latest first-seen time among them.
	StoriesCreated(ctx context.Context, from, to time.Time) ([]news.Story, error)
	// FirstCreated returns when the oldest story was created; the zero
	// time when there is none.
	FirstCreated(ctx context.Context) (time.Time, error)
}

// Story returns the story id with every member, the representative first
// and the others in publish order (as Stories orders them). An unknown id
// is an error wrapping news.ErrNotFound. It only reads the store.
func (p *Pipeline) Story(ctx context.Context, id string, priority []string) (news.Story, error) {
	st, err := p.store.Story(ctx, id)
	if err != nil {
		return news.Story{}, err
	}
	represent(&st, priority)
	return st, nil
}

// represent puts the representative of st first among its members, the
// others in publish order, and dates the story by it.
func represent(st *news.Story, priority []string) {
	if r := Representative(st.Members, priority); r > 0 {
		st.Members[0], st.Members[r] = st.Members[r], st.Members[0]
		sortMembers(st.Members[1:])
	}
	if len(st.Members) > 0 {
		st.Published = st.Members[0].Published
	}
}

// ArchiveDelay is how long after the end of a UTC day its archive is
// published: a poll that began before midnight has stored and placed what
// it fetched by then, so that an archive, once published, does not change.
const ArchiveDelay = time.Hour

// day is the start of the UTC day of t.
func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// LastArchived returns the newest day whose archive is published at now:
// yesterday (UTC), or the day before during the first ArchiveDelay of a
// day. The current day is never archived.
func LastArchived(now time.Time) time.Time {
	return day(now.Add(-ArchiveDelay)).AddDate(0, 0, -1)
}

// Archive returns the archive of the UTC day d (RFC 5005): the stories
// created on it as they stood at its end, the representative of each
// first, and its neighbours. Every day from the one of the oldest story
// to LastArchived(now) has an archive, empty or not; any other day is an
// error wrapping news.ErrNotFound. Prev is the day before when it has an
// archive; Next is always the day after (its archive is published once
// that day is over), so that an archive's bytes never change. It only
// reads the store.
func (p *Pipeline) Archive(ctx context.Context, d, now time.Time, priority []string) (output.Archive, error) {
	d = day(d)
	first, err := p.store.FirstCreated(ctx)
	if err != nil {
		return output.Archive{}, fmt.Errorf("archive %s: %w", d.Format(time.DateOnly), err)
	}
	if first.IsZero() || d.Before(day(first)) || d.After(LastArchived(now)) {
		return output.Archive{}, fmt.Errorf("archive %s: %w", d.Format(time.DateOnly), news.ErrNotFound)
	}
	end := d.AddDate(0, 0, 1)
	ss, err := p.store.StoriesCreated(ctx, d, end)
	if err != nil {
		return output.Archive{}, fmt.Errorf("archive %s: %w", d.Format(time.DateOnly), err)
	}
	for i := range ss {
		represent(&ss[i], priority)
	}
	a := output.Archive{Day: d, Stories: ss, Next: end}
	if prev := d.AddDate(0, 0, -1); !prev.Before(day(first)) {
		a.Prev = prev
	}
	return a, nil
}

// newestArchive returns the day the subscription feed's prev-archive link
// names: LastArchived(now) when the store has a story created by then,
// else the zero time (no archive yet).
func (p *Pipeline) newestArchive(ctx context.Context, now time.Time) (time.Time, error) {
	first, err := p.store.FirstCreated(ctx)
	if err != nil {
		return time.Time{}, err
	}
	last := LastArchived(now)
	if first.IsZero() || day(first).After(last) {
		return time.Time{}, nil
	}
	return last, nil
}
