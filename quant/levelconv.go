package quant

import (
	"fmt"

	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net"
)

// levelConv is a head conv, which runs on every pyramid level: the levels
// share its weights and their packing, but each level has its own input
// and output parameters, int32 bias (the input zero point is folded in)
// and requantization, because P3..P7 span very different ranges (P7's can
// be 20 times P3's) that one scale would either clip or coarsen.
type levelConv [net.NumLevels]*Conv

// newLevelConv builds a head conv from quantized weights and, per level,
// the activation parameters and bias.
func newLevelConv(s kernels.ConvShape, outC int, in, out [net.NumLevels]QParams, relu bool, wq []int8, ws []float32, bias [net.NumLevels][]int32) (levelConv, error) {
	var lc levelConv
	for l := range net.NumLevels {
		c, err := newConv(s, outC, in[l], out[l], relu, wq, ws, bias[l], lc[0])
		if err != nil {
			return lc, fmt.Errorf("level %s: %w", net.LevelName(l), err)
		}
		if l == 0 {
			c.transformWinograd() // the other levels share it
		}
		lc[l] = c
	}
	return lc, nil
}

// quantizeLevelConv quantizes a float head conv (w is OutC x C*K*K, b may
// be nil) once for its weights and per level for its bias.
func quantizeLevelConv(s kernels.ConvShape, outC int, w, b []float32, in, out [net.NumLevels]QParams, relu bool) (levelConv, error) {
	k := s.ColRows()
	minIn := in[0].Scale // the levels share the weights: the finest input decides
	for _, p := range in {
		minIn = min(minIn, p.Scale)
	}
	wq, ws, err := quantizeWeights(w, outC, k, weightScaleFloor(b, minIn))
	if err != nil {
		return levelConv{}, err
	}
	var bias [net.NumLevels][]int32
	for l := range net.NumLevels {
		if bias[l], err = QuantizeBias(b, in[l], ws, wq, k); err != nil {
			return levelConv{}, fmt.Errorf("level %s: %w", net.LevelName(l), err)
		}
	}
	return newLevelConv(s, outC, in, out, relu, wq, ws, bias)
}

// setName names every level's conv.
func (lc levelConv) setName(name string) {
	for _, c := range lc {
		c.Name = name
	}
}

// ins are the levels' input parameters.
func (lc levelConv) ins() (p [net.NumLevels]QParams) {
	for l, c := range lc {
		p[l] = c.In
	}
	return p
}
