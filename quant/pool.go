package quant

import (
	"encoding/binary"
	"math"
)

// Max-pooling and nearest upsampling commute with a monotonic quantization,
// so they run directly on int8 with the input's parameters.

// MaxPool3x3s2 is torch's max_pool2d(kernel 3, stride 2, padding 1) on
// planes CHW int8 planes of h x w (padding never wins: it acts as -inf).
// Each output row takes the column-wise max of its (up to) three input
// rows, then the max of three neighbours at stride 2.
func MaxPool3x3s2(src []int8, planes, h, w int, dst []int8) {
	maxPool(src, planes, h, w, dst, make([]int8, w))
}

// maxPool is MaxPool3x3s2 with the row scratch (w values) given. Both
// passes take eight int8 lanes at a time in a uint64 (maxBytes).
func maxPool(src []int8, planes, h, w int, dst, rowMax []int8) {
	oh, ow := PoolSize(h), PoolSize(w)
	rowMax = rowMax[:w]
	rm := bytesOf(rowMax)
	for p := 0; p < planes; p++ {
		in := src[p*h*w : (p+1)*h*w]
		out := dst[p*oh*ow : (p+1)*oh*ow]
		for oy := 0; oy < oh; oy++ {
			y0, y1 := max(0, 2*oy-1), min(h, 2*oy+2)
			copy(rowMax, in[y0*w:(y0+1)*w])
			for y := y0 + 1; y < y1; y++ {
				maxInto(rm, bytesOf(in[y*w:(y+1)*w]))
			}
			poolRow(out[oy*ow:(oy+1)*ow], rowMax)
		}
	}
}

// maxInto sets dst[i] = max(dst[i], src[i]) over int8 lanes.
func maxInto(dst, src []byte) {
	src = src[:len(dst)]
	i := 0
	for ; i+8 <= len(dst); i += 8 {
		x := binary.LittleEndian.Uint64(dst[i:])
		y := binary.LittleEndian.Uint64(src[i:])
		binary.LittleEndian.PutUint64(dst[i:], maxBytes(x, y))
	}
	for ; i < len(dst); i++ {
		dst[i] = byte(max(int8(dst[i]), int8(src[i])))
	}
}

// poolRow writes line[x] = max(rm[2x-1], rm[2x], rm[2x+1]) (columns past
// either end do not count): the horizontal pass of the 3x3/2 pool.
func poolRow(line, rowMax []int8) {
	w, ow := len(rowMax), len(line)
	rm := bytesOf(rowMax)
	line[0] = rowMax[0]
	if w > 1 {
		line[0] = max(line[0], rowMax[1])
	}
	full := min(ow, w/2) // outputs whose three columns all exist
	x := 1
	// Eight outputs from sixteen columns: even lanes rm[2x], odd lanes
	// rm[2x+1], and the odd lanes moved up one for rm[2x-1].
	for ; x+8 <= full && 2*x+16 <= w; x += 8 {
		a := binary.LittleEndian.Uint64(rm[2*x:])
		b := binary.LittleEndian.Uint64(rm[2*x+8:])
		even := uint64(evenBytes(a)) | uint64(evenBytes(b))<<32
		odd := uint64(evenBytes(a>>8)) | uint64(evenBytes(b>>8))<<32
		left := odd<<8 | uint64(rm[2*x-1])
		binary.LittleEndian.PutUint64(bytesOf(line[x:x+8]), maxBytes(maxBytes(even, odd), left))
	}
	for ; x < full; x++ {
		line[x] = max(rowMax[2*x-1], rowMax[2*x], rowMax[2*x+1])
	}
	for x = max(full, 1); x < ow; x++ {
		m := max(rowMax[2*x-1], rowMax[2*x])
		if 2*x+1 < w {
			m = max(m, rowMax[2*x+1])
		}
		line[x] = m
	}
}

const highBits = 0x8080808080808080

// maxBytes is the signed max of each of the eight int8 lanes of x and y.
// Flipping the sign bits turns signed order into unsigned order; d's high
// bit per byte is "x's low seven bits >= y's" (each byte of the minuend is
// at least 0x80 and of the subtrahend at most 0x7f, so no borrow crosses
// bytes), and the top bits decide when they differ.
func maxBytes(x, y uint64) uint64 {
	ux, uy := x^highBits, y^highBits
	d := (ux | highBits) - (uy &^ highBits)
	ge := ((ux &^ uy) | (^(ux ^ uy) & d)) & highBits
	mask := (ge >> 7) * 0xFF
	return y ^ ((x ^ y) & mask)
}

// PoolSize is MaxPool3x3s2's output size for an input of n.
func PoolSize(n int) int { return (n+2-3)/2 + 1 }

// nearestIndex is torch's "nearest" source index (float32 scale, floored,
// clamped), as package net computes it for the float model.
func nearestIndex(dst, in, out int) int {
	scale := float32(in) / float32(out)
	return min(int(math.Floor(float64(float32(dst)*scale))), in-1)
}

// nearestTable fills t[i] with nearestIndex(i, in, len(t)).
func nearestTable(t []int32, in int) {
	for i := range t {
		t[i] = int32(nearestIndex(i, in, len(t)))
	}
}

// UpsampleNearest is F.interpolate(size=(oh, ow), mode="nearest") on planes
// int8 planes of h x w.
func UpsampleNearest(src []int8, planes, h, w int, dst []int8, oh, ow int) {
	for p := 0; p < planes; p++ {
		in := src[p*h*w : (p+1)*h*w]
		out := dst[p*oh*ow : (p+1)*oh*ow]
		for y := 0; y < oh; y++ {
			row := in[nearestIndex(y, h, oh)*w:]
			line := out[y*ow : (y+1)*ow]
			for x := range line {
				line[x] = row[nearestIndex(x, w, ow)]
			}
		}
	}
}
