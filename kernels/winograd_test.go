package kernels

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// winogradWidths are the tile counts the transforms' tier tests run: every
// count up to 40, so every partial block of every tier (4, 8 and 16 tiles
// a vector, up to two whole blocks before it) and the network's own rows
// (1..10 and 40 tiles at 320x320), and one count beyond.
var winogradWidths = func() []int {
	var w []int
	for tw := 1; tw <= 40; tw++ {
		w = append(w, tw)
	}
	return append(w, 57)
}()

// winogradFront is the guard band the tier tests leave before the
// transforms' outputs: a tier must not write there.
const winogradFront = 5

// TestWinogradInputRowTiers: every tier gives the generic tier's bits for
// widths around each tier's block sizes, writes nothing in out but the 16
// rows of tw values (the guards before, between and after them keep their
// values),
// and is not disturbed by NaN in the rows' padding past column 2*tw+1.
func TestWinogradInputRowTiers(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, tw := range winogradWidths {
		pw := WinogradRowWidth(tw) + rng.IntN(3)
		rows := randSlice(rng, 4*pw)
		for r := range 4 {
			for c := 2*tw + 2; c < pw; c++ {
				rows[r*pw+c] = float32(math.NaN())
			}
		}
		stride := tw + 1 + rng.IntN(5)
		guard := randSlice(rng, winogradFront+16*stride+7)
		want := append([]float32(nil), guard...)
		generic.WinogradInputRow(rows, pw, tw, want[winogradFront:], stride)
		checkWinogradReference(t, rows, pw, tw, want[winogradFront:], guard[winogradFront:], stride)
		for _, im := range tiers {
			got := append([]float32(nil), guard...)
			im.WinogradInputRow(rows, pw, tw, got[winogradFront:], stride)
			if i := firstBitDiff(got, want); i >= 0 {
				t.Fatalf("%s, %d tiles: out[%d] = %g, generic %g", im.Name, tw, i, got[i], want[i])
			}
		}
	}
}

// checkWinogradReference holds the generic tier to B^T d B in float64 and
// to leaving the guards alone.
func checkWinogradReference(t *testing.T, rows []float32, pw, tw int, got, guard []float32, stride int) {
	t.Helper()
	bt := [4][4]float64{{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}}
	written := make([]bool, len(got))
	for tx := range tw {
		for i := range 4 {
			for j := range 4 {
				var s float64
				for r := range 4 {
					for k := range 4 {
						s += bt[i][r] * float64(rows[r*pw+2*tx+k]) * bt[j][k]
					}
				}
				at := (4*i+j)*stride + tx
				written[at] = true
				if math.Abs(float64(got[at])-s) > 1e-6*(1+math.Abs(s)) {
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

// TestWinogradRowBadShapes: short rows, products or outputs, or a stride
// below the tile count, panic with a message in either transform.
func TestWinogradRowBadShapes(t *testing.T) {
	for name, f := range map[string]func(){
		"narrow rows": func() { generic.WinogradInputRow(make([]float32, 4*10), 10, 5, make([]float32, 16*5), 5) },
		"short rows":  func() { generic.WinogradInputRow(make([]float32, 3*34), 34, 5, make([]float32, 16*5), 5) },
		"short out":   func() { generic.WinogradInputRow(make([]float32, 4*34), 34, 5, make([]float32, 15*5), 5) },
		"stride":      func() { generic.WinogradInputRow(make([]float32, 4*34), 34, 5, make([]float32, 16*5), 4) },
		"short products": func() {
			generic.WinogradOutputRow(make([]float32, 15*5+4), 5, 5, 0, false, false, make([]float32, 10), make([]float32, 10))
		},
		"output stride": func() {
			generic.WinogradOutputRow(make([]float32, 16*5), 4, 5, 0, false, false, make([]float32, 10), make([]float32, 10))
		},
		"short output row": func() {
			generic.WinogradOutputRow(make([]float32, 16*5), 5, 5, 0, false, false, make([]float32, 10), make([]float32, 9))
		},
	} {
		expectOwnPanic(t, name, f)
	}
}

// expectOwnPanic fails unless f panics with one of this package's messages
// (a string starting "kernels: "), not with a runtime error further in.
func expectOwnPanic(t *testing.T, name string, f func()) {
	t.Helper()
	defer func() {
		if msg, ok := recover().(string); !ok || !strings.HasPrefix(msg, "kernels: ") {
			t.Errorf("%s: panic %q, want one of the kernels' own messages", name, msg)
		}
	}()
	f()
}

// TestWinogradOutputRowTiers: every tier gives the generic tier's bits for
// widths around the block sizes, with and without accumulate and ReLU,
// with NaN in the products, and writes nothing past 2*tw in the rows or
// outside m.
func TestWinogradOutputRowTiers(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	for _, tw := range winogradWidths {
		stride := tw + rng.IntN(5)
		m := randSlice(rng, 15*stride+tw) // exactly as long as needed
		m[rng.IntN(len(m))] = float32(math.NaN())
		bias := rng.Float32() - 0.5
		rows := randSlice(rng, winogradFront+2*(2*tw+9))
		f := winogradFront
		for _, flags := range []int{0, winoAccumulate, winoReLU, winoAccumulate | winoReLU} {
			relu, acc := flags&winoReLU != 0, flags&winoAccumulate != 0
			want := append([]float32(nil), rows...)
			generic.WinogradOutputRow(m, stride, tw, bias, relu, acc, want[f:f+2*tw], want[f+2*tw+9:f+4*tw+9])
			checkWinogradOutputReference(t, m, stride, tw, bias, flags, rows[f:], want[f:])
			for _, im := range tiers {
				got := append([]float32(nil), rows...)
				mc := append([]float32(nil), m...)
				im.WinogradOutputRow(mc, stride, tw, bias, relu, acc, got[f:f+2*tw], got[f+2*tw+9:f+4*tw+9])
				if i := firstBitDiff(got, want); i >= 0 {
					t.Fatalf("%s, %d tiles, flags %d: rows[%d] = %g, generic %g", im.Name, tw, flags, i, got[i], want[i])
				}
			}
		}
	}
}

// checkWinogradOutputReference holds the generic tier to A^T M A + bias in
// float64 (with the rows' old values and the ReLU as flags say) and to
// leaving the 9 floats after each row alone.
func checkWinogradOutputReference(t *testing.T, m []float32, stride, tw int, bias float32, flags int, old, got []float32) {
	t.Helper()
	at := [2][4]float64{{1, 1, 1, 0}, {0, 1, -1, -1}}
	for tx := range tw {
		for i := range 2 {
			for j := range 2 {
				s := float64(bias)
				for r := range 4 {
					for k := range 4 {
						if c := at[i][r] * at[j][k]; c != 0 { // 0*NaN would be NaN
							s += c * float64(m[(4*r+k)*stride+tx])
						}
					}
				}
				idx := i*(2*tw+9) + 2*tx + j
				if flags&winoAccumulate != 0 {
					s += float64(old[idx])
				}
				if flags&winoReLU != 0 && s < 0 {
					s = 0
				}
				g := float64(got[idx])
				if math.IsNaN(s) != math.IsNaN(g) || math.Abs(g-s) > 1e-5*(1+math.Abs(s)) {
					t.Fatalf("generic, %d tiles, flags %d: tile %d (%d,%d) = %g, want %g", tw, flags, tx, i, j, g, s)
				}
			}
		}
	}
	for i := range 9 {
		for _, idx := range []int{2*tw + i, 4*tw + 9 + i} {
			if math.Float32bits(got[idx]) != math.Float32bits(old[idx]) {
				t.Fatalf("generic, %d tiles: rows[%d] past the tiles changed", tw, idx)
			}
		}
	}
}
