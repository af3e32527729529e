package quant

import (
	"fmt"
	"math"

	"github.com/retina-edge/retina/kernels"
)

// Conv is one quantized convolution (BN already folded): int8 weights per
// output channel, the input zero point folded into the int32 bias, and the
// requantization to the output's parameters with an optional fused ReLU.
type Conv struct {
	Name     string // torchvision's prefix of the conv's tensors
	Shape    kernels.ConvShape
	OutC     int
	In, Out  QParams
	Relu     bool
	Weights  []int8    // OutC x Shape.ColRows()
	WScales  []float32 // one per output channel
	Bias     []int32   // zero point folded in
	packed   *kernels.PackedA8
	wino     *kernels.Wino8 // the Winograd form, for 3x3 same convs on tiers where it pays
	rq       kernels.Requant
	rqs      [1]*kernels.Requant // &rq, as a Winograd conv of one image takes it
	accScale []float32           // In.Scale * WScales[c]: one accumulator step of channel c
}

// QuantizeConv quantizes a float conv: w is OutC x (C*KH*KW), b may be nil.
func QuantizeConv(s kernels.ConvShape, outC int, w, b []float32, in, out QParams, relu bool) (*Conv, error) {
	k := s.ColRows()
	wq, ws, err := quantizeWeights(w, outC, k, weightScaleFloor(b, in.Scale))
	if err != nil {
		return nil, err
	}
	bias, err := QuantizeBias(b, in, ws, wq, k)
	if err != nil {
		return nil, err
	}
	return NewConv(s, outC, in, out, relu, wq, ws, bias)
}

// NewConv builds the requantization of already quantized weights (what a
// model file holds) and packs them for the active int8 tier.
func NewConv(s kernels.ConvShape, outC int, in, out QParams, relu bool, wq []int8, ws []float32, bias []int32) (*Conv, error) {
	return newConv(s, outC, in, out, relu, wq, ws, bias, nil)
}

// newConv is NewConv reusing the packed and transformed weights of
// shared when it is set (the pyramid levels of a head conv share their
// weights).
func newConv(s kernels.ConvShape, outC int, in, out QParams, relu bool, wq []int8, ws []float32, bias []int32, shared *Conv) (*Conv, error) {
	k := s.ColRows()
	if outC <= 0 || len(wq) != outC*k || len(ws) != outC || len(bias) != outC {
		return nil, fmt.Errorf("quant: conv has %d weights, %d scales, %d biases for %d x %d", len(wq), len(ws), len(bias), outC, k)
	}
	if err := in.check(); err != nil {
		return nil, fmt.Errorf("quant: conv input: %w", err)
	}
	if err := out.check(); err != nil {
		return nil, fmt.Errorf("quant: conv output: %w", err)
	}
	c := &Conv{Shape: s, OutC: outC, In: in, Out: out, Relu: relu, Weights: wq, WScales: ws, Bias: bias, accScale: make([]float32, outC)}
	c.rq = kernels.Requant{Bias: bias, Multiplier: make([]int32, outC), Shift: make([]int, outC), OutZero: out.Zero, Min: -128, Max: 127}
	c.rqs[0] = &c.rq
	for i, sw := range ws {
		if !(sw > 0) || math.IsInf(float64(sw), 0) {
			return nil, fmt.Errorf("quant: weight scale %d is %g", i, sw)
		}
		c.rq.Multiplier[i], c.rq.Shift[i] = kernels.QuantizeMultiplier(float64(in.Scale) * float64(sw) / float64(out.Scale))
		c.accScale[i] = in.Scale * sw
	}
	if relu {
		c.rq.Min, c.rq.Max = out.ReluRange()
	}
	if shared != nil {
		c.packed, c.wino = shared.packed, shared.wino
		return c, nil
	}
	c.packed = kernels.PackA8(kernels.ActiveInt8(), outC, k, wq, k)
	return c, nil
}

// transformWinograd adds the Winograd form of a 3x3 same conv's weights
// on a tier where it beats the im2col GEMM (the caller decides where in
// the network it does).
func (c *Conv) transformWinograd() {
	if isSame3x3(c.Shape) && kernels.ActiveInt8().Wino8Fast() {
		// Weights whose sums could leave the transform's exact range
		// (none a trained net has) keep the im2col GEMM alone.
		c.wino, _ = kernels.NewWino8(c.OutC, c.Shape.C, c.Weights)
	}
}

// isSame3x3 reports a 3x3, stride-1, pad-1 conv, the Winograd convs' shape.
func isSame3x3(s kernels.ConvShape) bool {
	return s.KH == 3 && s.KW == 3 && s.StrideH == 1 && s.StrideW == 1 && s.PadH == 1 && s.PadW == 1 && s.DilH == 1 && s.DilW == 1
}

// ColSize is the im2col scratch Run needs (0 for a pointwise conv).
func (c *Conv) ColSize() int {
	if c.Shape.IsPointwise() {
		return 0
	}
	return c.Shape.ColRows() * c.Shape.ColCols()
}

// OutSize is the int8 output length of one image.
func (c *Conv) OutSize() int { return c.OutC * c.Shape.OutH() * c.Shape.OutW() }

// Run convolves one CHW int8 image into dst.
func (c *Conv) Run(e *kernels.Engine, src, dst, col []int8) {
	e.ConvI8(c.Shape, 1, c.packed, src, int8(c.In.Zero), dst, col, &c.rq)
}

// RunAcc leaves the int32 accumulators (bias included) for a head's last
// conv, which dequantizes them with AccScale for the sigmoid and decoding.
func (c *Conv) RunAcc(e *kernels.Engine, src []int8, acc []int32, col []int8) {
	b, n := src, c.Shape.ColCols()
	if !c.Shape.IsPointwise() {
		kernels.Im2colInt8(e.Int8Impl(), c.Shape, src, int8(c.In.Zero), col)
		b = col
	}
	e.GemmI8Acc(c.packed, n, b, n, acc, n, c.Bias)
}

// AccScale is the real value of one accumulator step of channel ch.
func (c *Conv) AccScale(ch int) float32 { return c.accScale[ch] }
