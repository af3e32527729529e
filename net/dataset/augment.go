package dataset

import (
	"image"
	"math"
	"math/rand/v2"
)

// AugmentOptions are the training-time augmentations. The zero value does
// nothing; DefaultAugment is a sane start for fine-tuning.
type AugmentOptions struct {
	FlipProb float64 // probability of a horizontal flip
	// ScaleMin..ScaleMax is the range of a uniform scale jitter (1..1 off).
	ScaleMin, ScaleMax float64
	CropProb           float64 // probability of a random crop
	MinCropFrac        float64 // a crop keeps at least this fraction of each side
	// MinKept is the fraction of an object's box that must stay inside a
	// crop for the object to be kept (clipped); less and it is dropped.
	MinKept float64
}

// DefaultAugment flips half the images, jitters scale by +-25% and crops a
// third of them to at least 60% of each side, keeping objects at least half
// inside.
var DefaultAugment = AugmentOptions{FlipProb: 0.5, ScaleMin: 0.75, ScaleMax: 1.25, CropProb: 1. / 3, MinCropFrac: 0.6, MinKept: 0.5}

// Augment applies crop, scale jitter and flip (in that order) to an image
// and its objects. The objects of the result are valid boxes inside the
// result image.
func Augment(img *image.RGBA, objs []Object, o AugmentOptions, rng *rand.Rand) (*image.RGBA, []Object) {
	if o.CropProb > 0 && rng.Float64() < o.CropProb {
		img, objs = randomCrop(img, objs, o, rng)
	}
	if o.ScaleMax > 0 && (o.ScaleMin != 1 || o.ScaleMax != 1) {
		s := o.ScaleMin + rng.Float64()*(o.ScaleMax-o.ScaleMin)
		img, objs = Scale(img, objs, s)
	}
	if o.FlipProb > 0 && rng.Float64() < o.FlipProb {
		img, objs = HFlip(img, objs)
	}
	return img, objs
}

// HFlip mirrors the image left to right: x becomes width - x.
func HFlip(img *image.RGBA, objs []Object) (*image.RGBA, []Object) {
	b := img.Rect
	w, h := b.Dx(), b.Dy()
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		src := img.Pix[img.PixOffset(b.Min.X, b.Min.Y+y):]
		dst := out.Pix[y*out.Stride:]
		for x := 0; x < w; x++ {
			copy(dst[4*(w-1-x):4*(w-x)], src[4*x:4*x+4])
		}
	}
	res := make([]Object, len(objs))
	for i, ob := range objs {
		ob.Box = [4]float32{float32(w) - ob.Box[2], ob.Box[1], float32(w) - ob.Box[0], ob.Box[3]}
		res[i] = ob
	}
	return out, res
}

// Crop cuts r out of the image. Boxes are clipped to r; a box keeping less
// than minKept of its area, or less than a pixel in width or height, is
// dropped.
func Crop(img *image.RGBA, objs []Object, r image.Rectangle, minKept float64) (*image.RGBA, []Object) {
	r = r.Intersect(img.Rect.Sub(img.Rect.Min))
	out := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	for y := 0; y < r.Dy(); y++ {
		src := img.Pix[img.PixOffset(img.Rect.Min.X+r.Min.X, img.Rect.Min.Y+r.Min.Y+y):]
		copy(out.Pix[y*out.Stride:y*out.Stride+4*r.Dx()], src[:4*r.Dx()])
	}
	var res []Object
	x0, y0, x1, y1 := float32(r.Min.X), float32(r.Min.Y), float32(r.Max.X), float32(r.Max.Y)
	for _, ob := range objs {
		b := ob.Box
		c := [4]float32{max(b[0], x0) - x0, max(b[1], y0) - y0, min(b[2], x1) - x0, min(b[3], y1) - y0}
		if c[2]-c[0] < 1 || c[3]-c[1] < 1 {
			continue
		}
		full := boxArea(b)
		kept := boxArea(c)
		if full <= 0 || float64(kept) < minKept*float64(full) {
			continue
		}
		ob.Area *= kept / full
		ob.Box = c
		res = append(res, ob)
	}
	return out, res
}

// randomCrop tries a few crops and takes the first that keeps an object
// (any crop when there are none); otherwise the image is left whole.
func randomCrop(img *image.RGBA, objs []Object, o AugmentOptions, rng *rand.Rand) (*image.RGBA, []Object) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	frac := math.Min(math.Max(o.MinCropFrac, 0.1), 1)
	for try := 0; try < 10; try++ {
		cw := int(float64(w) * (frac + rng.Float64()*(1-frac)))
		ch := int(float64(h) * (frac + rng.Float64()*(1-frac)))
		if cw < 1 || ch < 1 {
			continue
		}
		x := rng.IntN(w - cw + 1)
		y := rng.IntN(h - ch + 1)
		out, kept := Crop(img, objs, image.Rect(x, y, x+cw, y+ch), o.MinKept)
		if len(kept) > 0 || len(objs) == 0 {
			return out, kept
		}
	}
	return img, objs
}

// Scale resizes the image by s with bilinear sampling (half-pixel
// centres) and scales the boxes to match.
func Scale(img *image.RGBA, objs []Object, s float64) (*image.RGBA, []Object) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	nw, nh := max(int(math.Round(float64(w)*s)), 1), max(int(math.Round(float64(h)*s)), 1)
	out := image.NewRGBA(image.Rect(0, 0, nw, nh))
	sx, sy := float64(w)/float64(nw), float64(h)/float64(nh)
	for y := 0; y < nh; y++ {
		fy := math.Max((float64(y)+0.5)*sy-0.5, 0)
		y0 := min(int(fy), h-1)
		y1 := min(y0+1, h-1)
		ty := fy - float64(y0)
		for x := 0; x < nw; x++ {
			fx := math.Max((float64(x)+0.5)*sx-0.5, 0)
			x0 := min(int(fx), w-1)
			x1 := min(x0+1, w-1)
			tx := fx - float64(x0)
			for c := 0; c < 4; c++ {
				p := func(px, py int) float64 {
					return float64(img.Pix[img.PixOffset(img.Rect.Min.X+px, img.Rect.Min.Y+py)+c])
				}
				v := (p(x0, y0)*(1-tx)+p(x1, y0)*tx)*(1-ty) + (p(x0, y1)*(1-tx)+p(x1, y1)*tx)*ty
				out.Pix[y*out.Stride+4*x+c] = uint8(v + 0.5)
			}
		}
	}
	kx, ky := float32(nw)/float32(w), float32(nh)/float32(h)
	res := make([]Object, 0, len(objs))
	for _, ob := range objs {
		b := ob.Box
		ob.Box = [4]float32{b[0] * kx, b[1] * ky, min(b[2]*kx, float32(nw)), min(b[3]*ky, float32(nh))}
		ob.Area *= kx * ky
		if ob.Box[2] > ob.Box[0] && ob.Box[3] > ob.Box[1] {
			res = append(res, ob)
		}
	}
	return out, res
}
