package kernels

import (
	"encoding/binary"
	"fmt"
	"unsafe"
)

// ConvShape describes a 2-D convolution (groups = 1) over CHW images.
type ConvShape struct {
	C, H, W          int // input channels, height, width
	KH, KW           int // kernel size
	StrideH, StrideW int
	PadH, PadW       int // zero padding on each side
	DilH, DilW       int // dilation (1 for none)
}

// OutH is the output height: (H + 2*PadH - DilH*(KH-1) - 1)/StrideH + 1.
func (s ConvShape) OutH() int { return (s.H+2*s.PadH-s.DilH*(s.KH-1)-1)/s.StrideH + 1 }

// OutW is the output width.
func (s ConvShape) OutW() int { return (s.W+2*s.PadW-s.DilW*(s.KW-1)-1)/s.StrideW + 1 }

// ColRows is the row count of the im2col matrix: C*KH*KW (the GEMM's k).
func (s ConvShape) ColRows() int { return s.C * s.KH * s.KW }

// ColCols is the column count of the im2col matrix: OutH*OutW (the GEMM's n).
func (s ConvShape) ColCols() int { return s.OutH() * s.OutW() }

// IsPointwise reports a 1x1, stride-1, unpadded conv: its im2col matrix is
// the input itself.
func (s ConvShape) IsPointwise() bool {
	return s.KH == 1 && s.KW == 1 && s.StrideH == 1 && s.StrideW == 1 && s.PadH == 0 && s.PadW == 0
}

// Validate reports a shape that has no output or nonsensical parameters.
func (s ConvShape) Validate() error {
	if s.C < 1 || s.H < 1 || s.W < 1 || s.KH < 1 || s.KW < 1 || s.StrideH < 1 || s.StrideW < 1 ||
		s.PadH < 0 || s.PadW < 0 || s.DilH < 1 || s.DilW < 1 {
		return fmt.Errorf("kernels: invalid conv shape %+v", s)
	}
	if s.OutH() < 1 || s.OutW() < 1 {
		return fmt.Errorf("kernels: conv kernel %dx%d does not fit a %dx%d input", s.KH, s.KW, s.H, s.W)
	}
	return nil
}

// Im2col writes the (C*KH*KW) x (OutH*OutW) matrix whose row (c,ky,kx) and
// column (oy,ox) hold src[c][oy*StrideH-PadH+ky*DilH][ox*StrideW-PadW+kx*DilW]
// (0 outside the image). src is one C x H x W image.
func Im2col(s ConvShape, src, col []float32) {
	im2colRows(s, src, s.H*s.W, 0, false, 0, col, s.ColCols(), 0, s.ColRows(), gatherEvenGeneric, nil)
}

// Im2colInt8 is Im2col for int8 images on im's gather; padding reads as
// zeroPoint, the quantized value of a real 0.
func Im2colInt8(im *Int8Impl, s ConvShape, src []int8, zeroPoint int8, col []int8) {
	Im2colPlanesInt8(im, s, src, s.H*s.W, zeroPoint, -128, col, s.ColCols(), 0, s.ColRows())
}

// Im2colPlanes writes rows [r0, r1) of Im2col's matrix with the strides a
// network's buffers have: channel c's H x W plane starts at
// src[c*planeStride] and row r of the matrix at col[r*ldc] (the FPN
// levels and the head towers keep every level side by side in one row per
// channel). Threads share a matrix by row ranges, even when there are few
// channels (a stem conv has 3, and 147 rows). Stride-2 rows run im's
// GatherEven.
func Im2colPlanes(im *Impl, s ConvShape, src []float32, planeStride int, col []float32, ldc, r0, r1 int) {
	im2colRows(s, src, planeStride, 0, false, 0, col, ldc, r0, r1, im.gatherEven, nil)
}

// Im2colPlanesBand is Im2colPlanes for the output rows [oy0, oy1) only: the
// matrix's columns are those rows' (oy1-oy0)*OutW, so a conv on a large map
// can run band by band with a bounded im2col scratch.
func Im2colPlanesBand(im *Impl, s ConvShape, src []float32, planeStride int, col []float32, ldc, r0, r1, oy0, oy1 int) {
	im2colBand(s, src, planeStride, 0, false, 0, col, ldc, r0, r1, oy0, oy1, im.gatherEven, nil)
}

// Im2colPlanesInt8 is Im2colPlanes for int8 on im's gather: padding reads
// zeroPoint, and values below floor read as floor (a ReLU fused into the
// read; -128 for none).
func Im2colPlanesInt8(im *Int8Impl, s ConvShape, src []int8, planeStride int, zeroPoint, floor int8, col []int8, ldc, r0, r1 int) {
	im2colRows(s, src, planeStride, zeroPoint, floor > -128, floor, col, ldc, r0, r1, im.gatherEven, im.gatherEvenRows)
}

// im2colRows is the one im2col: rows [r0, r1) of the matrix, padding pad,
// values read inside the image raised to floor when clamp is set. even
// gathers a stride-2 run (dst[i] = src[2i]; src may extend to the end of
// the plane, which lets vector code read whole vectors); evenRows, when
// set, gathers all of a matrix row's stride-2 lines in one call.
func im2colRows[T float32 | int8](s ConvShape, src []T, planeStride int, pad T, clamp bool, floor T,
	col []T, ldc, r0, r1 int, even func(dst, src []T), evenRows func(dst []T, ldd int, src []T, lds, n, rows int)) {
	im2colBand(s, src, planeStride, pad, clamp, floor, col, ldc, r0, r1, 0, s.OutH(), even, evenRows)
}

// im2colBand is im2colRows for the output rows [b0, b1): column
// (oy-b0)*OutW+ox of the matrix is output (oy, ox).
func im2colBand[T float32 | int8](s ConvShape, src []T, planeStride int, pad T, clamp bool, floor T,
	col []T, ldc, r0, r1, b0, b1 int, even func(dst, src []T), evenRows func(dst []T, ldd int, src []T, lds, n, rows int)) {
	ow := s.OutW()
	// Stride-2 lines without a clamp go to evenRows together: the output
	// rows that read inside the image are a run (y grows with oy).
	rowsAtOnce := s.StrideW == 2 && evenRows != nil && !clamp
	shift := b0 * ow // the band's first column is output row b0's
	kk := s.KH * s.KW
	// Stride 1 with the output as wide as the input (same padding): out[oy][ox]
	// = plane[oy+dy][ox+x0] is the plane at a constant offset, one copy for
	// the whole row of col, then the pad at the ends of each line put back.
	flat := s.StrideH == 1 && s.StrideW == 1 && ow == s.W && !clamp
	for row := r0; row < r1; row++ {
		c, ky, kx := row/kk, row/s.KW%s.KH, row%s.KW
		plane := src[c*planeStride : c*planeStride+s.H*s.W]
		out := col[row*ldc : row*ldc+(b1-b0)*ow]
		x0 := kx*s.DilW - s.PadW
		// Output columns whose input x lies inside the image.
		lo, hi := validRange(x0, s.StrideW, s.W, ow)
		if flat {
			dy := ky*s.DilH - s.PadH
			oy0, oy1 := validRange(dy, 1, s.H, s.OutH())
			oy0, oy1 = min(max(oy0, b0), b1), max(min(oy1, b1), b0)
			if oy1 < oy0 {
				oy1 = oy0
			}
			fill(out[:oy0*ow-shift], pad)
			fill(out[oy1*ow-shift:], pad)
			if lo < hi && oy0 < oy1 {
				a, b := oy0*ow+lo, (oy1-1)*ow+hi
				copy(out[a-shift:b-shift], plane[a+dy*s.W+x0:b+dy*s.W+x0])
			}
			for oy := oy0; oy < oy1; oy++ {
				// A pixel or two a line: no call.
				line := out[oy*ow-shift : (oy+1)*ow-shift]
				for ox := range line[:lo] {
					line[ox] = pad
				}
				for ox := hi; ox < len(line); ox++ {
					line[ox] = pad
				}
			}
			continue
		}
		runA, runB := 0, 0 // the output rows [runA, runB) left to evenRows
		for oy := b0; oy < b1; oy++ {
			line := out[oy*ow-shift : (oy+1)*ow-shift]
			y := oy*s.StrideH - s.PadH + ky*s.DilH
			if y < 0 || y >= s.H || lo >= hi {
				fill(line, pad)
				continue
			}
			fill(line[:lo], pad)
			fill(line[hi:], pad)
			if rowsAtOnce {
				if runA == runB {
					runA = oy
				}
				runB = oy + 1
				continue
			}
			valid := line[lo:hi]
			first := y*s.W + x0 + lo*s.StrideW
			switch s.StrideW {
			case 1:
				copy(valid, plane[first:])
			case 2:
				even(valid, plane[first:])
			default:
				for i := range valid {
					valid[i] = plane[first+i*s.StrideW]
				}
			}
			if clamp {
				for i, v := range valid {
					valid[i] = max(v, floor)
				}
			}
		}
		if runA < runB {
			y := runA*s.StrideH - s.PadH + ky*s.DilH
			evenRows(out[runA*ow-shift+lo:], ow, plane[y*s.W+x0+lo*s.StrideW:], s.StrideH*s.W, hi-lo, runB-runA)
		}
	}
}

// gatherEven8Blocks runs kernel (dst[i] = src[2i], 16 values a block,
// reading 32 bytes of src) on the whole blocks whose reads stay inside
// src, and gatherEven8Go on the rest: a tier's gatherEven.
func gatherEven8Blocks(dst, src []int8, kernel func(dst, src *int8, blocks int)) {
	done := 0
	if blocks := min(len(dst)-1, (len(src)-1)/2) / 16; blocks > 0 {
		_ = src[32*blocks-1]
		kernel(&dst[0], &src[0], blocks)
		done = 16 * blocks
	}
	gatherEven8Go(dst[done:], src[2*done:])
}

// gatherEven8Go sets dst[i] = src[2i]: eight bytes at a time, the even
// bytes of two 64-bit loads packed by shifts and masks.
func gatherEven8Go(dst, src []int8) {
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

// fill sets every element of line to v; clear for zero, the common case.
func fill[T float32 | int8](line []T, v T) {
	if v == 0 {
		clear(line)
		return
	}
	for i := range line {
		line[i] = v
	}
}

// Col2im is the adjoint of Im2col: it adds each column element back onto the
// image position it was read from (dst += col2im(col)). dst is C x H x W.
func Col2im(s ConvShape, col, dst []float32) {
	oh, ow := s.OutH(), s.OutW()
	dst = dst[:s.C*s.H*s.W]
	col = col[:s.ColRows()*oh*ow]
	row := 0
	for c := 0; c < s.C; c++ {
		plane := dst[c*s.H*s.W : (c+1)*s.H*s.W]
		for ky := 0; ky < s.KH; ky++ {
			for kx := 0; kx < s.KW; kx++ {
				in := col[row*oh*ow : (row+1)*oh*ow]
				row++
				x0 := kx*s.DilW - s.PadW
				lo, hi := validRange(x0, s.StrideW, s.W, ow)
				for oy := 0; oy < oh; oy++ {
					y := oy*s.StrideH - s.PadH + ky*s.DilH
					if y < 0 || y >= s.H {
						continue
					}
					out := plane[y*s.W : (y+1)*s.W]
					line := in[oy*ow : (oy+1)*ow]
					for ox := lo; ox < hi; ox++ {
						out[x0+ox*s.StrideW] += line[ox]
					}
				}
			}
		}
	}
}

// validRange returns the output columns [lo, hi) for which x0 + ox*stride
// lies in [0, w).
func validRange(x0, stride, w, ow int) (lo, hi int) {
	lo = 0
	if x0 < 0 {
		lo = ceilDiv(-x0, stride)
	}
	hi = 0
	if w-1-x0 >= 0 {
		hi = (w-1-x0)/stride + 1
	}
	lo, hi = min(lo, ow), min(hi, ow)
	if hi < lo {
		hi = lo
	}
	return lo, hi
}
