package quant

import (
	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net"
)

// colJob is kernels' im2col of one image on tier im, split over the
// matrix's rows (input channel x kernel tap: the stem's 3 channels are
// 147 rows, enough for four threads) between the engine's threads: input
// plane ch is src[ch*stride:], row r
// of the matrix starts at col[r*ldc], padding reads pad and values below
// floor read floor (a ReLU fused into the read; -128 for none). With levels
// set, it writes the heads' all-levels matrix (each level's columns from
// its own planes, padded with pads[level], see Model.levelCol).
type colJob struct {
	im         *kernels.Int8Impl
	s          kernels.ConvShape
	src        []int8
	stride     int
	pad, floor int8
	col        []int8
	ldc        int
	levels     *plan
	pads       [net.NumLevels]int8
}

func (j *colJob) RunRange(_, lo, hi int) {
	if j.levels == nil {
		kernels.Im2colPlanesInt8(j.im, j.s, j.src, j.stride, j.pad, j.floor, j.col, j.ldc, lo, hi)
		return
	}
	p, s := j.levels, j.s
	for l := range net.NumLevels {
		s.H, s.W = p.levelH[l], p.levelW[l]
		kernels.Im2colPlanesInt8(j.im, s, j.src[p.off[l]:], p.total, j.pads[l], j.floor, j.col[p.off[l]:], p.total, lo, hi)
	}
}
