package dedupe

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// restoreCase is a window as a store keeps it: documents placed in
// stories, with their records, publish times (some shared) and the order
// they were stored in.
type restoreCase struct {
	docs    []tdoc
	stories []string
	records [][]byte
}

func newRestoreCase(t *testing.T) restoreCase {
	t.Helper()
	live := newSet(Options{})
	var c restoreCase
	for i := range 60 {
		ps := paragraphs(uint64(900+i%17), 6) // 17 stories, copies and versions of each
		body := page(ps[:3+i%4]...)
		// Publish times repeat, so that the order key decides ties.
		c.docs = append(c.docs, doc(fmt.Sprintf("d%02d", i), fmt.Sprintf("f%d", i%5), (i*7)%23, body))
	}
	c.stories = add(live, c.docs...)
	for _, d := range c.docs {
		c.records = append(c.records, live.record(d))
	}
	return c
}

// windowOrder returns the documents' indexes by publish time, then index:
// the order a store's Window used to give them in.
func (c restoreCase) windowOrder() []int {
	order := make([]int, len(c.docs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return c.docs[a].Published.Compare(c.docs[b].Published) })
	return order
}

// sameIndex reports whether two indexes hold the same window, slot for
// slot and list for list.
func sameIndex(a, b *Index) bool {
	return reflect.DeepEqual(a.entries, b.entries) && reflect.DeepEqual(a.byID, b.byID) &&
		reflect.DeepEqual(a.stories, b.stories) && reflect.DeepEqual(a.byStory, b.byStory) &&
		reflect.DeepEqual(a.post, b.post) && a.live == b.live &&
		slices.Equal(a.free, b.free) && slices.Equal(a.freeStory, b.freeStory)
}

// TestRestorerMatchesRestore: documents handed to a Restorer in any order
// give the index that Restore gives in the window's order, into an empty
// index and into one that holds documents already.
func TestRestorerMatchesRestore(t *testing.T) {
	c := newRestoreCase(t)
	for _, prior := range []int{0, 1, 3} {
		t.Run(fmt.Sprintf("%d before", prior), func(t *testing.T) {
			want, got := NewIndex(Options{}), NewIndex(Options{})
			order := c.windowOrder()
			// The first documents in the window's order go in one by
			// one; the Restorer gets the others shuffled.
			for _, i := range order[:prior] {
				for _, ix := range []*Index{want, got} {
					if err := ix.Restore(c.docs[i].doc(), c.stories[i], c.records[i]); err != nil {
						t.Fatal(err)
					}
				}
			}
			for _, i := range order[prior:] {
				if err := want.Restore(c.docs[i].doc(), c.stories[i], c.records[i]); err != nil {
					t.Fatal(err)
				}
			}
			rest := order[prior:]
			r := rand.New(rand.NewPCG(uint64(prior), 7))
			r.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
			rs := got.Restorer(len(rest))
			for _, i := range rest {
				if err := rs.Add(c.docs[i].doc(), int64(i), c.stories[i], c.records[i]); err != nil {
					t.Fatal(err)
				}
			}
			rs.Done()
			if !sameIndex(want, got) {
				t.Fatalf("the Restorer's index differs from Restore's in the window's order")
			}
			// And it decides as the other does.
			next := doc("next", "g", 30, page(paragraphs(905, 6)...))
			p := newSet(Options{}).prepare(next)
			if a, b := want.Add(next.doc(), &p, "s-next"), got.Add(next.doc(), &p, "s-next"); !reflect.DeepEqual(a, b) {
				t.Errorf("a new document: %+v after Restore, %+v after the Restorer", a, b)
			}
		})
	}
}

// TestRestorerSameID: an id added twice is restored as Restore would
// restore it (the later in the window's order replaces the earlier).
func TestRestorerSameID(t *testing.T) {
	c := newRestoreCase(t)
	order := c.windowOrder()
	dup := order[len(order)-1]
	d := c.docs[order[0]].doc()
	d.ID = c.docs[dup].ID // an earlier document under the last one's id

	want := NewIndex(Options{})
	if err := want.Restore(d, c.stories[order[0]], c.records[order[0]]); err != nil {
		t.Fatal(err)
	}
	for _, i := range order[1:] {
		if err := want.Restore(c.docs[i].doc(), c.stories[i], c.records[i]); err != nil {
			t.Fatal(err)
		}
	}
	got := NewIndex(Options{})
	rs := got.Restorer(0)
	for _, i := range slices.Backward(order) {
		if i == order[0] {
			if err := rs.Add(d, int64(i), c.stories[i], c.records[i]); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := rs.Add(c.docs[i].doc(), int64(i), c.stories[i], c.records[i]); err != nil {
			t.Fatal(err)
		}
	}
	rs.Done()
	if !sameIndex(want, got) {
		t.Fatal("with an id added twice, the Restorer's index differs from Restore's")
	}
	if got.Len() != len(c.docs)-1 {
		t.Errorf("Len = %d, want %d (one id replaced)", got.Len(), len(c.docs)-1)
	}
}

func TestRestorerBadRecord(t *testing.T) {
	c := newRestoreCase(t)
	ix := NewIndex(Options{})
	rs := ix.Restorer(2)
	if err := rs.Add(c.docs[0].doc(), 0, c.stories[0], c.records[0][:20]); !errors.Is(err, ErrRecord) {
		t.Errorf("a cut record: %v, want ErrRecord", err)
	}
	if err := rs.Add(c.docs[1].doc(), 1, c.stories[1], c.records[1]); err != nil {
		t.Fatal(err)
	}
	rs.Done()
	if ix.Len() != 1 || ix.byID[c.docs[1].ID] != 0 {
		t.Errorf("Len = %d, byID = %v: want the good document alone", ix.Len(), ix.byID)
	}
}
