package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// requantCase draws one row's constants: multipliers and shifts across
// their whole ranges (not only what QuantizeMultiplier makes), and a clamp.
func requantCase(rng *rand.Rand) (p rqRow, cl rqClamp, rq *Requant) {
	mults := []int32{0, 1, -1, 1 << 30, math.MaxInt32, math.MinInt32 + 1, -(1 << 30)}
	mult := int32(rng.Uint32())
	if rng.IntN(3) == 0 {
		mult = mults[rng.IntN(len(mults))]
	}
	shift := rng.IntN(62) - 31
	if rng.IntN(2) == 0 {
		shift = -rng.IntN(12) // the usual range: small right shifts, many ties
	}
	p.add = int32(rng.Uint32())
	if rng.IntN(2) == 0 {
		p.add = int32(rng.IntN(2001) - 1000)
	}
	p.setShift(mult, shift)
	lo, hi := int8(rng.IntN(256)-128), int8(rng.IntN(256)-128)
	lo, hi = min(lo, hi), max(lo, hi)
	if rng.IntN(2) == 0 {
		lo, hi = -128, 127
	}
	rq = &Requant{OutZero: int32(rng.IntN(256) - 128), Min: lo, Max: hi}
	return p, rq.clamp(), rq
}

// requantInput fills acc with random sums and the values at the edges.
func requantInput(rng *rand.Rand, acc []int32) {
	edges := []int32{0, 1, -1, math.MaxInt32, math.MinInt32, math.MaxInt32 - 1, math.MinInt32 + 1, 1 << 15, -1 << 15}
	for i := range acc {
		switch rng.IntN(4) {
		case 0:
			acc[i] = edges[rng.IntN(len(edges))]
		case 1:
			acc[i] = int32(rng.IntN(1<<16) - 1<<15)
		default:
			acc[i] = int32(rng.Uint32())
		}
	}
}

// TestRequantRowGo checks the driver's scalar loop against the plain
// gemmlowp functions of quantmath.go.
func TestRequantRowGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	acc := make([]int32, 64)
	dst := make([]int8, 64)
	for trial := 0; trial < 3000; trial++ {
		p, cl, rq := requantCase(rng)
		if rng.IntN(50) == 0 {
			p.setShift(math.MinInt32, 0) // the saturating multiplier
		}
		requantInput(rng, acc)
		requantRowGo(dst, acc, &p, cl)
		shift := int(p.left) - int(p.right)
		for c, v := range acc {
			q := int64(rq.OutZero) + int64(MultiplyByQuantizedMultiplier(p.add+v, p.mult, shift))
			want := int8(min(max(q, int64(rq.Min)), int64(rq.Max)))
			if dst[c] != want {
				t.Fatalf("acc %d add %d mult %d shift %d clamp [%d, %d] zero %d: got %d, want %d",
					v, p.add, p.mult, shift, rq.Min, rq.Max, rq.OutZero, dst[c], want)
			}
		}
	}
}

// TestRequantKernels checks every tier's SIMD requantization against
// requantRowGo on tiles of up to 8 rows and every width its lanes allow,
// with guard bytes around and between the output rows.
func TestRequantKernels(t *testing.T) {
	for _, im := range Int8Tiers() {
		if im.requant == nil {
			continue
		}
		rng := rand.New(rand.NewPCG(9, 10))
		for trial := 0; trial < 400; trial++ {
			rows := 1 + rng.IntN(8)
			n := im.rqLanes * (1 + rng.IntN(72/im.rqLanes))
			lds := n + rng.IntN(5)
			ldd := n + 1 + rng.IntN(5)
			params := make([]rqRow, rows)
			_, cl, _ := requantCase(rng)
			for r := range params {
				for {
					params[r], _, _ = requantCase(rng)
					if params[r].mult != math.MinInt32 {
						break
					}
				}
			}
			src := make([]int32, rows*lds)
			requantInput(rng, src)
			const pad = 9
			buf := make([]int8, pad+rows*ldd+pad)
			for i := range buf {
				buf[i] = guard8
			}
			im.requant(&buf[pad], ldd, &src[0], lds, rows, n, &params[0], cl.lo, cl.hi, cl.zero)
			want := make([]int8, n)
			for r := 0; r < rows; r++ {
				requantRowGo(want, src[r*lds:r*lds+n], &params[r], cl)
				for c := 0; c < ldd; c++ {
					got := buf[pad+r*ldd+c]
					if c < n && got != want[c] {
						t.Fatalf("%s: %s: row %d col %d: acc %d gives %d, want %d", im.Name,
							fmt.Sprintf("%+v %+v", params[r], cl), r, c, src[r*lds+c], got, want[c])
					}
					if c >= n && got != guard8 {
						t.Fatalf("%s: rows %d n %d: wrote past a row at col %d", im.Name, rows, n, c)
					}
				}
			}
			for i := 0; i < pad; i++ {
				if buf[i] != guard8 || buf[len(buf)-1-i] != guard8 {
					t.Fatalf("%s: rows %d n %d ldd %d: wrote outside the tile", im.Name, rows, n, ldd)
				}
			}
		}
	}
}
