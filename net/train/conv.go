package train

import (
	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net"
)

// conv is a Conv2d (groups 1) with an optional bias, an optional frozen
// batch norm after it and an optional ReLU after that, run as im2col + SGEMM
// per image.
type conv struct {
	net.ArchConv
	relu      bool // after the batch norm: the declaration's ReLU unless a GroupNorm comes first
	trainable bool

	weight *Param // oc x ic x k x k
	bias   *Param // nil when the conv has none

	// scale and shift are the frozen batch norm's per-channel affine; nil
	// when there is none.
	scale, shift []float32

	// weff and beff are the weights and bias the GEMM uses: the batch norm
	// folded in (weff = weight*scale, beff = bias*scale + shift). Without a
	// batch norm weff is weight.Data itself.
	weff, beff []float32
	folded     bool // weff is current for a frozen conv
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
	per := c.ColRows()
	if c.weff == nil {
		c.weff = make([]float32, c.OutC*per)
		c.beff = make([]float32, c.OutC)
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

// forward computes y = relu?(affine(conv(x))) for the worker's images.
func (c *conv) forward(w *worker, x, y *act) {
	s := c.Shape(x.h, x.w)
	hw := y.h * y.w
	ep := kernels.Epilogue{Bias: c.beff, ReLU: c.relu}
	for b := w.b0; b < w.b1; b++ {
		src := x.img(b)
		if !c.Pointwise() {
			kernels.Im2col(s, src, w.ws.col)
			src = w.ws.col
		}
		w.eng.SgemmEpilogue(false, false, c.OutC, hw, c.ColRows(), 1, c.weff, c.ColRows(), src, hw, 0, y.img(b), hw, ep)
	}
}

// workspace is the scratch a conv's backward shares with every other conv.
type workspace struct {
	col []float32 // im2col of one image, or its gradient
	gwT []float32 // the weight gradient, transposed, of the largest conv
}

// backward takes y.g (the gradient of the output, masked here by the ReLU
// in place), adds the parameter gradients when the conv is trainable and
// adds the input gradient into x.g when x needs one, for the worker's
// images.
func (c *conv) backward(w *worker, x, y *act) {
	xs, ys := [1]*act{x}, [1]*act{y}
	c.backwardShared(w, xs[:], ys[:])
}

// backwardShared is backward for a conv applied to several inputs (the
// heads' convs, shared by the five pyramid levels): the weight gradient of
// all of them is summed before it is added to the parameter once.
func (c *conv) backwardShared(w *worker, xs, ys []*act) {
	ckk := c.ColRows()
	e, col := w.eng, w.ws.col
	var gwT []float32
	if c.trainable {
		gwT = w.ws.gwT[:ckk*c.OutC]
	}
	beta := float32(0)
	for i, x := range xs {
		y := ys[i]
		if !c.trainable && !x.needGrad {
			continue
		}
		if c.relu {
			for b := w.b0; b < w.b1; b++ {
				reluBackward(y.grad(b), y.img(b))
			}
		}
		s := c.Shape(x.h, x.w)
		hw := y.h * y.w
		if c.trainable {
			// dW^T (ckk x oc) = col (ckk x hw) * dY^T, summed over the
			// images: the large im2col matrix is the GEMM's A, packed row by
			// row, and only the small dY is packed transposed.
			for b := w.b0; b < w.b1; b++ {
				src := x.img(b)
				if !c.Pointwise() {
					kernels.Im2col(s, src, col)
					src = col
				}
				e.Sgemm(false, true, ckk, c.OutC, hw, 1, src, hw, y.grad(b), hw, beta, gwT, c.OutC)
				beta = 1
			}
			if c.bias != nil {
				c.biasGrad(w, y)
			}
		}
		if !x.needGrad {
			continue
		}
		for b := w.b0; b < w.b1; b++ {
			if c.Pointwise() {
				e.Sgemm(true, false, c.InC, hw, c.OutC, 1, c.weff, ckk, y.grad(b), hw, 1, x.grad(b), hw)
				continue
			}
			e.Sgemm(true, false, ckk, hw, c.OutC, 1, c.weff, ckk, y.grad(b), hw, 0, col, hw)
			kernels.Col2im(s, col, x.grad(b))
		}
	}
	if beta != 0 {
		c.addWeightGrad(gwT, w.grad(c.weight))
	}
}

// addWeightGrad adds dW^T (ckk x oc), times the batch norm's scale per
// output channel (the chain rule through weff = weight*scale), into the
// weight gradient (oc x ckk), in tiles that keep both sides in cache.
func (c *conv) addWeightGrad(gwT, g []float32) {
	const tile = 32
	ckk := c.ColRows()
	for o0 := 0; o0 < c.OutC; o0 += tile {
		o1 := min(o0+tile, c.OutC)
		for i0 := 0; i0 < ckk; i0 += tile {
			i1 := min(i0+tile, ckk)
			for o := o0; o < o1; o++ {
				s := float32(1)
				if c.scale != nil {
					s = c.scale[o]
				}
				row := g[o*ckk : (o+1)*ckk]
				for i := i0; i < i1; i++ {
					row[i] += s * gwT[i*c.OutC+o]
				}
			}
		}
	}
}

// biasGrad adds the sum of the output gradient per channel (times the
// batch norm's scale when the bias sits before one).
func (c *conv) biasGrad(w *worker, y *act) {
	hw := y.h * y.w
	g := w.grad(c.bias)
	for o := range c.OutC {
		var sum float64
		for b := w.b0; b < w.b1; b++ {
			for _, v := range y.grad(b)[o*hw : (o+1)*hw] {
				sum += float64(v)
			}
		}
		if c.scale != nil {
			sum *= float64(c.scale[o])
		}
		g[o] += float32(sum)
	}
}
