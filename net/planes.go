package net

import "github.com/retina-edge/retina/kernels"

// planes is one image's channels as h x w planes that need not be
// adjacent: plane c starts at data[c*stride]. The FPN levels and the head
// towers keep all five levels side by side in one row per channel, so that
// a head conv runs as one GEMM over every level.
type planes struct {
	data    []float32
	c, h, w int
	stride  int // elements from one plane to the next (>= h*w)
}

// imagePlanes is image b of t, planes adjacent.
func imagePlanes(t Tensor, b int) planes {
	return planes{data: t.Image(b), c: t.C(), h: t.H(), w: t.W(), stride: t.H() * t.W()}
}

// plane returns plane c.
func (p planes) plane(c int) []float32 { return p.data[c*p.stride : c*p.stride+p.h*p.w] }

// im2col writes the (C*KH*KW) x (OutH*OutW) matrix of a conv over src into
// col with row stride ldcol: row (c,ky,kx), column (oy,ox) holds
// src[c][oy*stride-pad+ky][ox*stride-pad+kx], 0 outside the image (as
// kernels.Im2col, with strided planes in and a strided matrix out).
// Stride-1 rows are copies, stride-2 rows im's GatherEven.
func im2col(im *kernels.Impl, s kernels.ConvShape, src planes, col []float32, ldcol int) {
	im2colRange(im, s, src, col, ldcol, 0, s.C*s.KH*s.KW)
}

// im2colRange is im2col for rows [r0, r1) only, so that threads can share
// it evenly even when there are few channels (a stem conv has 3, and 147
// rows).
func im2colRange(im *kernels.Impl, s kernels.ConvShape, src planes, col []float32, ldcol int, r0, r1 int) {
	oh, ow := s.OutH(), s.OutW()
	for row := r0; row < r1; row++ {
		c, ky, kx := row/(s.KH*s.KW), row/s.KW%s.KH, row%s.KW
		in := src.plane(c)
		out := col[row*ldcol : row*ldcol+oh*ow]
		x0 := kx*s.DilW - s.PadW
		lo, hi := validCols(x0, s.StrideW, s.W, ow)
		for oy := range oh {
			line := out[oy*ow : (oy+1)*ow]
			y := oy*s.StrideH - s.PadH + ky*s.DilH
			if y < 0 || y >= s.H {
				clear(line)
				continue
			}
			clear(line[:lo])
			clear(line[hi:])
			if lo >= hi {
				continue
			}
			first := y*s.W + x0 + lo*s.StrideW
			switch s.StrideW {
			case 1:
				copy(line[lo:hi], in[first:first+hi-lo])
			case 2: // the rest of the plane lets the vector tiers read whole vectors
				im.GatherEven(line[lo:hi], in[first:])
			default:
				gatherStrided(line[lo:hi], in[first:first+(hi-lo-1)*s.StrideW+1], s.StrideW)
			}
		}
	}
}

// gatherStrided sets dst[i] = src[i*stride]; len(src) == (len(dst)-1)*stride+1.
func gatherStrided(dst, src []float32, stride int) {
	for i := range dst {
		dst[i] = src[i*stride]
	}
}

// validCols returns the output columns [lo, hi) whose input column
// x0 + ox*stride lies in [0, w).
func validCols(x0, stride, w, ow int) (lo, hi int) {
	if x0 < 0 {
		lo = (-x0 + stride - 1) / stride
	}
	if w-1-x0 >= 0 {
		hi = (w-1-x0)/stride + 1
	}
	lo, hi = min(lo, ow), min(hi, ow)
	return lo, max(hi, lo)
}
