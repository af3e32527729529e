package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// winograd4BT and winograd4AT are the transforms in float64, for holding
// the generic tier to them.
var (
	winograd4BT = [6][6]float64{{4, 0, -5, 0, 1, 0}, {0, -4, -4, 1, 1, 0}, {0, 4, -4, -1, 1, 0},
		{0, -2, -1, 2, 1, 0}, {0, 2, -1, -2, 1, 0}, {0, 4, 0, -5, 0, 1}}
	winograd4AT = [4][6]float64{{1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 0}, {0, 1, 1, 4, 4, 0}, {0, 1, -1, 8, -8, 1}}
)

// TestWinograd4InputRowTiers: every tier gives the generic tier's bits for
// widths around each tier's block sizes, writes nothing in out but the 36
// rows of tw values (the guards before, between and after them keep their
// values),
// and is not disturbed by NaN in the rows' padding past column 4*tw+1.
func TestWinograd4InputRowTiers(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for _, tw := range winogradWidths {
		pw := Winograd4RowWidth(tw) + rng.IntN(3)
		rows := randSlice(rng, 6*pw)
		for r := range 6 {
			for c := 4*tw + 2; c < pw; c++ {
				rows[r*pw+c] = float32(math.NaN())
			}
		}
		stride := tw + 1 + rng.IntN(5)
		guard := randSlice(rng, winogradFront+36*stride+7)
		want := append([]float32(nil), guard...)
		generic.Winograd4InputRow(rows, pw, tw, want[winogradFront:], stride)
		checkWinograd4Reference(t, rows, pw, tw, want[winogradFront:], guard[winogradFront:], stride)
		for _, im := range tiers {
			got := append([]float32(nil), guard...)
			im.Winograd4InputRow(rows, pw, tw, got[winogradFront:], stride)
			if i := firstBitDiff(got, want); i >= 0 {
				t.Fatalf("%s, %d tiles: out[%d] = %g, generic %g", im.Name, tw, i, got[i], want[i])
			}
		}
	}
}

// checkWinograd4Reference holds the generic tier to B^T d B in float64
// and to leaving the guards alone.
func checkWinograd4Reference(t *testing.T, rows []float32, pw, tw int, got, guard []float32, stride int) {
	t.Helper()
	bt := &winograd4BT
	written := make([]bool, len(got))
	for tx := range tw {
		for i := range 6 {
			for j := range 6 {
				var s, mag float64
				for r := range 6 {
					for k := range 6 {
						p := bt[i][r] * float64(rows[r*pw+4*tx+k]) * bt[j][k]
						s += p
						mag += math.Abs(p)
					}
				}
				at := (6*i+j)*stride + tx
				written[at] = true
				if math.Abs(float64(got[at])-s) > 1e-6*(1+mag) {
					t.Fatalf("generic, %d tiles: tile %d (%d,%d) = %g, want %g", tw, tx, i, j, got[at], s)
				}
			}
		}
	}
	for i := range got {
		if !written[i] && math.Float32bits(got[i]) != math.Float32bits(guard[i]) {
			t.Fatalf("generic, %d tiles: out[%d] outside the tiles changed", tw, i)
		}
	}
}

// TestWinograd4RowBadShapes: short rows, products or outputs, or a stride
// below the tile count, panic with a message in either transform.
func TestWinograd4RowBadShapes(t *testing.T) {
	pw := Winograd4RowWidth(5)
	for name, f := range map[string]func(){
		"narrow rows": func() { generic.Winograd4InputRow(make([]float32, 6*22), 22, 5, make([]float32, 36*5), 5) },
		"short rows":  func() { generic.Winograd4InputRow(make([]float32, 5*pw), pw, 5, make([]float32, 36*5), 5) },
		"short out":   func() { generic.Winograd4InputRow(make([]float32, 6*pw), pw, 5, make([]float32, 35*5), 5) },
		"stride":      func() { generic.Winograd4InputRow(make([]float32, 6*pw), pw, 5, make([]float32, 36*5), 4) },
		"short products": func() {
			generic.Winograd4OutputRow(make([]float32, 35*5+4), 5, 5, 0, false, false, make([]float32, 80), 20)
		},
		"output stride": func() {
			generic.Winograd4OutputRow(make([]float32, 36*5), 4, 5, 0, false, false, make([]float32, 80), 20)
		},
		"short output": func() {
			generic.Winograd4OutputRow(make([]float32, 36*5), 5, 5, 0, false, false, make([]float32, 79), 20)
		},
		"output row stride": func() {
			generic.Winograd4OutputRow(make([]float32, 36*5), 5, 5, 0, false, false, make([]float32, 80), 19)
		},
	} {
		expectOwnPanic(t, name, f)
	}
}

// TestWinograd4OutputRowTiers: every tier gives the generic tier's bits
// for widths around the block sizes, with and without accumulate and
// ReLU, with NaN in the products, and writes nothing past 4*tw in the
// four rows or outside m.
func TestWinograd4OutputRowTiers(t *testing.T) {
	rng := rand.New(rand.NewPCG(43, 44))
	for _, tw := range winogradWidths {
		stride := tw + rng.IntN(5)
		m := randSlice(rng, 35*stride+tw) // exactly as long as needed
		m[rng.IntN(len(m))] = float32(math.NaN())
		bias := rng.Float32() - 0.5
		ld := 4*tw + 1 + rng.IntN(9)
		rows := randSlice(rng, winogradFront+3*ld+4*tw+9)
		for _, flags := range []int{0, winoAccumulate, winoReLU, winoAccumulate | winoReLU} {
			relu, acc := flags&winoReLU != 0, flags&winoAccumulate != 0
			want := append([]float32(nil), rows...)
			generic.Winograd4OutputRow(m, stride, tw, bias, relu, acc, want[winogradFront:winogradFront+3*ld+4*tw], ld)
			checkWinograd4OutputReference(t, m, stride, tw, bias, flags, rows[winogradFront:], want[winogradFront:], ld)
			for _, im := range tiers {
				got := append([]float32(nil), rows...)
				mc := append([]float32(nil), m...)
				im.Winograd4OutputRow(mc, stride, tw, bias, relu, acc, got[winogradFront:winogradFront+3*ld+4*tw], ld)
				if i := firstBitDiff(got, want); i >= 0 {
					t.Fatalf("%s, %d tiles, flags %d: rows[%d] = %g, generic %g", im.Name, tw, flags, i, got[i], want[i])
				}
				for i := range mc {
					if math.Float32bits(mc[i]) != math.Float32bits(m[i]) {
						t.Fatalf("%s, %d tiles: m[%d] changed", im.Name, tw, i)
					}
				}
			}
		}
	}
}

// checkWinograd4OutputReference holds the generic tier to A^T M A + bias
// in float64 (with the rows' old values and the ReLU as flags say) and to
// leaving every float outside the tiles alone.
func checkWinograd4OutputReference(t *testing.T, m []float32, stride, tw int, bias float32, flags int, old, got []float32, ld int) {
	t.Helper()
	at := &winograd4AT
	written := make([]bool, len(got))
	for tx := range tw {
		for i := range 4 {
			for j := range 4 {
				s, mag := float64(bias), math.Abs(float64(bias))
				for r := range 6 {
					for k := range 6 {
						if c := at[i][r] * at[j][k]; c != 0 { // 0*NaN would be NaN
							p := c * float64(m[(6*r+k)*stride+tx])
							s += p
							mag += math.Abs(p)
						}
					}
				}
				idx := i*ld + 4*tx + j
				written[idx] = true
				if flags&winoAccumulate != 0 {
					s += float64(old[idx])
					mag += math.Abs(float64(old[idx]))
				}
				if flags&winoReLU != 0 && s < 0 {
					s = 0
				}
				g := float64(got[idx])
				if math.IsNaN(s) != math.IsNaN(g) || math.Abs(g-s) > 1e-6*(1+mag) {
					t.Fatalf("generic, %d tiles, flags %d: tile %d (%d,%d) = %g, want %g", tw, flags, tx, i, j, g, s)
				}
			}
		}
	}
	for i := range got {
		if !written[i] && math.Float32bits(got[i]) != math.Float32bits(old[i]) {
			t.Fatalf("generic, %d tiles: rows[%d] outside the tiles changed", tw, i)
		}
	}
}
