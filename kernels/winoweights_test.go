package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// winoG64 is G (F(2x2) or F(4x4)) in float64, the definition the
// transform is checked against.
func winoG64(tile int) [][3]float64 {
	if tile == 2 {
		return [][3]float64{{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}}
	}
	return [][3]float64{{1.0 / 4, 0, 0}, {-1.0 / 6, -1.0 / 6, -1.0 / 6}, {-1.0 / 6, 1.0 / 6, -1.0 / 6},
		{1.0 / 24, 1.0 / 12, 1.0 / 6}, {1.0 / 24, -1.0 / 12, 1.0 / 6}, {0, 0, 1}}
}

// winoWeightsCases are shapes around the tiers' vector widths and panel
// heights: K*MR a multiple of 16 or not, M a multiple of MR or not.
var winoWeightsCases = [][2]int{{1, 1}, {5, 3}, {6, 8}, {7, 16}, {13, 5}, {24, 24}, {36, 64}}

// TestWinoWeightsTiers: every tier's transform gives the generic tier's
// bits, position by position, for every panel range, and writes nothing
// outside the panels it was given.
func TestWinoWeightsTiers(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 1))
	for _, tile := range []int{2, 4} {
		for _, c := range winoWeightsCases {
			m, k := c[0], c[1]
			w := randSlice(rng, m*k*9)
			want := winoWeightsAll(NewWinoWeights(generic, tile, w, m, k))
			for _, im := range Tiers() {
				ww := NewWinoWeights(im, tile, w, m, k)
				got := winoWeightsAll(ww)
				what := fmt.Sprintf("F(%dx%d) %s %dx%d", tile, tile, im.Name, m, k)
				for q := range want {
					if i := firstBitDiff(got[q], want[q]); i >= 0 {
						t.Fatalf("%s: position %d (%d, %d) of U: %g, generic %g", what, q, i/k, i%k, got[q][i], want[q][i])
					}
				}
				// A panel range writes its panels only, in place.
				if p := ww.Panels(); p > 1 {
					n := ww.PanelSize()
					stride := (p-1)*n + 3
					dst := make([]float32, (ww.Positions()-1)*stride+(p-1)*n+5)
					for i := range dst {
						dst[i] = -7
					}
					ww.Transform(1, p, dst, stride)
					for q := range ww.Positions() {
						for i := range stride {
							at := q*stride + i
							if at >= len(dst) {
								break
							}
							if i >= (p-1)*n && dst[at] != -7 {
								t.Fatalf("%s: panels [1, %d) wrote position %d place %d past them", what, p, q, i)
							}
						}
					}
				}
			}
		}
	}
}

// winoWeightsAll transforms every panel and returns each position's U as
// a row-major M x K matrix read back through View.
func winoWeightsAll(w *WinoWeights) [][]float32 {
	p := w.Panels()
	stride := p * w.PanelSize()
	dst := make([]float32, w.Positions()*stride)
	w.Transform(0, p, dst, stride)
	out := make([][]float32, w.Positions())
	mr := w.Impl().MR
	for q := range out {
		var a PackedA
		w.View(&a, q, 0, p, dst, stride)
		u := make([]float32, w.M*w.K)
		for i := range w.M {
			for j := range w.K {
				u[i*w.K+j] = a.data[((i/mr)*w.K+j)*mr+i%mr]
			}
		}
		out[q] = u
	}
	return out
}

// TestWinoWeightsMatchesG: the float32 transform is G g G^T within a few
// roundings of the float64 one (relative to the magnitudes it adds), so
// it may replace the float64 transform rounded once.
func TestWinoWeightsMatchesG(t *testing.T) {
	rng := rand.New(rand.NewPCG(22, 1))
	const m, k = 7, 5
	w := randSlice(rng, m*k*9)
	for _, tile := range []int{2, 4} {
		g := winoG64(tile)
		n := tile + 2
		got := winoWeightsAll(NewWinoWeights(generic, tile, w, m, k))
		for o := range m {
			for i := range k {
				kern := w[(o*k+i)*9 : (o*k+i)*9+9]
				for r := range n {
					for c := range n {
						var want, mag float64
						for a := range 3 {
							for b := range 3 {
								term := g[r][a] * g[c][b] * float64(kern[3*a+b])
								want += term
								mag += math.Abs(term)
							}
						}
						u := float64(got[r*n+c][o*k+i])
						if math.Abs(u-want) > 4*mag/(1<<24) {
							t.Fatalf("F(%dx%d) U[%d][%d] of weight (%d, %d): %g, G g G^T %g", tile, tile, r, c, o, i, u, want)
						}
					}
				}
			}
		}
	}
}

// TestWinoWeightsViewGEMM: a view of the transformed panels is a PackedA
// the engine multiplies like one packed from U, for a block of panels.
func TestWinoWeightsViewGEMM(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 1))
	const m, k, n = 20, 9, 11
	w := randSlice(rng, m*k*9)
	b := randSlice(rng, k*n)
	for _, im := range Tiers() {
		ww := NewWinoWeights(im, 4, w, m, k)
		all := winoWeightsAll(ww)
		e := NewEngine(im, 1)
		p0, p1 := 1, ww.Panels()
		stride := (p1 - p0) * ww.PanelSize()
		dst := make([]float32, ww.Positions()*stride)
		ww.Transform(p0, p1, dst, stride)
		for _, q := range []int{0, 17, 35} {
			var a PackedA
			ww.View(&a, q, p0, p1, dst, stride)
			rows := m - p0*im.MR
			if a.M != rows || a.K != k {
				t.Fatalf("%s: view of panels [%d, %d) is %dx%d, want %dx%d", im.Name, p0, p1, a.M, a.K, rows, k)
			}
			got := make([]float32, rows*n)
			e.SgemmPacked(&a, false, n, 1, b, n, 0, got, n, Epilogue{})
			want := make([]float32, rows*n)
			ref := PackA(im, false, rows, k, all[q][p0*im.MR*k:], k)
			e.SgemmPacked(ref, false, n, 1, b, n, 0, want, n, Epilogue{})
			if i := firstBitDiff(got, want); i >= 0 {
				t.Fatalf("%s: position %d element %d: %g, want %g", im.Name, q, i, got[i], want[i])
			}
		}
		e.Close()
	}
}

// TestWinoWeightsPretransform: the kept U's views are the run-time
// transform's, bit for bit, for any panel range; the raw weights go.
func TestWinoWeightsPretransform(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 1))
	const m, k = 20, 7
	w := randSlice(rng, m*k*9)
	for _, tile := range []int{2, 4} {
		for _, im := range Tiers() {
			want := winoWeightsAll(NewWinoWeights(im, tile, w, m, k))
			ww := NewWinoWeights(im, tile, w, m, k)
			ww.Pretransform()
			if !ww.Pretransformed() || ww.Floats() != ww.Positions()*ww.Panels()*ww.PanelSize() {
				t.Fatalf("%s F(%d): pretransformed %v, holding %d floats", im.Name, tile, ww.Pretransformed(), ww.Floats())
			}
			p0, p1 := 1, ww.Panels()
			for q := range ww.Positions() {
				var a PackedA
				ww.PretransformedView(&a, q, p0, p1)
				mr := im.MR
				for i := p0 * mr; i < m; i++ {
					for j := range k {
						if got := a.data[((i/mr-p0)*k+j)*mr+i%mr]; got != want[q][i*k+j] {
							t.Fatalf("%s F(%d) position %d U[%d][%d]: %g, run-time transform %g", im.Name, tile, q, i, j, got, want[q][i*k+j])
						}
					}
				}
			}
		}
	}
}

func TestWinoWeightsBadShapes(t *testing.T) {
	w := NewWinoWeights(generic, 4, make([]float32, 8*3*9), 8, 3)
	for name, f := range map[string]func(){
		"tile":        func() { NewWinoWeights(generic, 3, make([]float32, 9), 1, 1) },
		"weights":     func() { NewWinoWeights(generic, 4, make([]float32, 10), 1, 1) },
		"panel range": func() { w.Transform(1, 3, make([]float32, 36*12), 12) },
		"stride":      func() { w.Transform(0, 2, make([]float32, 36*24), 23) },
		"short dst":   func() { w.Transform(0, 2, make([]float32, 35*24+23), 24) },
		"transform after pretransform": func() {
			p := NewWinoWeights(generic, 2, make([]float32, 9), 1, 1)
			p.Pretransform()
			p.Transform(0, 1, make([]float32, 16*4), 4)
		},
		"view before pretransform": func() { w.PretransformedView(&PackedA{}, 0, 0, 1) },
	} {
		expectOwnPanic(t, name, f)
	}
}

// BenchmarkWinoWeights times one thread transforming a head tower conv's
// weights (256 x 256, ResNet-18-FPN) for F(4x4) and a layer3 conv's for
// F(2x2) on every tier, as the models do before each conv's GEMMs:
//
//	go test -run '^$' -bench WinoWeights ./kernels
func BenchmarkWinoWeights(b *testing.B) {
	rng := rand.New(rand.NewPCG(24, 1))
	const m, k = 256, 256
	w := randSlice(rng, m*k*9)
	for _, tile := range []int{4, 2} {
		for _, im := range Tiers() {
			b.Run(fmt.Sprintf("F%d/%s", tile, im.Name), func(b *testing.B) {
				ww := NewWinoWeights(im, tile, w, m, k)
				p := ww.Panels()
				dst := make([]float32, ww.Positions()*p*ww.PanelSize())
				b.SetBytes(int64(4 * len(dst)))
				for b.Loop() {
					ww.Transform(0, p, dst, p*ww.PanelSize())
				}
			})
		}
	}
}

// BenchmarkWinoWeightsBlock times the F(4x4) transform of one block of a
// 256x256 head conv as the network runs it (22 of its 43 panels), with
// the positions a whole number of pages apart (pad0: every store stream
// of the transform in one L1 set) and 128 bytes further (pad32, net's
// winoWeightsPad).
func BenchmarkWinoWeightsBlock(b *testing.B) {
	rng := rand.New(rand.NewPCG(24, 1))
	const m, k, panels = 256, 256, 22
	w := randSlice(rng, m*k*9)
	for _, pad := range []int{0, 32} {
		for _, im := range Tiers() {
			b.Run(fmt.Sprintf("pad%d/%s", pad, im.Name), func(b *testing.B) {
				ww := NewWinoWeights(im, 4, w, m, k)
				stride := panels*ww.PanelSize() + pad
				dst := make([]float32, ww.Positions()*stride)
				for b.Loop() {
					ww.Transform(0, panels, dst, stride)
				}
			})
		}
	}
}
