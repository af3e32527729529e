package kernels

import (
	"fmt"
	"unsafe"
)

// The int8 Winograd F(4x4, 3x3) convolution, exact: it gives the direct
// convolution's int32 sums bit for bit, so a tier may run it or the
// im2col GEMM and every tier still agrees with the Go reference.
//
// The transforms are integer: the weights' G is scaled row by row to
// integers (G' = diag(4, 6, 6, 24, 24, 1) G) and the output's A^T takes
// the inverse scale times 24, so A2^T[(G' g G'^T) . (B^T d B)]A2 is 576
// times the direct sum Y. The transformed weights (|U| <= 49*128) and
// inputs (|V| <= 100*128) fit int16, whose products the int16 GEMM sums
// into int32 lanes that may wrap; every step is exact modulo 2^32, and
// Y*576 = Y*64*9, so multiplying by 9's inverse modulo 2^32 and shifting
// right by 6 gives Y back whenever |Y| < 2^25. NewWino8 checks that bound
// from the weights (128 * the largest row sum of |w|), refusing a conv
// that could pass it.

// Wino8 tile geometry: a 6x6 input tile gives a 4x4 output tile, and the
// transform domain has 36 points, each one GEMM.
const (
	wino8Out    = 4
	wino8In     = 6
	wino8Points = wino8In * wino8In
	wino8Inv9   = 0x38e38e39 // 9 * wino8Inv9 = 1 modulo 2^32
	wino8MR     = 6          // rows of a weight panel (the int16 tile kernels' MR)
	wino8NR     = 64         // tiles of an input panel (their NR)
	wino8Block  = 4 * wino8MR
	wino8Chunk  = 4
	wino8Bound  = 1 << 25
)

// Wino8 is a 3x3, stride-1, pad-1 conv's int8 weights, kept as int8 and
// transformed a layout block at a time into a thread's scratch right
// before that block's products (the transformed weights are 8 times the
// bytes: a whole conv's would not stay in the caches). The int8 weights
// are held in ceil(OutC/6) panels of 9*lanes, lane g*12+r*2+t of panel i
// holding w[6i+r][2g+t] (zero past OutC and C, and in the lanes padding
// a panel to whole vectors), so that the transform is the same on every
// lane; a panel holds its vectors of 32 lanes one after another, each
// its nine taps (ky*3+kx) of 32 bytes, so that the transform reads one
// stream. The transformed panels are in the int16 tile kernels' layout:
// point p of panel i of a layout block (wino8Block rows) at
// p*pointStride()+i%block*lanes, holding u[g*12+r*2+t] = U_p[6i+r][2g+t].
type Wino8 struct {
	OutC, C int
	panels  int
	block   int // panels a layout block holds (the last may hold fewer)
	lanes   int // of a tap and of a transformed panel: ceil(C/2)*12 rounded up to 32
	raw     []int8
}

// NewWino8 lays out the weights w (outC x C*9, row-major in (c, ky, kx)
// order, as a conv's im2col GEMM takes them). It fails when the weights'
// sums could reach 2^25, where the transform would no longer be exact.
func NewWino8(outC, c int, w []int8) (*Wino8, error) {
	if outC < 1 || c < 1 || len(w) != outC*c*9 {
		return nil, fmt.Errorf("kernels: Winograd weights: %d values for %d x %d x 3 x 3", len(w), outC, c)
	}
	for o := range outC {
		var sum int64
		for _, v := range w[o*c*9 : (o+1)*c*9] {
			sum += int64(max(v, -v))
		}
		if sum*128 >= wino8Bound {
			return nil, fmt.Errorf("kernels: Winograd weights: output channel %d's sums can reach %d, past the exact range 2^25", o, sum*128)
		}
	}
	wt := &Wino8{OutC: outC, C: c, panels: ceilDiv(outC, wino8MR), block: wino8Block / wino8MR}
	wt.lanes = wino8Lanes(c)
	wt.raw = make([]int8, wt.panels*9*wt.lanes)
	for o := range outC {
		for ch := range c {
			for k := range 9 {
				l := ch/2*2*wino8MR + o%wino8MR*2 + ch%2
				wt.raw[o/wino8MR*9*wt.lanes+wino8Tap(l, k)] = w[(o*c+ch)*9+k]
			}
		}
	}
	return wt, nil
}

// wino8Lanes is a panel's lanes for c channels: groups of two channels
// by six rows, rounded up to whole 32-lane vectors.
func wino8Lanes(c int) int { return ceilDiv(ceilDiv(c, 2)*2*wino8MR, 32) * 32 }

// pointStride is the int16s between a transformed block's points: its
// panels and a vector more, so that the 36 points of a lane are not all
// a multiple of 4 KB apart (the same L1 set: the transform's stores would
// evict each other).
func (w *Wino8) pointStride() int { return w.block*w.lanes + 32 }

// transformBlock writes layout block b's transformed panels into u (36
// x pointStride int16) with the tier's transform.
func (w *Wino8) transformBlock(im *Int8Impl, u []int16, b int) {
	n := min(w.block, w.panels-b*w.block)
	ptStride := w.pointStride()
	for j := range n {
		raw := w.raw[(b*w.block+j)*9*w.lanes : (b*w.block+j+1)*9*w.lanes]
		if im.wino8Weights != nil {
			im.wino8Weights(&u[j*w.lanes], &raw[0], w.lanes/32, ptStride*2)
			continue
		}
		wino8WeightsGo(u[j*w.lanes:], raw, w.lanes, ptStride)
	}
}

// wino8Tap is where tap k of lane l lies in a panel of raw weights.
func wino8Tap(l, k int) int { return (l/32*9+k)*32 + l%32 }

// wino8WeightsGo is the weight transform's reference on one panel: tap
// k of lane l at raw[wino8Tap(l, k)], point p of lane l to
// u[p*ptStride+l].
func wino8WeightsGo(u []int16, raw []int8, lanes, ptStride int) {
	var g [3][3]int32
	for l := range lanes {
		for k := range 9 {
			g[k/3][k%3] = int32(raw[wino8Tap(l, k)])
		}
		for p, v := range wino8Weight(&g) {
			u[p*ptStride+l] = int16(v)
		}
	}
}

// wino8G is the weight transform G' (rows of G scaled to integers).
var wino8G = [wino8In][3]int32{{1, 0, 0}, {-1, -1, -1}, {-1, 1, -1}, {1, 2, 4}, {1, -2, 4}, {0, 0, 1}}

// wino8Weight returns G' g G'^T, row-major.
func wino8Weight(g *[3][3]int32) (u [wino8Points]int32) {
	var t [wino8In][3]int32 // G' g
	for i := range wino8In {
		for j := range 3 {
			t[i][j] = wino8G[i][0]*g[0][j] + wino8G[i][1]*g[1][j] + wino8G[i][2]*g[2][j]
		}
	}
	for i := range wino8In {
		for j := range wino8In {
			u[i*wino8In+j] = t[i][0]*wino8G[j][0] + t[i][1]*wino8G[j][1] + t[i][2]*wino8G[j][2]
		}
	}
	return u
}

// wino8InputRow is B^T d for one line of six values.
func wino8InputRow(d0, d1, d2, d3, d4, d5 int32) (t0, t1, t2, t3, t4, t5 int32) {
	t0 = 4*(d0-d2) + (d4 - d2)
	t1 = (d3 + d4) - 4*(d1+d2)
	t2 = (d4 - d3) + 4*(d1-d2)
	t3 = (d4 - d2) - 2*(d1-d3)
	t4 = (d4 - d2) + 2*(d1-d3)
	t5 = 4*(d1-d3) + (d5 - d3)
	return
}

// wino8Input returns B^T d B for the 6x6 tile d, row-major.
func wino8Input(d *[wino8Points]int32) (v [wino8Points]int32) {
	var t [wino8Points]int32
	for r := range wino8In {
		x := d[r*wino8In : r*wino8In+wino8In]
		t[r*6], t[r*6+1], t[r*6+2], t[r*6+3], t[r*6+4], t[r*6+5] = wino8InputRow(x[0], x[1], x[2], x[3], x[4], x[5])
	}
	for c := range wino8In {
		v[c], v[6+c], v[12+c], v[18+c], v[24+c], v[30+c] = wino8InputRow(t[c], t[6+c], t[12+c], t[18+c], t[24+c], t[30+c])
	}
	return v
}

// wino8OutputRow is A2^T m for one line of six sums, wrapping.
func wino8OutputRow(m0, m1, m2, m3, m4, m5 int32) (y0, y1, y2, y3 int32) {
	s12, d12, s34, d34 := m1+m2, m1-m2, m3+m4, m3-m4
	y0 = 6*m0 + 4*s12 + s34
	y1 = 4*d12 + 2*d34
	y2 = 4 * (s12 + s34)
	y3 = 4*d12 + 8*d34 + 24*m5
	return
}

// wino8Output returns the 4x4 direct sums of the transform-domain sums m
// (row-major): A2^T m A2 is 576 Y modulo 2^32, and Y = 576Y * 9^-1 / 64.
func wino8Output(m *[wino8Points]int32) (y [wino8Out * wino8Out]int32) {
	var t [wino8Out * wino8In]int32
	for c := range wino8In {
		t[c], t[6+c], t[12+c], t[18+c] = wino8OutputRow(m[c], m[6+c], m[12+c], m[18+c], m[24+c], m[30+c])
	}
	for r := range wino8Out {
		x := t[r*wino8In : r*wino8In+wino8In]
		y[r*4], y[r*4+1], y[r*4+2], y[r*4+3] = wino8OutputRow(x[0], x[1], x[2], x[3], x[4], x[5])
	}
	for i, v := range y {
		y[i] = int32(uint32(v)*wino8Inv9) >> 6
	}
	return y
}

// tile16Generic is the int16 tile kernels' reference: a 6x64 tile of
// int32 sums from panels in the layout Wino8 and Wino8Plan write, the
// first cols columns (the rest of c untouched).
func tile16Generic(groups int, a, b *int16, c *int32, ldc, cols int) {
	as := unsafe.Slice(a, groups*2*wino8MR)
	bs := unsafe.Slice(b, groups*2*wino8NR)
	cs := unsafe.Slice(c, (wino8MR-1)*ldc+cols)
	for r := range wino8MR {
		for j := range cols {
			var s int32
			for g := range groups {
				s += int32(as[g*12+r*2])*int32(bs[g*128+j*2]) + int32(as[g*12+r*2+1])*int32(bs[g*128+j*2+1])
			}
			cs[r*ldc+j] = s
		}
	}
}
