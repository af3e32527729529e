package draw

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"strconv"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// Box is one detection in image pixel coordinates: (X1, Y1) is the top-left
// corner and (X2, Y2) the bottom-right, exclusive, as torchvision's boxes.
type Box struct {
	X1, Y1, X2, Y2 float32
	Label          string
	Score          float32
	Class          int
}

// Thickness is the width of the rectangle lines, in pixels.
const Thickness = 2

// Detections returns a copy of img, as RGBA, with dets drawn on it.
func Detections(img image.Image, dets []Box) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(b)
	draw.Draw(out, b, img, b.Min, draw.Src)
	Draw(out, dets)
	return out
}

// Draw draws dets onto dst in place: all rectangles first, then all tags,
// so that no rectangle covers a tag. Anything outside dst is clipped; boxes
// with NaN coordinates or no area are skipped.
func Draw(dst *image.RGBA, dets []Box) {
	for _, d := range dets {
		if r, ok := pixelRect(d); ok {
			drawRect(dst, r, ClassColor(d.Class))
		}
	}
	for _, d := range dets {
		if r, ok := pixelRect(d); ok {
			drawTag(dst, r, TagText(d), ClassColor(d.Class))
		}
	}
}

// TagText is the text of a detection's tag: "label 0.87", or "class 3 0.87"
// without a label.
func TagText(d Box) string {
	name := d.Label
	if name == "" {
		name = "class " + strconv.Itoa(d.Class)
	}
	return fmt.Sprintf("%s %.2f", name, d.Score)
}

// pixelRect rounds a box to the pixels it covers, [x1, x2) x [y1, y2).
// Coordinates are clamped to ±2^29 first, so that huge values convert
// safely and widths still fit a 32-bit int.
func pixelRect(d Box) (image.Rectangle, bool) {
	c := [4]float32{d.X1, d.Y1, d.X2, d.Y2}
	var p [4]int
	for i, v := range c {
		if v != v { // NaN
			return image.Rectangle{}, false
		}
		f := math.Round(float64(v))
		p[i] = int(max(min(f, 1<<29), -(1 << 29)))
	}
	r := image.Rect(p[0], p[1], p[2], p[3])
	if p[2] <= p[0] || p[3] <= p[1] {
		return image.Rectangle{}, false
	}
	return r, true
}

// drawRect draws the Thickness-wide outline of r, inside r, clipped to dst.
func drawRect(dst *image.RGBA, r image.Rectangle, c color.RGBA) {
	t := min(Thickness, r.Dx(), r.Dy())
	u := image.NewUniform(c)
	for _, side := range []image.Rectangle{
		image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+t), // top
		image.Rect(r.Min.X, r.Max.Y-t, r.Max.X, r.Max.Y), // bottom
		image.Rect(r.Min.X, r.Min.Y, r.Min.X+t, r.Max.Y), // left
		image.Rect(r.Max.X-t, r.Min.Y, r.Max.X, r.Max.Y), // right
	} {
		draw.Draw(dst, side.Intersect(dst.Rect), u, image.Point{}, draw.Src)
	}
}

// tagPad is the space between the tag's edge and its text.
const tagPad = 2

// TagRect is where a box's tag goes: above the box's top-left corner, or
// just inside the top of the box when there is no room above it in dst.
func TagRect(dst image.Rectangle, box image.Rectangle, text string) image.Rectangle {
	face := basicfont.Face7x13
	w := font.MeasureString(face, text).Ceil() + 2*tagPad
	h := face.Height + 2*tagPad
	y0 := box.Min.Y - h
	if y0 < dst.Min.Y {
		y0 = box.Min.Y
	}
	return image.Rect(box.Min.X, y0, box.Min.X+w, y0+h)
}

func drawTag(dst *image.RGBA, box image.Rectangle, text string, bg color.RGBA) {
	r := TagRect(dst.Rect, box, text)
	if !r.Overlaps(dst.Rect) {
		return
	}
	draw.Draw(dst, r.Intersect(dst.Rect), image.NewUniform(bg), image.Point{}, draw.Src)
	face := basicfont.Face7x13
	d := font.Drawer{
		Dst:  dst,
		Src:  image.NewUniform(textColor(bg)),
		Face: face,
		Dot:  fixed.P(r.Min.X+tagPad, r.Min.Y+tagPad+face.Ascent),
	}
	d.DrawString(text)
}
