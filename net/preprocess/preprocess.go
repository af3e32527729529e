package preprocess

import (
	"fmt"
	"image"
	"math"
)

// Preprocessor converts images into normalized, resized, padded CHW
// tensors. It keeps its buffers between calls, so once it has seen an
// image size Run allocates nothing. It is not safe for concurrent use; give
// each goroutine its own.
type Preprocessor struct {
	minSize, maxSize int
	// badNorm is set when a mean or std is not finite or a std is zero (the tensor would be
	// Inf or NaN); Run refuses to work then.
	badNorm error
	// norm[c][v] is (v/255 - mean[c]) / std[c] in float32, exactly what
	// torchvision's to_tensor then normalize give for byte v.
	norm [3][256]float32

	reader rowReader
	xs, ys axis
	// src holds one source row as R, G, B byte planes.
	src [3][]uint8
	// rows caches two horizontally resampled source rows (3 planes each);
	// rowY is the source row each holds, -1 when empty.
	rows [2][3][]float32
	rowY [2]int
}

// NewPreprocessor returns a Preprocessor for torchvision's rule with the
// given min_size, max_size, image_mean and image_std.
func NewPreprocessor(minSize, maxSize int, mean, std [3]float32) *Preprocessor {
	p := &Preprocessor{minSize: minSize, maxSize: maxSize}
	for c := range 3 {
		if s := float64(std[c]); s == 0 || math.IsInf(s, 0) || math.IsNaN(s) || math.IsNaN(float64(mean[c])) || math.IsInf(float64(mean[c]), 0) {
			p.badNorm = fmt.Errorf("preprocess: mean %v and std %v must be finite and std non-zero", mean, std)
		}
		for v := range 256 {
			x := float32(v) / 255
			p.norm[c][v] = float32(x-mean[c]) / std[c]
		}
	}
	return p
}

// GeometryFor returns the geometry Run gives a w x h image, or an error
// when the image or the limits leave nothing to resize to.
func (p *Preprocessor) GeometryFor(w, h int) (Geometry, error) {
	if w <= 0 || h <= 0 {
		return Geometry{}, fmt.Errorf("preprocess: image has no pixels (%dx%d)", w, h)
	}
	if p.badNorm != nil {
		return Geometry{}, p.badNorm
	}
	if p.minSize <= 0 || p.maxSize <= 0 {
		return Geometry{}, fmt.Errorf("preprocess: min size %d and max size %d must be positive", p.minSize, p.maxSize)
	}
	rw, rh := ResizedSize(w, h, p.minSize, p.maxSize)
	if rw <= 0 || rh <= 0 {
		return Geometry{}, fmt.Errorf("preprocess: a %dx%d image resizes to %dx%d at min size %d, max size %d", w, h, rw, rh, p.minSize, p.maxSize)
	}
	return fixedGeometry(w, h, rw, rh), nil
}

func fixedGeometry(w, h, rw, rh int) Geometry {
	pw, ph := PaddedSize(rw, rh)
	return Geometry{OrigW: w, OrigH: h, ResizedW: rw, ResizedH: rh, PaddedW: pw, PaddedH: ph}
}

// Run converts img into dst as torchvision's GeneralizedRCNNTransform does
// in eval mode: normalize, bilinear resize by the min/max rule, zero pad
// bottom/right to multiples of 32. dst holds 3 x PaddedH x PaddedW floats
// (CHW); it may be longer, the rest is left alone.
func (p *Preprocessor) Run(img image.Image, dst []float32) (Geometry, error) {
	b := img.Bounds()
	g, err := p.GeometryFor(b.Dx(), b.Dy())
	if err != nil {
		return Geometry{}, err
	}
	return g, p.run(img, g, dst)
}

// RunFixed resizes img straight to w x h (torchvision's fixed_size), with
// the same normalization and arithmetic as Run, and pads to multiples of
// 32 (nothing to pad when w and h are multiples of 32).
func (p *Preprocessor) RunFixed(img image.Image, w, h int, dst []float32) (Geometry, error) {
	b := img.Bounds()
	if b.Dx() <= 0 || b.Dy() <= 0 {
		return Geometry{}, fmt.Errorf("preprocess: image has no pixels (%dx%d)", b.Dx(), b.Dy())
	}
	if w <= 0 || h <= 0 {
		return Geometry{}, fmt.Errorf("preprocess: fixed size %dx%d must be positive", w, h)
	}
	if p.badNorm != nil {
		return Geometry{}, p.badNorm
	}
	g := fixedGeometry(b.Dx(), b.Dy(), w, h)
	return g, p.run(img, g, dst)
}

func (p *Preprocessor) run(img image.Image, g Geometry, dst []float32) error {
	if len(dst) < g.TensorLen() {
		return fmt.Errorf("preprocess: tensor buffer holds %d floats, a %dx%d padded image needs %d", len(dst), g.PaddedW, g.PaddedH, g.TensorLen())
	}
	p.reader.reset(img)
	p.xs.set(g.OrigW, g.ResizedW)
	p.ys.set(g.OrigH, g.ResizedH)
	for c := range 3 {
		p.src[c] = growUint8(p.src[c], g.OrigW)
		for k := range 2 {
			p.rows[k][c] = growFloat32(p.rows[k][c], g.ResizedW)
		}
	}
	p.rowY = [2]int{-1, -1}

	plane := g.PaddedW * g.PaddedH
	for oy := range g.ResizedH {
		k0 := p.resampledRow(int(p.ys.i0[oy]), -1)
		k1 := p.resampledRow(int(p.ys.i1[oy]), k0)
		w0, w1 := p.ys.w0[oy], p.ys.w1[oy]
		short := shortWeight(w0) && shortWeight(w1)
		for c := range 3 {
			out := dst[c*plane+oy*g.PaddedW : c*plane+(oy+1)*g.PaddedW]
			blendRows(out[:g.ResizedW], p.rows[k0][c], p.rows[k1][c], w0, w1, short)
			clear(out[g.ResizedW:])
		}
	}
	for c := range 3 {
		clear(dst[c*plane+g.ResizedH*g.PaddedW : (c+1)*plane])
	}
	return nil
}

// resampledRow returns the cache slot holding source row y resampled
// horizontally, filling a slot other than keep when y is not cached.
func (p *Preprocessor) resampledRow(y, keep int) int {
	for k := range 2 {
		if p.rowY[k] == y {
			return k
		}
	}
	k := 0
	if keep == 0 || (keep < 0 && p.rowY[0] > p.rowY[1]) {
		k = 1 // rows go down the image: replace the upper one
	}
	p.reader.read(y, p.src[0], p.src[1], p.src[2])
	for c := range 3 {
		resampleRow(p.rows[k][c], p.src[c], &p.norm[c], &p.xs)
	}
	p.rowY[k] = y
	return k
}
