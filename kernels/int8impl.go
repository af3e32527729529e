package kernels

import (
	"fmt"
	"os"
)

// Int8Impl is one int8 GEMM tier: a micro-kernel over K in groups of four
// (the shape VPDPBUSD and SDOT consume) with its tile shape and blocking.
type Int8Impl struct {
	Name string

	// level is the float tier of the same instruction-set level: what
	// RETINA_KERNELS names to get this tier or a lower one.
	level string

	// MR x NR is the register tile; MC x K of A and K x NC of B are the
	// cache blocks (the int8 driver does not split K: int32 sums of a whole
	// row fit in the tile's registers, and C may be int8).
	MR, NR int
	MC, NC int

	// tile computes the MR x NR int32 tile C = A*B from a packed A panel and
	// a packed B panel of groups groups of four k steps each (layouts in
	// pack8.go); c has row stride ldc.
	tile func(groups int, a, b *int8, c *int32, ldc int)

	// tileExact, when set, replaces tile for A panels holding -128 (see
	// the neon tier).
	tileExact func(groups int, a, b *int8, c *int32, ldc int)

	// narrow[i], when set, computes only the first (i+1)*narrowStep
	// columns of a tile from the same panels: the driver runs the
	// narrowest that covers an edge tile of C.
	narrow     []func(groups int, a, b *int8, c *int32, ldc int)
	narrowStep int

	// tile16, when set, holds the int16 tile kernels of the Winograd
	// convs (int8_wino.go): tile16[i] computes the first 16*(i+1) columns
	// of a 6x64 int32 tile from int16 panels.
	tile16 []func(groups int, a, b *int16, c *int32, ldc int)

	// wino8Input, when set, is the Winograd input transform of two
	// channels' windows of 16 tiles (wino8InputAVX512's doc).
	wino8Input func(v *int16, ptStride int, c0, c1 *int8, offs *int32, scratch *int32)

	// wino8Weights, when set, is the Winograd weight transform of one
	// panel (wino8WeightsAVX512's doc).
	wino8Weights func(u *int16, raw *int8, vecs, ptStride int)

	// wino8Output, when set, is the Winograd output transform of 16 tiles
	// (wino8OutputAVX512's doc).
	wino8Output func(y *int32, m *int32, ptStride int)

	// wino8OutputQ, when set, is wino8Output with one row's
	// requantization (wino8OutputQAVX512's doc).
	wino8OutputQ func(q *int8, m *int32, ptStride int, rp *rqRow, lo, hi, zero int32, dst *int8, offs, widths *int32, mask uint16)
	// wino8OutputQLanes, when set, is wino8OutputQ with each tile's own
	// requantization (wino8OutputQLanesAVX512's doc).
	wino8OutputQLanes func(q *int8, m *int32, ptStride int, rl *rqLanes, dst *int8, offs, widths *int32, mask uint16)

	// wino8PlaceF, when set, dequantizes and places the whole tiles of 16
	// (wino8PlaceFAVX512's doc).
	wino8PlaceF func(dst *float32, acc *int32, add int32, scale float32, offs, widths *int32, mask uint16)

	// offsetB: the kernel reads B as unsigned bytes (VPDPBUSD), so B is
	// packed as x^0x80 and the driver subtracts 128*rowsum(A) from each sum.
	offsetB bool

	// wideA: A is packed as int16 (little-endian pairs of bytes), for
	// kernels that multiply int16 lanes (pack8.go).
	wideA bool

	// requant, when set, requantizes rows x n int32 values of a finished
	// tile into int8 (requantRowGo per row); n must be a multiple of
	// rqLanes.
	requant func(dst *int8, ldd int, src *int32, lds, rows, n int, rp *rqRow, lo, hi, zero int32)
	rqLanes int

	// bias, when set, adds each row's constant to rows x n int32 values
	// (GemmI8Acc's epilogue), n a multiple of rqLanes.
	bias func(dst *int32, ldd int, src *int32, lds, rows, n int, rp *rqRow)

	// quantize, when set, is Quantize on n floats, n a positive multiple of
	// qLanes (quantizeGo does the rest).
	quantize func(dst *int8, src *float32, n int, inv float32, zero int32)
	qLanes   int

	// gatherEven sets dst[i] = src[2i] (im2col's stride-2 runs; src may
	// extend past the last value read, which lets vector code read whole
	// vectors).
	gatherEven func(dst, src []int8)
	// gatherEvenRows, when set, is gatherEven on rows lines at once: line
	// r of dst at r*ldd from line r of src at r*lds, n values each (the
	// stride-2 im2col's valid lines of a row, in one call instead of one
	// a line). It reads nothing past src[(rows-1)*lds+2*(n-1)].
	gatherEvenRows func(dst []int8, ldd int, src []int8, lds, n, rows int)

	// The max pool's steps, when set: maxBytes is dst[i] = max(a[i], b[i])
	// on blocks*16 values, pool3s2 dst[i] = max(p[2i], p[2i+1], p[2i+2])
	// for i < blocks*16.
	maxBytes func(dst, a, b *int8, blocks int)
	pool3s2  func(dst, p *int8, blocks int)

	// packB8Groups, when set, packs 4-column steps of whole groups of four
	// rows of B: words[g*nr+c] = word of b[4g..4g+3][c] ^ flip for c < 4*n4.
	packB8Groups func(dst *uint32, b *int8, ldb, groups, n4, nr int, flip uint32)
}

func (im *Int8Impl) String() string { return im.Name }

// generic8 is the pure-Go int8 tier, the reference for the others.
var generic8 = &Int8Impl{
	Name: "generic", level: "generic",
	MR: 4, NR: 4,
	MC: 128, NC: 2048,
	tile:       int8TileGeneric,
	gatherEven: gatherEven8Go,
}

// int8Tiers lists the int8 tiers this CPU can run, best first, generic last.
var int8Tiers = append(archInt8Tiers(), generic8)

// activeInt8 follows RETINA_KERNELS like the float tier.
var activeInt8 = chooseInt8(os.Getenv("RETINA_KERNELS"))

// Int8Tiers returns every int8 tier this CPU can run, best first.
func Int8Tiers() []*Int8Impl { return append([]*Int8Impl(nil), int8Tiers...) }

// ActiveInt8 returns the int8 tier new engines use.
func ActiveInt8() *Int8Impl { return activeInt8 }

// LookupInt8 returns the int8 tier with the given name if this CPU can run it.
func LookupInt8(name string) (*Int8Impl, error) {
	for _, t := range int8Tiers {
		if t.Name == name {
			return t, nil
		}
	}
	return nil, fmt.Errorf("int8 kernel tier %q is not available on this CPU", name)
}

// chooseInt8 picks the int8 tier RETINA_KERNELS names: an int8 tier by
// its name, or for a float tier name the best int8 tier of that level or
// below (avx512 -> avx512vnni, or avx2 without VNNI), so that forcing a
// float tier never runs wider int8 code than asked for. An empty or unknown
// name gives the best tier (the float chooser already warns).
func chooseInt8(forced string) *Int8Impl {
	if forced == "" {
		return int8Tiers[0]
	}
	if t, err := LookupInt8(forced); err == nil {
		return t
	}
	rank := func(name string) int {
		for i, t := range tiers {
			if t.Name == name {
				return i
			}
		}
		return -1
	}
	r := rank(forced)
	if r < 0 {
		return int8Tiers[0]
	}
	for _, t := range int8Tiers {
		if rank(t.level) >= r {
			return t
		}
	}
	return generic8
}
