package quant

import (
	"encoding/binary"
	"unsafe"

	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net"
)

// im2col8 writes kernels.Im2colInt8's matrix for one image with strides the
// kernels' version lacks: input plane ch is src[ch*stride:] (h x w = s.H x
// s.W, row-major), and row r of the matrix starts at col[r*ldc], so that
// the FPN levels can be read from, and the heads' columns written to, one
// buffer holding every level side by side. Outside the image reads pad;
// values below floor read as floor (a ReLU fused into the read; -128 for
// none).
func im2col8(s kernels.ConvShape, src []int8, stride int, pad, floor int8, col []int8, ldc int) {
	im2colChannels(s, src, stride, pad, floor, col, ldc, 0, s.C)
}

// im2colChannels is im2col8's rows of input channels c0..c1-1.
func im2colChannels(s kernels.ConvShape, src []int8, stride int, pad, floor int8, col []int8, ldc, c0, c1 int) {
	oh, ow := s.OutH(), s.OutW()
	n := oh * ow
	row := c0 * s.KH * s.KW
	for ch := c0; ch < c1; ch++ {
		plane := src[ch*stride : ch*stride+s.H*s.W]
		for ky := 0; ky < s.KH; ky++ {
			for kx := 0; kx < s.KW; kx++ {
				out := col[row*ldc : row*ldc+n]
				row++
				switch {
				case floor > -128:
					im2colRowClamped(s, plane, ky, kx, pad, floor, out)
				case s.StrideW == 1 && s.StrideH == 1 && ow == s.W:
					im2colRowSame(s, plane, ky, kx, pad, out)
				default:
					im2colRow(s, plane, ky, kx, pad, out)
				}
			}
		}
	}
}

// colJob is an im2col8 split over input channels between the engine's
// threads; with levels set, it writes the heads' all-levels matrix (each
// level's columns from its own planes, padded with pads[level], see
// Model.levelCol).
type colJob struct {
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
	plane, per := j.s.H*j.s.W, j.s.KH*j.s.KW
	if j.levels == nil && j.s.StrideW > 1 && j.stride == plane && j.ldc == j.s.ColCols() && j.floor == -128 {
		// A plain image read at a stride: kernels' im2col, whose stride-2
		// gathers are SIMD (measured 4x faster than gather2 on the stem).
		s := j.s
		s.C = hi - lo
		kernels.Im2colInt8(s, j.src[lo*plane:hi*plane], j.pad, j.col[lo*per*j.ldc:hi*per*j.ldc])
		return
	}
	if j.levels == nil {
		im2colChannels(j.s, j.src, j.stride, j.pad, j.floor, j.col, j.ldc, lo, hi)
		return
	}
	p, s := j.levels, j.s
	for l := range net.NumLevels {
		s.H, s.W = p.levelH[l], p.levelW[l]
		im2colChannels(s, j.src[p.off[l]:], p.total, j.pads[l], j.floor, j.col[p.off[l]:], p.total, lo, hi)
	}
}

// im2colRowSame is one matrix row of a stride-1 conv whose output is as
// wide as its input: the valid rows are the plane shifted by one offset,
// copied in one piece, after which the columns that fell off the left or
// right edge are reset to the padding.
func im2colRowSame(s kernels.ConvShape, plane []int8, ky, kx int, pad int8, out []int8) {
	oh, w := s.OutH(), s.W
	dy, dx := ky-s.PadH, kx-s.PadW
	y0, y1 := max(0, -dy), min(oh, s.H-dy) // output rows reading inside the image
	if y0 >= y1 {
		fill(out, pad)
		return
	}
	fill(out[:y0*w], pad)
	fill(out[y1*w:], pad)
	// Output (y, x) reads plane[(y+dy)*w + x+dx]: one shifted copy, except
	// where x+dx leaves the row (it then reads a neighbouring row's pixel).
	lo, hi := y0*w, y1*w
	srcLo, srcHi := lo+dy*w+dx, hi+dy*w+dx
	if srcLo < 0 { // dx < 0 on the first row: its first columns are padding anyway
		lo -= srcLo
		srcLo = 0
	}
	if srcHi > len(plane) {
		hi -= srcHi - len(plane)
	}
	if lo < hi && srcLo < len(plane) {
		copy(out[lo:hi], plane[srcLo:])
	}
	switch {
	case dx == 0:
	case dx == -1: // the 3x3 case: one pixel a line, no call
		for y := y0; y < y1; y++ {
			out[y*w] = pad
		}
	case dx == 1:
		for y := y0; y < y1; y++ {
			out[y*w+w-1] = pad
		}
	default:
		for y := y0; y < y1; y++ {
			line := out[y*w : (y+1)*w]
			if dx < 0 {
				fill(line[:min(-dx, w)], pad)
			} else {
				fill(line[max(w-dx, 0):], pad)
			}
		}
	}
}

// im2colRow is one matrix row of any conv, one output row at a time.
func im2colRow(s kernels.ConvShape, plane []int8, ky, kx int, pad int8, out []int8) {
	oh, ow := s.OutH(), s.OutW()
	x0 := kx - s.PadW
	lo, hi := validCols(x0, s.StrideW, s.W, ow)
	for oy := 0; oy < oh; oy++ {
		line := out[oy*ow : (oy+1)*ow]
		y := oy*s.StrideH - s.PadH + ky
		if y < 0 || y >= s.H || lo >= hi {
			fill(line, pad)
			continue
		}
		in := plane[y*s.W : (y+1)*s.W]
		fill(line[:lo], pad)
		fill(line[hi:], pad)
		switch s.StrideW {
		case 1:
			copy(line[lo:hi], in[x0+lo:])
		case 2:
			gather2(line[lo:hi], in[x0+2*lo:])
		default:
			for ox := lo; ox < hi; ox++ {
				line[ox] = in[x0+ox*s.StrideW]
			}
		}
	}
}

// im2colRowClamped is im2colRow reading max(value, floor).
func im2colRowClamped(s kernels.ConvShape, plane []int8, ky, kx int, pad, floor int8, out []int8) {
	oh, ow := s.OutH(), s.OutW()
	x0 := kx - s.PadW
	for oy := 0; oy < oh; oy++ {
		y := oy*s.StrideH - s.PadH + ky
		for ox := 0; ox < ow; ox++ {
			x := x0 + ox*s.StrideW
			v := pad
			if y >= 0 && y < s.H && x >= 0 && x < s.W {
				v = max(plane[y*s.W+x], floor)
			}
			out[oy*ow+ox] = v
		}
	}
}

// validCols is the range of output columns [lo, hi) whose input column
// x0 + ox*stride lies in [0, w).
func validCols(x0, stride, w, ow int) (lo, hi int) {
	if x0 < 0 {
		lo = (-x0 + stride - 1) / stride
	}
	if last := w - 1 - x0; last < 0 {
		hi = 0
	} else {
		hi = min(ow, last/stride+1)
	}
	return min(lo, ow), max(hi, 0)
}

// gather2 sets dst[i] = src[2i]: eight bytes at a time, the even bytes of
// two 64-bit loads packed by shifts and masks.
func gather2(dst, src []int8) {
	n := len(dst)
	if n == 0 {
		return
	}
	_ = src[2*(n-1)] // every read below is within src
	d, s := bytesOf(dst), bytesOf(src)
	i := 0
	for ; i+8 <= n && 2*i+16 <= len(s); i += 8 {
		lo := evenBytes(binary.LittleEndian.Uint64(s[2*i:]))
		hi := evenBytes(binary.LittleEndian.Uint64(s[2*i+8:]))
		binary.LittleEndian.PutUint64(d[i:], uint64(lo)|uint64(hi)<<32)
	}
	for ; i < n; i++ {
		d[i] = s[2*i]
	}
}

// evenBytes packs bytes 0, 2, 4 and 6 of x (little-endian order).
func evenBytes(x uint64) uint32 {
	x &= 0x00FF00FF00FF00FF
	x = (x | x>>8) & 0x0000FFFF0000FFFF
	return uint32(x | x>>16)
}

func bytesOf(x []int8) []byte {
	if len(x) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&x[0])), len(x))
}

// fill sets every element of line to v.
func fill(line []int8, v int8) {
	if v == 0 {
		clear(line)
		return
	}
	for i := range line {
		line[i] = v
	}
}
