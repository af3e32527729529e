package dataset

import (
	"fmt"
	"math"
	"sort"
)

// Split holds out the fraction frac of the images (rounded, at least one
// on each side) as a validation set, the same ones for the same seed and
// dataset on every machine and Go version. It is stratified: images are
// grouped by their rarest class (the class with the fewest objects in the
// whole dataset; images without objects form their own group), shuffled
// within each group by the seed, and validation images are taken at even
// steps through the groups in turn, so each group gives its share (within
// one image). Both sets keep the dataset's classes, format and order.
func (d *Dataset) Split(frac float64, seed uint64) (train, val *Dataset, err error) {
	n := len(d.Samples)
	if !(frac > 0 && frac < 1) {
		return nil, nil, fmt.Errorf("validation split %g: want a fraction between 0 and 1 (0.2 holds out a fifth)", frac)
	}
	nVal := int(math.Round(frac * float64(n)))
	if nVal < 1 || nVal >= n {
		return nil, nil, fmt.Errorf("validation split %g of %d images leaves %d for validation and %d for training: want at least one each", frac, n, nVal, n-nVal)
	}
	objects := make([]int, len(d.Classes))
	for _, s := range d.Samples {
		for _, o := range s.Boxes {
			objects[o.Class]++
		}
	}
	type entry struct {
		index int
		group int // the image's rarest class; len(Classes) when it has no objects
		key   uint64
	}
	order := make([]entry, n)
	for i, s := range d.Samples {
		g := len(d.Classes)
		for _, o := range s.Boxes {
			if g == len(d.Classes) || objects[o.Class] < objects[g] || objects[o.Class] == objects[g] && o.Class < g {
				g = o.Class
			}
		}
		order[i] = entry{i, g, splitmix64(seed ^ splitmix64(uint64(i)))}
	}
	sort.Slice(order, func(a, b int) bool {
		if order[a].group != order[b].group {
			return order[a].group < order[b].group
		}
		return order[a].key < order[b].key
	})
	held := make([]bool, n)
	for j := range nVal {
		held[order[(2*j+1)*n/(2*nVal)].index] = true
	}
	train = &Dataset{Classes: d.Classes, Format: d.Format, Warnings: d.Warnings}
	val = &Dataset{Classes: d.Classes, Format: d.Format}
	for i, s := range d.Samples {
		if held[i] {
			val.Samples = append(val.Samples, s)
		} else {
			train.Samples = append(train.Samples, s)
		}
	}
	return train, val, nil
}

// splitmix64 is a fixed mixing function (Steele et al.), so that the split
// does not depend on a library's random number generator.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}
