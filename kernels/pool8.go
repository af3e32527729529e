package kernels

import "fmt"

// MaxPool3x3s2Int8 is torch's max_pool2d(kernel 3, stride 2, padding 1) on
// planes CHW int8 planes of h x w, into planes of PoolSize(h) x
// PoolSize(w) (padding never wins: it acts as -inf). Max commutes with a
// monotonic quantization, so it runs on the int8 values as they are. Each
// output row takes the column-wise max of its (up to) three input rows,
// then the max of three neighbours at stride 2, both steps on im's kernels.
// rowMax is scratch of w values.
func MaxPool3x3s2Int8(im *Int8Impl, src []int8, planes, h, w int, dst, rowMax []int8) {
	if planes < 0 || h < 1 || w < 1 {
		panic(fmt.Sprintf("kernels: max pool of %d planes of %dx%d", planes, h, w))
	}
	oh, ow := PoolSize(h), PoolSize(w)
	src, dst, rowMax = src[:planes*h*w], dst[:planes*oh*ow], rowMax[:w]
	full := min(ow, w/2) // outputs x >= 1 below full read columns 2x-1..2x+1, all inside
	for p := 0; p < planes; p++ {
		in := src[p*h*w : (p+1)*h*w]
		out := dst[p*oh*ow : (p+1)*oh*ow]
		for oy := 0; oy < oh; oy++ {
			y0, y1 := max(0, 2*oy-1), min(h, 2*oy+2)
			if y1-y0 == 1 {
				copy(rowMax, in[y0*w:(y0+1)*w])
			} else {
				im.maxBytesInto(rowMax, in[y0*w:(y0+1)*w], in[(y0+1)*w:(y0+2)*w])
				if y1-y0 == 3 {
					im.maxBytesInto(rowMax, rowMax, in[(y0+2)*w:(y0+3)*w])
				}
			}
			line := out[oy*ow : (oy+1)*ow]
			line[0] = rowMax[0]
			if w > 1 {
				line[0] = max(line[0], rowMax[1])
			}
			x := 1
			if n := full - 1; n >= 16 && im.pool3s2 != nil {
				// The assembly reads rowMax[1 .. 32*blocks+1], the last of
				// which output 16*blocks (< full) needs anyway.
				blocks := n / 16
				_ = rowMax[32*blocks+1]
				im.pool3s2(&line[1], &rowMax[1], blocks)
				x += 16 * blocks
				if x < full {
					// The last 16 outputs before full again, overlapping
					// the blocks: no scalar tail (its reads end at
					// rowMax[2*full-1], inside the row).
					im.pool3s2(&line[full-16], &rowMax[2*(full-16)-1], 1)
					x = full
				}
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
	}
}

// PoolSize is MaxPool3x3s2Int8's output size for an input of n.
func PoolSize(n int) int { return (n+2-3)/2 + 1 }

// maxBytesInto sets dst[i] = max(a[i], b[i]) (dst may be a or b), 16 at a
// time in the tier's kernel if it has one.
func (im *Int8Impl) maxBytesInto(dst, a, b []int8) {
	a, b = a[:len(dst)], b[:len(dst)]
	done := 0
	if blocks := len(dst) / 16; blocks > 0 && im.maxBytes != nil {
		im.maxBytes(&dst[0], &a[0], &b[0], blocks)
		done = 16 * blocks
	}
	for i := done; i < len(dst); i++ {
		dst[i] = max(a[i], b[i])
	}
}
