package dataset

import (
	"image"
	"image/color"
	"math/rand/v2"
	"testing"
)

// markedImage is a w x h image with one red pixel block per object box.
func markedImage(w, h int, boxes ...[4]int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for _, b := range boxes {
		for y := b[1]; y < b[3]; y++ {
			for x := b[0]; x < b[2]; x++ {
				img.SetRGBA(x, y, color.RGBA{255, 0, 0, 255})
			}
		}
	}
	return img
}

func TestHFlipMovesPixelsAndBoxes(t *testing.T) {
	img := markedImage(10, 4, [4]int{1, 1, 3, 2})
	out, objs := HFlip(img, []Object{{Box: [4]float32{1, 1, 3, 2}, Class: 2, Area: 2}})
	if objs[0].Box != [4]float32{7, 1, 9, 2} || objs[0].Class != 2 {
		t.Fatalf("flipped box %+v", objs[0])
	}
	if out.RGBAAt(7, 1).R != 255 || out.RGBAAt(8, 1).R != 255 || out.RGBAAt(1, 1).R != 0 {
		t.Error("pixels not mirrored with the box")
	}
}

func TestCropClipsOrDropsBoxes(t *testing.T) {
	img := markedImage(20, 20)
	objs := []Object{
		{Box: [4]float32{2, 2, 8, 8}, Area: 36},     // fully inside
		{Box: [4]float32{8, 8, 14, 12}, Area: 24},   // 4x2 of 6x4 kept: 1/3 -> dropped
		{Box: [4]float32{0, 4, 6, 10}, Area: 36},    // 4 of 6 columns kept: clipped
		{Box: [4]float32{15, 15, 19, 19}, Area: 16}, // outside
	}
	out, kept := Crop(img, objs, image.Rect(2, 0, 12, 10), 0.5)
	if out.Rect.Dx() != 10 || out.Rect.Dy() != 10 {
		t.Fatalf("crop size %v", out.Rect)
	}
	if len(kept) != 2 || kept[0].Box != [4]float32{0, 2, 6, 8} || kept[1].Box != [4]float32{0, 4, 4, 10} || kept[1].Area != 24 {
		t.Errorf("kept %+v", kept)
	}
}

func TestScaleScalesBoxes(t *testing.T) {
	img := markedImage(40, 20, [4]int{10, 4, 20, 8})
	out, objs := Scale(img, []Object{{Box: [4]float32{10, 4, 20, 8}, Area: 40}}, 0.5)
	if out.Rect.Dx() != 20 || out.Rect.Dy() != 10 || objs[0].Box != [4]float32{5, 2, 10, 4} || objs[0].Area != 10 {
		t.Fatalf("%v %+v", out.Rect, objs[0])
	}
	if out.RGBAAt(7, 3).R < 200 || out.RGBAAt(15, 8).R != 0 {
		t.Error("pixels not resized with the box")
	}
}

func TestAugmentKeepsBoxesValid(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	crops, flips := 0, 0
	for i := 0; i < 200; i++ {
		objs := []Object{{Box: [4]float32{5, 5, 30, 25}, Area: 500}, {Box: [4]float32{40, 10, 64, 48}, Area: 912}}
		img := markedImage(64, 48)
		out, got := Augment(img, objs, DefaultAugment, rng)
		W, H := float32(out.Rect.Dx()), float32(out.Rect.Dy())
		for _, o := range got {
			b := o.Box
			if b[0] < 0 || b[1] < 0 || b[2] > W || b[3] > H || b[2]-b[0] <= 0 || b[3]-b[1] <= 0 {
				t.Fatalf("invalid box %v in %vx%v", b, W, H)
			}
		}
		if len(got) == 0 {
			t.Fatal("a crop lost every object")
		}
		ratio := float64(out.Rect.Dx()) / float64(out.Rect.Dy())
		if ratio < 1.30 || ratio > 1.37 {
			crops++
		}
		if got[0].Box[0] > 20 {
			flips++
		}
	}
	if crops < 20 || flips < 50 {
		t.Errorf("%d crops and %d flips in 200", crops, flips)
	}
}
