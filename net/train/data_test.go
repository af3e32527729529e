package train

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/dataset"
)

func dataLoader(t *testing.T, ds *dataset.Dataset, aug dataset.AugmentOptions) *Loader {
	t.Helper()
	l, err := NewLoader(ds, DataOptions{BatchSize: 3, MinSize: 64, MaxSize: 64, Mean: net.ImageNetMean, Std: net.ImageNetStd,
		Augment: aug, Seed: 9, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestBatchesAreDeterministic(t *testing.T) {
	ds := loopSynthSet(t)
	a, b := dataLoader(t, ds, dataset.DefaultAugment), dataLoader(t, ds, dataset.DefaultAugment)
	if a.Len() != 3 {
		t.Fatalf("%d batches, want 3 (8 images by 3)", a.Len())
	}
	if slices.Equal(a.Order(0), a.Order(1)) {
		t.Fatal("epochs 0 and 1 have the same order")
	}
	for epoch := range 2 {
		for i := range a.Len() {
			x, err := a.Batch(epoch, i, a.Order(epoch))
			if err != nil {
				t.Fatal(err)
			}
			y, err := b.Batch(epoch, i, b.Order(epoch))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(x.Images, y.Images) || x.N != y.N || x.H != y.H || x.W != y.W {
				t.Fatalf("epoch %d batch %d differs between two loaders", epoch, i)
			}
			for j := range x.Targets {
				if !slices.Equal(x.Targets[j], y.Targets[j]) {
					t.Fatalf("epoch %d batch %d image %d targets differ", epoch, i, j)
				}
			}
		}
	}
}

func TestBatchGeometryAndTargets(t *testing.T) {
	ds := loopSynthSet(t)
	// No augmentation: every 64 x 64 image stays 64 x 64 and keeps its boxes.
	l := dataLoader(t, ds, dataset.AugmentOptions{})
	order := l.Order(0)
	b, err := l.Batch(0, 2, order) // the last, short batch: 8 = 3 + 3 + 2
	if err != nil {
		t.Fatal(err)
	}
	if b.N != 2 || b.H != 64 || b.W != 64 || len(b.Images) != 2*3*64*64 {
		t.Fatalf("batch %d x %d x %d with %d values", b.N, b.H, b.W, len(b.Images))
	}
	if err := b.check(len(ds.Classes)); err != nil {
		t.Fatal(err)
	}
	for i, ts := range b.Targets {
		s := ds.Samples[order[6+i]]
		var want []Target
		for _, o := range s.Boxes {
			if !o.Crowd {
				want = append(want, Target{Box: o.Box, Class: o.Class})
			}
		}
		if !slices.Equal(ts, want) {
			t.Fatalf("image %d: targets %v, want %v (crowd dropped)", i, ts, want)
		}
		if b.ImageSizes[i] != [2]int{64, 64} {
			t.Fatalf("image size %v", b.ImageSizes[i])
		}
	}
}

func TestBatchTargetsInsideImages(t *testing.T) {
	ds := loopSynthSet(t)
	aug := dataset.DefaultAugment
	aug.CropProb, aug.ScaleMin, aug.ScaleMax = 1, 0.5, 1.5
	l := dataLoader(t, ds, aug)
	for epoch := range 3 {
		for i := range l.Len() {
			b, err := l.Batch(epoch, i, l.Order(epoch))
			if err != nil {
				t.Fatal(err)
			}
			if b.H%32 != 0 || b.W%32 != 0 {
				t.Fatalf("batch %dx%d is not padded to multiples of 32", b.H, b.W)
			}
			for j, ts := range b.Targets {
				h, w := float32(b.ImageSizes[j][0]), float32(b.ImageSizes[j][1])
				for _, tg := range ts {
					if !(tg.Box[0] >= 0 && tg.Box[1] >= 0 && tg.Box[2] <= w+1e-3 && tg.Box[3] <= h+1e-3 && tg.Box[2] > tg.Box[0] && tg.Box[3] > tg.Box[1]) {
						t.Fatalf("box %v outside its %vx%v image", tg.Box, w, h)
					}
				}
			}
		}
	}
}

func TestLoaderErrors(t *testing.T) {
	ds := loopSynthSet(t)
	if _, err := NewLoader(&dataset.Dataset{}, DataOptions{BatchSize: 1, MinSize: 64, MaxSize: 64}); err == nil {
		t.Error("empty dataset accepted")
	}
	bad := []DataOptions{
		{BatchSize: 0, MinSize: 64, MaxSize: 64},
		{BatchSize: 1, MinSize: 16, MaxSize: 64},
		{BatchSize: 1, MinSize: 64, MaxSize: 32},
		{BatchSize: 1, MinSize: 64, MaxSize: 64, Augment: dataset.AugmentOptions{ScaleMin: 2, ScaleMax: 1}},
		{BatchSize: 1, MinSize: 64, MaxSize: 64, Augment: dataset.AugmentOptions{FlipProb: 2}},
	}
	for _, o := range bad {
		if _, err := NewLoader(ds, o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
	// A missing image and an image whose size disagrees with its
	// annotation are reported with the file's name.
	dir := t.TempDir()
	broken := *ds
	broken.Samples = slices.Clone(ds.Samples[:2])
	broken.Samples[0].ImagePath = filepath.Join(dir, "gone.jpg")
	l := dataLoader(t, &broken, dataset.AugmentOptions{})
	if _, err := l.Batch(0, 0, []int{0, 1}); err == nil || !strings.Contains(err.Error(), "gone.jpg") {
		t.Errorf("missing image: %v", err)
	}
	broken.Samples[0] = ds.Samples[0]
	broken.Samples[0].Width = 65
	if _, err := l.Batch(0, 0, []int{0, 1}); err == nil || !strings.Contains(err.Error(), "annotation says 65x64") {
		t.Errorf("size mismatch: %v", err)
	}
	os.Remove(dir)
}
