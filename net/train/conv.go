package train

import (
	"github.com/retina-edge/retina/kernels"
)

// conv is a Conv2d (groups 1) with an optional bias, an optional frozen
// batch norm after it and an optional ReLU after that, run as im2col + SGEMM
// per image.
type conv struct {
	oc, ic, k, stride, pad int
	relu                   bool
	trainable              bool

	weight *Param // oc x ic x k x k
	bias   *Param // nil when the conv has none

	// scale and shift are the frozen batch norm's per-channel affine; nil
	// when there is none.
	scale, shift []float32

	// weff and beff are the weights and bias the GEMM uses: the batch norm
	// folded in (weff = weight*scale, beff = bias*scale + shift). Without a
	// batch norm weff is weight.Data itself.
	weff, beff []float32
	gw         []float32 // gradient of weff, before unfolding the scale
	folded     bool      // weff is current for a frozen conv
}

func (c *conv) ckk() int { return c.ic * c.k * c.k }

func (c *conv) shape(h, w int) kernels.ConvShape {
	return kernels.ConvShape{C: c.ic, H: h, W: w, KH: c.k, KW: c.k, StrideH: c.stride, StrideW: c.stride,
		PadH: c.pad, PadW: c.pad, DilH: 1, DilW: 1}
}

func (c *conv) outSize(n int) int { return (n+2*c.pad-c.k)/c.stride + 1 }

// pointwise convs multiply the input directly, without im2col.
func (c *conv) pointwise() bool { return c.k == 1 && c.stride == 1 && c.pad == 0 }

// colSize is the im2col scratch one image needs.
func (c *conv) colSize(h, w int) int {
	if c.pointwise() {
		return 0
	}
	return c.ckk() * c.outSize(h) * c.outSize(w)
}

// fold refreshes the effective weights from the parameters (after an
// optimizer step); frozen convs fold once.
func (c *conv) fold() {
	if c.scale == nil {
		c.weff = c.weight.Data
		if c.bias != nil {
			c.beff = c.bias.Data
		}
		return
	}
	if c.folded && !c.trainable {
		return
	}
	per := c.ckk()
	if c.weff == nil {
		c.weff = make([]float32, c.oc*per)
		c.beff = make([]float32, c.oc)
	}
	for o, s := range c.scale {
		w := c.weight.Data[o*per : (o+1)*per]
		dst := c.weff[o*per : (o+1)*per]
		for i, v := range w {
			dst[i] = v * s
		}
		b := c.shift[o]
		if c.bias != nil {
			b += c.bias.Data[o] * s
		}
		c.beff[o] = b
	}
	c.folded = true
}

// forward computes y = relu?(affine(conv(x))) for every image.
func (c *conv) forward(e *kernels.Engine, x, y *act, col []float32) {
	s := c.shape(x.h, x.w)
	hw := y.h * y.w
	ep := kernels.Epilogue{Bias: c.beff, ReLU: c.relu}
	for b := range x.n {
		src := x.img(b)
		if !c.pointwise() {
			kernels.Im2col(s, src, col)
			src = col
		}
		e.SgemmEpilogue(false, false, c.oc, hw, c.ckk(), 1, c.weff, c.ckk(), src, hw, 0, y.img(b), hw, ep)
	}
}

// backward takes y.g (the gradient of the output, masked here by the ReLU
// in place), adds the parameter gradients when the conv is trainable and
// adds the input gradient into x.g when x needs one.
func (c *conv) backward(e *kernels.Engine, x, y *act, col []float32) {
	if !c.trainable && !x.needGrad {
		return
	}
	if c.relu {
		reluBackward(y.g, y.v)
	}
	s := c.shape(x.h, x.w)
	hw := y.h * y.w
	ckk := c.ckk()
	if c.trainable {
		// With a batch norm the GEMM writes d(weff) into gw; the chain rule
		// through weff = weight*scale then scales each row into the gradient.
		dw, beta := c.weight.Grad, float32(1)
		if c.scale != nil {
			dw, beta = c.gw, 0
		}
		for b := range x.n {
			src := x.img(b)
			if !c.pointwise() {
				kernels.Im2col(s, src, col)
				src = col
			}
			e.Sgemm(false, true, c.oc, ckk, hw, 1, y.grad(b), hw, src, hw, beta, dw, ckk)
			beta = 1
		}
		if c.scale != nil {
			for o, sc := range c.scale {
				g := c.weight.Grad[o*ckk : (o+1)*ckk]
				for i, v := range c.gw[o*ckk : (o+1)*ckk] {
					g[i] += sc * v
				}
			}
		}
		if c.bias != nil {
			c.biasGrad(y)
		}
	}
	if !x.needGrad {
		return
	}
	for b := range x.n {
		if c.pointwise() {
			e.Sgemm(true, false, c.ic, hw, c.oc, 1, c.weff, ckk, y.grad(b), hw, 1, x.grad(b), hw)
			continue
		}
		e.Sgemm(true, false, ckk, hw, c.oc, 1, c.weff, ckk, y.grad(b), hw, 0, col, hw)
		kernels.Col2im(s, col, x.grad(b))
	}
}

// biasGrad adds the sum of the output gradient per channel (times the
// batch norm's scale when the bias sits before one).
func (c *conv) biasGrad(y *act) {
	hw := y.h * y.w
	for o := range c.oc {
		var sum float64
		for b := range y.n {
			for _, v := range y.grad(b)[o*hw : (o+1)*hw] {
				sum += float64(v)
			}
		}
		if c.scale != nil {
			sum *= float64(c.scale[o])
		}
		c.bias.Grad[o] += float32(sum)
	}
}
