package dataset

import (
	"fmt"
	"slices"
	"testing"
)

// splitSet has n images: every third holds a rare class 2 (with a common
// class 0), the others class 0 or 1, and every tenth no object.
func splitSet(n int) *Dataset {
	d := &Dataset{Classes: []string{"common", "other", "rare"}, Format: FormatYOLO}
	for i := range n {
		s := Sample{ImagePath: fmt.Sprintf("img%03d.jpg", i), Width: 10, Height: 10}
		switch {
		case i%10 == 9:
		case i%3 == 0:
			s.Boxes = []Object{{Class: 0}, {Class: 2}}
		default:
			s.Boxes = []Object{{Class: i % 2}, {Class: 0}}
		}
		d.Samples = append(d.Samples, s)
	}
	return d
}

func paths(d *Dataset) []string {
	var p []string
	for _, s := range d.Samples {
		p = append(p, s.ImagePath)
	}
	return p
}

func TestSplitDeterministicAndStratified(t *testing.T) {
	d := splitSet(100)
	train, val, err := d.Split(0.2, 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(val.Samples) != 20 || len(train.Samples) != 80 {
		t.Fatalf("split 0.2 of 100: %d train, %d val", len(train.Samples), len(val.Samples))
	}
	// Every image lands in exactly one set, in the dataset's order.
	all := append(paths(train), paths(val)...)
	slices.Sort(all)
	if !slices.Equal(all, paths(d)) || !slices.IsSorted(paths(val)) || !slices.Equal(val.Classes, d.Classes) {
		t.Fatalf("the sets do not partition the dataset in order")
	}
	// Stratified: the rare class (in 31 images, 30 after the empty ones)
	// and the empty images (10) each give a fifth, within one image.
	rare, empty := 0, 0
	for _, s := range val.Samples {
		if len(s.Boxes) == 0 {
			empty++
		} else if slices.ContainsFunc(s.Boxes, func(o Object) bool { return o.Class == 2 }) {
			rare++
		}
	}
	if rare < 5 || rare > 7 || empty < 1 || empty > 3 {
		t.Errorf("validation holds %d rare-class and %d empty images, want about 6 and 2", rare, empty)
	}
	// The same seed gives the same split; another seed another one.
	_, again, _ := d.Split(0.2, 7)
	_, other, _ := d.Split(0.2, 8)
	if !slices.Equal(paths(again), paths(val)) {
		t.Error("the same seed split differently")
	}
	if slices.Equal(paths(other), paths(val)) {
		t.Error("seeds 7 and 8 gave the same split")
	}
}

func TestSplitErrors(t *testing.T) {
	for _, c := range []struct {
		n    int
		frac float64
		want string
	}{
		{10, 0, "want a fraction between 0 and 1"},
		{10, 1, "want a fraction between 0 and 1"},
		{10, -0.5, "want a fraction between 0 and 1"},
		{3, 0.1, "validation split 0.1 of 3 images leaves 0 for validation and 3 for training"},
		{3, 0.9, "leaves 3 for validation and 0 for training"},
	} {
		_, _, err := splitSet(c.n).Split(c.frac, 1)
		wantErr(t, err, c.want)
	}
}
