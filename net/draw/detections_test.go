package draw

import (
	"image"
	"image/color"
	"math"
	"testing"
)

var grey = color.RGBA{90, 90, 90, 255}

func greyImage(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(m.Pix); i += 4 {
		m.Pix[i], m.Pix[i+1], m.Pix[i+2], m.Pix[i+3] = grey.R, grey.G, grey.B, 255
	}
	return m
}

func TestRectangleEdgesAndInside(t *testing.T) {
	src := greyImage(120, 100)
	d := Box{X1: 20.4, Y1: 40.6, X2: 70, Y2: 90, Label: "cat", Score: 0.87, Class: 3}
	out := Detections(src, []Box{d})
	c := ClassColor(3)
	// Rounded box: x in [20, 70), y in [41, 90).
	for _, p := range []image.Point{
		{20, 41}, {21, 42}, {69, 41}, {68, 89}, {20, 89}, {45, 41}, {45, 42}, {45, 88}, {45, 89},
		{20, 60}, {21, 60}, {68, 60}, {69, 60},
	} {
		if got := out.RGBAAt(p.X, p.Y); got != c {
			t.Errorf("edge pixel %v = %v, want class colour %v", p, got, c)
		}
	}
	// Just inside the 2-px lines and just outside the box: unchanged.
	for _, p := range []image.Point{{22, 43}, {67, 87}, {45, 65}, {19, 60}, {70, 60}, {45, 90}, {66, 60}} {
		if got := out.RGBAAt(p.X, p.Y); got != grey {
			t.Errorf("pixel %v = %v, want it unchanged", p, got)
		}
	}
	// The source is not modified.
	if src.RGBAAt(20, 41) != grey {
		t.Error("Detections drew on its input")
	}
}

func TestTagIsDrawn(t *testing.T) {
	d := Box{X1: 20, Y1: 40, X2: 70, Y2: 90, Label: "cat", Score: 0.87, Class: 1}
	if TagText(d) != "cat 0.87" {
		t.Fatalf("tag text %q", TagText(d))
	}
	if got := TagText(Box{Class: 7, Score: 0.5}); got != "class 7 0.50" {
		t.Fatalf("unlabelled tag text %q", got)
	}
	out := Detections(greyImage(120, 100), []Box{d})
	r := TagRect(out.Rect, image.Rect(20, 40, 70, 90), TagText(d))
	if r.Max.Y != 40 || r.Min.X != 20 || r.Dx() < 8*7 || r.Dy() != 17 {
		t.Fatalf("tag rect %v", r)
	}
	bg, fg := 0, 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			switch out.RGBAAt(x, y) {
			case ClassColor(1):
				bg++
			case grey:
				t.Fatalf("tag pixel (%d,%d) unchanged", x, y)
			default:
				fg++
			}
		}
	}
	if bg == 0 || fg < 20 {
		t.Fatalf("tag has %d background and %d text pixels", bg, fg)
	}
	// Above the tag nothing changed.
	if out.RGBAAt(25, r.Min.Y-1) != grey {
		t.Fatal("pixel above the tag changed")
	}
}

func TestTagMovesInsideAtTopEdge(t *testing.T) {
	box := image.Rect(5, 3, 60, 50)
	r := TagRect(image.Rect(0, 0, 100, 100), box, "dog 0.50")
	if r.Min.Y != 3 {
		t.Fatalf("tag at the top edge goes to %v, want inside the box top", r)
	}
}

func TestClippingAndBadBoxes(t *testing.T) {
	inf := float32(math.Inf(1))
	nan := float32(math.NaN())
	dets := []Box{
		{X1: -50, Y1: -50, X2: 30, Y2: 30, Class: 0},         // over the top-left corner
		{X1: 90, Y1: 80, X2: 500, Y2: 400, Class: 1},         // over the bottom-right
		{X1: 200, Y1: 200, X2: 300, Y2: 300, Class: 2},       // entirely outside
		{X1: -inf, Y1: -1e30, X2: inf, Y2: 1e30, Class: 3},   // infinite
		{X1: nan, Y1: 0, X2: 10, Y2: 10, Class: 4},           // NaN
		{X1: 10, Y1: 10, X2: 10, Y2: 20, Class: 5},           // no width
		{X1: 40, Y1: 40, X2: 41, Y2: 41, Class: 6, Score: 1}, // one pixel
		{X1: 50, Y1: 50, X2: 20, Y2: 20, Class: -9},          // inverted
	}
	out := Detections(greyImage(100, 90), dets)
	if out.RGBAAt(29, 10) != ClassColor(0) || out.RGBAAt(0, 28) != ClassColor(0) {
		t.Error("clipped top-left box lost its visible edges")
	}
	if out.RGBAAt(90, 85) != ClassColor(1) || out.RGBAAt(95, 80) != ClassColor(1) {
		t.Error("clipped bottom-right box lost its visible edges")
	}
	if out.RGBAAt(40, 40) != ClassColor(6) {
		t.Error("one-pixel box not drawn")
	}
	if out.RGBAAt(60, 65) != grey {
		t.Error("the huge and bad boxes painted the middle of the picture")
	}
	if ClassColor(-9) != ClassColor(7) {
		t.Error("negative classes do not wrap")
	}
}
