package eval

// Errors returns up to max wrongly merged pairs (labelled apart, placed in
// one story) and wrongly split pairs (labelled together, placed apart),
// each the earlier placement first.
func Errors(c *Corpus, ps []Placement, max int) (merged, split [][2]Placement) {
	for i := range ps {
		li, ok := c.Labels[Canon(ps[i].Item.Link)]
		if !ok {
			continue
		}
		for j := 0; j < i; j++ {
			lj, ok := c.Labels[Canon(ps[j].Item.Link)]
			if !ok {
				continue
			}
			same, together := li == lj, ps[i].Story == ps[j].Story
			switch {
			case together && !same && len(merged) < max:
				merged = append(merged, [2]Placement{ps[j], ps[i]})
			case same && !together && len(split) < max:
				split = append(split, [2]Placement{ps[j], ps[i]})
			}
		}
	}
	return merged, split
}
