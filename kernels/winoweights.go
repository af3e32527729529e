package kernels

import "fmt"

// WinoWeights keeps a 3x3 conv's weights (M outputs, K inputs) for
// Winograd F(tile x tile, 3x3) in their raw form, laid out so that the
// weight transform U = G g G^T of any run of panels is one streaming pass
// that writes the PackedA layout of every tile position directly: a
// model holds 9 values per weight instead of (tile+2)^2, and transforms a
// conv's weights into shared scratch just before its GEMMs.
//
// raw is ceil(M/MR) panels of MR output rows; panel P's tap j (kernel
// row j/3, column j%3) is K steps of MR values at raw[(P*9+j)*K*MR:],
// value [p*MR+r] = g[P*MR+r][p][j] (zero past M). Position q's panel P
// is the same linear combination of the panel's nine tap vectors at every
// one of its K*MR places, which is what the tiers vectorise.
//
// The transform is float32, with G's fractions taken out as one scale per
// position (G = diag(s) G', G' of small integers): t = G' g, column by
// column, W = t G'^T, row by row, U = W * float32(s_r*s_c). Each add
// rounds; the multiplies by 2 and 4 are exact, so a fused multiply-add
// gives the same bits, and every tier computes the same operations in the
// order of winoCol, giving the Go reference's bits.
//
// F(4x4) (points 0, 1, -1, 2, -2, infinity):
//
//	G' = [1 0 0; 1 1 1; 1 -1 1; 1 2 4; 1 -2 4; 0 0 1]
//	s  = [1/4, -1/6, -1/6, 1/24, 1/24, 1]
//
// F(2x2): G' = [1 0 0; 1 1 1; 1 -1 1; 0 0 1], s = [1, 1/2, 1/2, 1].
//
// A conv small enough to keep U at no real cost in memory may be
// transformed once instead (Pretransform): then it holds U, not raw.
type WinoWeights struct {
	impl *Impl
	M, K int
	tile int
	raw  []float32
	u    []float32 // every panel's U after Pretransform, position stride Panels()*PanelSize()
}

// NewWinoWeights lays out w (M x K x 3 x 3, torch's order) for impl's
// panels and an F(tile x tile, 3x3) transform, tile 2 or 4.
func NewWinoWeights(impl *Impl, tile int, w []float32, m, k int) *WinoWeights {
	if tile != 2 && tile != 4 {
		panic(fmt.Sprintf("kernels: NewWinoWeights: tile %d, want 2 or 4", tile))
	}
	if m < 0 || k < 0 || len(w) != m*k*9 {
		panic(fmt.Sprintf("kernels: NewWinoWeights: %d weights for %d x %d x 3 x 3", len(w), m, k))
	}
	mr := impl.MR
	ww := &WinoWeights{impl: impl, M: m, K: k, tile: tile, raw: make([]float32, ceilDiv(m, mr)*9*k*mr)}
	for o := range m {
		panel, r := o/mr, o%mr
		for p := range k {
			g := w[(o*k+p)*9 : (o*k+p)*9+9]
			for j, v := range g {
				ww.raw[((panel*9+j)*k+p)*mr+r] = v
			}
		}
	}
	return ww
}

// Impl returns the tier the panels are laid out for.
func (w *WinoWeights) Impl() *Impl { return w.impl }

// Tile returns the output tile side, 2 or 4.
func (w *WinoWeights) Tile() int { return w.tile }

// Positions is the number of transformed matrices: (tile+2)^2.
func (w *WinoWeights) Positions() int { return (w.tile + 2) * (w.tile + 2) }

// Panels is the number of panels of MR output rows.
func (w *WinoWeights) Panels() int { return ceilDiv(w.M, w.impl.MR) }

// PanelSize is the floats of one panel of one position: K*MR.
func (w *WinoWeights) PanelSize() int { return w.K * w.impl.MR }

// Pretransform transforms every panel once and keeps U in place of the
// raw weights: Transform may no longer be called, PretransformedView
// reads U.
func (w *WinoWeights) Pretransform() {
	if w.u != nil {
		return
	}
	p, n := w.Panels(), w.PanelSize()
	u := make([]float32, w.Positions()*p*n)
	w.Transform(0, p, u, p*n)
	w.u, w.raw = u, nil
}

// Pretransformed reports whether w holds U (Pretransform).
func (w *WinoWeights) Pretransformed() bool { return w.u != nil }

// Floats is how many floats w holds: raw, or U once pretransformed.
func (w *WinoWeights) Floats() int { return len(w.raw) + len(w.u) }

// PretransformedView is View of the kept U's panels [p0, p1) at
// position q (Pretransform first).
func (w *WinoWeights) PretransformedView(a *PackedA, q, p0, p1 int) {
	if w.u == nil {
		panic("kernels: WinoWeights.PretransformedView before Pretransform")
	}
	w.View(a, q, p0, p1, w.u[p0*w.PanelSize():], w.Panels()*w.PanelSize())
}

// Transform writes U's panels [p0, p1) of every position q to
// dst[q*stride+(P-p0)*PanelSize():] for panel P, the PackedA layout of
// those panels when stride holds them (View reads them there).
// Threads may transform disjoint panel ranges into the same dst.
func (w *WinoWeights) Transform(p0, p1 int, dst []float32, stride int) {
	if p0 < 0 || p1 > w.Panels() || p0 > p1 {
		panic(fmt.Sprintf("kernels: WinoWeights.Transform: panels [%d, %d) of %d", p0, p1, w.Panels()))
	}
	if w.u != nil {
		panic("kernels: WinoWeights.Transform after Pretransform: the raw weights are gone")
	}
	n := w.PanelSize()
	if p0 == p1 || n == 0 {
		return
	}
	if stride < (p1-p0)*n || len(dst) < (w.Positions()-1)*stride+(p1-p0)*n {
		panic(fmt.Sprintf("kernels: WinoWeights.Transform: %d floats with stride %d for %d positions of %d panels of %d", len(dst), stride, w.Positions(), p1-p0, n))
	}
	kernel := w.impl.winoWeights2
	if w.tile == 4 {
		kernel = w.impl.winoWeights4
	}
	for p := p0; p < p1; p++ {
		kernel(w.raw[p*9*n:(p+1)*9*n], n, dst[(p-p0)*n:], stride)
	}
}

// View sets a to position q's panels [p0, p1) that Transform(p0, p1, dst,
// stride) wrote: the rows [p0*MR, min(p1*MR, M)) of U_q as a PackedA.
// Setting a view allocates nothing.
func (w *WinoWeights) View(a *PackedA, q, p0, p1 int, dst []float32, stride int) {
	mr, n := w.impl.MR, w.PanelSize()
	*a = PackedA{impl: w.impl, M: min(p1*mr, w.M) - p0*mr, K: w.K, data: dst[q*stride : q*stride+(p1-p0)*n]}
}

// winoScale4 and winoScale2 are float32(s_r*s_c) for position (r, c).
var winoScale4, winoScale2 = winoScales([]float64{1.0 / 4, -1.0 / 6, -1.0 / 6, 1.0 / 24, 1.0 / 24, 1}),
	winoScales([]float64{1, 0.5, 0.5, 1})

func winoScales(s []float64) []float32 {
	out := make([]float32, len(s)*len(s))
	for r, a := range s {
		for c, b := range s {
			out[r*len(s)+c] = float32(a * b)
		}
	}
	return out
}

// winoCol is G' applied to one column (or row) x0, x1, x2: the first
// tile+2 values, in the order of operations every tier follows.
func winoCol(tile int, x0, x1, x2 float32) [6]float32 {
	p := x0 + x2
	if tile == 2 {
		return [6]float32{x0, p + x1, p - x1, x2}
	}
	q := x0 + 4*x2
	return [6]float32{x0, p + x1, p - x1, q + 2*x1, q - 2*x1, x2}
}

// winoWeights4Generic is the reference F(4x4) transform of one panel: n
// places of nine tap vectors (raw[j*n:]) into 36 positions (dst[q*stride:]).
func winoWeights4Generic(raw []float32, n int, dst []float32, stride int) {
	winoWeightsPlaces(4, raw, n, 0, n, dst, stride)
}

// winoWeights2Generic is the reference F(2x2) transform of one panel.
func winoWeights2Generic(raw []float32, n int, dst []float32, stride int) {
	winoWeightsPlaces(2, raw, n, 0, n, dst, stride)
}

// winoWeightsPlaces transforms places [i0, i1) of a panel: the reference,
// and the tail after a tier's whole vectors.
func winoWeightsPlaces(tile int, raw []float32, n, i0, i1 int, dst []float32, stride int) {
	k := tile + 2
	s := winoScale2
	if tile == 4 {
		s = winoScale4
	}
	for i := i0; i < i1; i++ {
		var t [3][6]float32 // t[c] = column c of G' g
		for c := range 3 {
			t[c] = winoCol(tile, raw[c*n+i], raw[(3+c)*n+i], raw[(6+c)*n+i])
		}
		for r := range k {
			y := winoCol(tile, t[0][r], t[1][r], t[2][r])
			for c, v := range y[:k] {
				dst[(k*r+c)*stride+i] = v * s[k*r+c]
			}
		}
	}
}

// winoWeightsBlocks runs a tier's kernel on the whole vectors of width
// places of a panel and the reference on the rest.
func winoWeightsBlocks(raw []float32, n int, dst []float32, stride, width, tile int,
	kernel func(raw *float32, n, blocks int, dst *float32, stride int, scale *float32)) {
	scale := winoScale2
	if tile == 4 {
		scale = winoScale4
	}
	if blocks := n / width; blocks > 0 {
		kernel(&raw[0], n, blocks, &dst[0], stride, &scale[0])
	}
	if i0 := n / width * width; i0 < n {
		winoWeightsPlaces(tile, raw, n, i0, n, dst, stride)
	}
}
