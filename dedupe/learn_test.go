package dedupe

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// learnedRef is the furniture keys of a batch as Learn first counted
// them: each body's distinct keys sorted, all of them sorted and counted
// in runs. The reference for keyCounter.
func learnedRef(ts []*Text, need int) []uint64 {
	var keys, body []uint64
	bodies := make(map[uint64]bool)
	for _, t := range ts {
		if bodies[t.bodyKey()] {
			continue
		}
		bodies[t.bodyKey()] = true
		body = body[:0]
		for i := range t.blocks {
			b := &t.blocks[i]
			if b.key != 0 {
				body = append(body, b.key)
			}
			for _, sen := range t.sents[b.s0:b.s1] {
				if sen.key != 0 && sen.w1-sen.w0 >= minSentenceWords {
					body = append(body, sen.key)
				}
			}
		}
		slices.Sort(body)
		keys = append(keys, slices.Compact(body)...)
	}
	slices.Sort(keys)
	var out []uint64
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && keys[j] == keys[i] {
			j++
		}
		if j-i >= need {
			out = append(out, keys[i])
		}
		i = j
	}
	return out
}

// TestLearnMatchesReference: every feed of the generated set learns the
// keys that sorting and counting finds.
func TestLearnMatchesReference(t *testing.T) {
	s := wire()
	learnt := 0
	for _, feed := range s.names {
		ts := s.feeds[feed]
		need, ok := learnNeed(len(ts))
		if !ok {
			continue
		}
		var f Furniture
		f.Learn(ts)
		var got []uint64
		for k := range f.blocks {
			got = append(got, k)
		}
		slices.Sort(got)
		want := learnedRef(ts, need)
		if !slices.Equal(got, want) {
			t.Fatalf("feed %s: learned %d keys, the reference %d", feed, len(got), len(want))
		}
		learnt += len(got)
	}
	if learnt == 0 {
		t.Fatal("nothing learned: the comparison tested nothing")
	}
}

// TestKeyCounter: counts in how many bodies each key occurs, a key
// repeated within a body counting once, in a table crowded enough that
// probes collide and wrap around.
func TestKeyCounter(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var kc keyCounter
	kc.init(200)
	want := make(map[uint64]map[int32]bool)
	for body := int32(0); body < 40; body++ {
		for range 30 {
			k := uint64(rng.IntN(200) + 1) // few distinct keys: repeats within a body
			kc.add(k, body)
			if want[k] == nil {
				want[k] = make(map[int32]bool)
			}
			want[k][body] = true
		}
	}
	for need := 1; need <= 12; need++ {
		var ref []uint64
		for k, bodies := range want {
			if len(bodies) >= need {
				ref = append(ref, k)
			}
		}
		got := kc.atLeast(need)
		slices.Sort(got)
		slices.Sort(ref)
		if !slices.Equal(got, ref) {
			t.Fatalf("need %d: %d keys, want %d", need, len(got), len(ref))
		}
	}
}

// TestFurnitureRoundTrip: a model stored and read back cleans and prepares
// as the one learned; bytes that are not a model are refused.
func TestFurnitureRoundTrip(t *testing.T) {
	s := wire()
	feed := s.names[0]
	var f Furniture
	f.Learn(s.feeds[feed])
	if len(f.blocks) == 0 {
		t.Fatal("nothing learned: the round trip tests nothing")
	}
	raw, err := f.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back Furniture
	if err := back.UnmarshalBinary(raw); err != nil {
		t.Fatal(err)
	}
	again, _ := back.MarshalBinary()
	if !slices.Equal(raw, again) {
		t.Error("the model's bytes changed in a round trip")
	}
	for _, tx := range s.feeds[feed] {
		if f.Clean(tx) != back.Clean(tx) {
			t.Fatal("the model read back cleans otherwise")
		}
	}
	if err := back.UnmarshalBinary(raw[:len(raw)-1]); err == nil {
		t.Error("a cut model was accepted")
	}
}

// TestStoryGroupsMatchReference: storyGroups (prefix-filtered, on dense
// ids) partitions each feed of the generated set, and of the set's feeds
// run together (larger, with more copies), as the plain all-pairs
// definition does.
func TestStoryGroupsMatchReference(t *testing.T) {
	s := wire()
	batches := [][]*Text{}
	for _, name := range s.names[:20] {
		batches = append(batches, s.feeds[name])
	}
	var joined []*Text
	for _, name := range s.names[:6] {
		joined = append(joined, s.feeds[name]...)
	}
	batches = append(batches, joined)
	for bi, ts := range batches {
		body := make([]uint64, len(ts))
		blocks := make([][]uint64, len(ts))
		for i, tx := range ts {
			body[i] = tx.bodyKey()
			for j := range tx.blocks {
				if k := tx.blocks[j].key; k != 0 {
					blocks[i] = append(blocks[i], k&^0xFFFF) // storyGroups compares 48 bits
				}
			}
		}
		got, _ := storyGroups(body, blocks)
		want := referenceGroups(body, blocks)
		for i := range ts {
			for j := range i {
				if (got[i] == got[j]) != (want[i] == want[j]) {
					t.Fatalf("batch %d: bodies %d and %d together %v, reference %v", bi, i, j, got[i] == got[j], want[i] == want[j])
				}
			}
		}
	}
}

// referenceGroups is storyGroups by its definition: every pair compared.
func referenceGroups(body []uint64, blocks [][]uint64) []int32 {
	n := len(body)
	sets := make([]map[uint64]bool, n)
	for i, ks := range blocks {
		sets[i] = map[uint64]bool{}
		for _, k := range ks {
			sets[i][k] = true
		}
	}
	uf := newUnionFind(n)
	for i := range n {
		for j := range i {
			if body[i] == body[j] {
				uf.union(i, j)
			}
		}
	}
	jaccard := func(a, b map[uint64]bool) float64 {
		inter := 0
		for k := range a {
			if b[k] {
				inter++
			}
		}
		if u := len(a) + len(b) - inter; u > 0 {
			return float64(inter) / float64(u)
		}
		return 0
	}
	link := func(bar float64) {
		for i := range n {
			for j := range i {
				if jaccard(sets[i], sets[j]) >= bar {
					uf.union(i, j)
				}
			}
		}
	}
	link(sameBodyJaccard)
	groups, ng := uf.dense()
	need, _ := learnNeed(ng)
	inGroups := map[uint64]map[int32]bool{}
	for i, set := range sets {
		for k := range set {
			if inGroups[k] == nil {
				inGroups[k] = map[int32]bool{}
			}
			inGroups[k][groups[i]] = true
		}
	}
	for _, set := range sets {
		for k := range set {
			if len(inGroups[k]) >= need {
				delete(set, k)
			}
		}
	}
	link(sameStoryJaccard)
	out, _ := uf.dense()
	return out
}
