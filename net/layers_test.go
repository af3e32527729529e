package net

import (
	"math"
	"math/rand"
	"testing"

	"github.com/retina-edge/retina/kernels"
)

func randomSlice(rng *rand.Rand, n int) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = float32(rng.NormFloat64())
	}
	return out
}

// directConv is a float64 reference convolution of one CHW image.
func directConv(src []float32, c, h, w int, wt []float32, oc, k, stride, pad int) (out []float64, oh, ow int) {
	oh, ow = (h+2*pad-k)/stride+1, (w+2*pad-k)/stride+1
	out = make([]float64, oc*oh*ow)
	for o := range oc {
		for y := range oh {
			for x := range ow {
				var s float64
				for ci := range c {
					for ky := range k {
						for kx := range k {
							iy, ix := y*stride-pad+ky, x*stride-pad+kx
							if iy < 0 || iy >= h || ix < 0 || ix >= w {
								continue
							}
							s += float64(wt[((o*c+ci)*k+ky)*k+kx]) * float64(src[(ci*h+iy)*w+ix])
						}
					}
				}
				out[(o*oh+y)*ow+x] = s
			}
		}
	}
	return out, oh, ow
}

// A conv with a folded batch norm equals conv then eval-mode batch norm
// computed in float64.
func TestFoldedBatchNormConv(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	const c, h, w, oc, k = 5, 9, 7, 6, 3
	src := randomSlice(rng, c*h*w)
	wt := randomSlice(rng, oc*c*k*k)
	gamma, beta, mean := randomSlice(rng, oc), randomSlice(rng, oc), randomSlice(rng, oc)
	variance := make([]float32, oc)
	for i := range variance {
		variance[i] = 0.1 + rng.Float32()*3
	}
	variance[0] = 1e-6 // eps matters here
	spec := ArchConv{Name: "x", BN: "bn", OutC: oc, InC: c, K: k, Stride: 2, Pad: 1}
	weights := map[string]Param{
		"x.weight": {Shape: []int{oc, c, k, k}, Data: wt}, "bn.weight": {Data: gamma}, "bn.bias": {Data: beta},
		"bn.running_mean": {Data: mean}, "bn.running_var": {Data: variance},
	}
	for _, impl := range kernels.Tiers() {
		b := builder{impl: impl, src: mapSource(weights)}
		cv := b.conv(spec)
		e := kernels.NewEngine(impl, 1)
		ref, oh, ow := directConv(src, c, h, w, wt, oc, k, 2, 1)
		in := Tensor{Shape: [4]int{1, c, h, w}, Data: src}
		out := newTensor(1, oc, oh, ow)
		cv.run(e, in, out, &convScratch{col: make([]float32, cv.colSize(h, w))}, false)
		e.Close()
		for o := range oc {
			s := float64(gamma[o]) / math.Sqrt(float64(variance[o])+1e-5)
			for i := range oh * ow {
				want := (ref[o*oh*ow+i]-float64(mean[o]))*s + float64(beta[o])
				got := float64(out.Data[o*oh*ow+i])
				if math.Abs(got-want) > 1e-5*max(1, math.Abs(want)) {
					t.Fatalf("%s: channel %d pixel %d: got %g, want %g", impl.Name, o, i, got, want)
				}
			}
		}
	}
}

func TestFoldBatchNormArithmetic(t *testing.T) {
	// gamma 2, var 3 (s = 2/sqrt(3.00001)), mean 1, beta 0.5, conv bias 4.
	fw, fb := FoldBatchNorm([]float32{1, -2}, []float32{4}, []float32{2}, []float32{0.5}, []float32{1}, []float32{3})
	s := 2 / math.Sqrt(3.00001)
	if fw[0] != float32(s) || fw[1] != float32(-2*s) || fb[0] != float32(3*s+0.5) {
		t.Errorf("fold: got %v %v, want [%g %g] [%g]", fw, fb, s, -2*s, 3*s+0.5)
	}
}

func TestMaxPool(t *testing.T) {
	// 1 x 1 x 3 x 4: output 2 x 2; padding never wins, even over negatives.
	src := Tensor{Shape: [4]int{1, 1, 3, 4}, Data: []float32{
		-1, -2, -3, -4,
		-5, -6, -7, -8,
		-9, -10, -11, -12}}
	dst := newTensor(1, 1, kernels.PoolSize(3), kernels.PoolSize(4))
	maxPool3x3s2(src, dst, make([]float32, 4))
	want := []float32{-1, -2, -5, -6}
	for i, v := range want {
		if dst.Data[i] != v {
			t.Fatalf("maxpool got %v, want %v", dst.Data, want)
		}
	}
	nan := float32(math.NaN())
	src.Data[5] = nan
	maxPool3x3s2(src, dst, make([]float32, 4))
	for i, v := range dst.Data {
		if v == v {
			t.Errorf("pixel %d: NaN in the window must give NaN, got %g", i, v)
		}
	}
}

// Nearest upsampling reads floor(dst*in/out), for odd sizes too.
func TestUpsampleNearest(t *testing.T) {
	for _, tc := range [][4]int{{2, 3, 4, 5}, {3, 5, 5, 10}, {4, 7, 7, 13}, {1, 1, 3, 2}, {5, 5, 2, 2}} {
		h, w, oh, ow := tc[0], tc[1], tc[2], tc[3]
		src := newTensor(2, 2, h, w)
		for i := range src.Data {
			src.Data[i] = float32(i)
		}
		dst := newTensor(2, 2, oh, ow)
		upsampleNearest(src, dst, make([]int, ow))
		for p := range 4 {
			for y := range oh {
				for x := range ow {
					want := src.Data[(p*h+y*h/oh)*w+x*w/ow]
					if got := dst.Data[(p*oh+y)*ow+x]; got != want {
						t.Fatalf("%v plane %d (%d,%d): got %g, want %g", tc, p, y, x, got, want)
					}
				}
			}
		}
	}
}

func TestGroupNormReLU(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	const n, c, hw, groups = 2, 8, 6, 2
	x := Tensor{Shape: [4]int{n, c, 2, 3}, Data: randomSlice(rng, n*c*hw)}
	orig := append([]float32(nil), x.Data...)
	g := &groupNorm{groups: groups, gamma: randomSlice(rng, c), beta: randomSlice(rng, c)}
	for b := range n {
		g.applyReLURange(imagePlanes(x, b), 0, g.groups)
	}
	per := c / groups * hw
	for b := range n {
		for gr := range groups {
			vals := orig[(b*groups+gr)*per : (b*groups+gr+1)*per]
			var mean, sq float64
			for _, v := range vals {
				mean += float64(v) / float64(per)
			}
			for _, v := range vals {
				sq += (float64(v) - mean) * (float64(v) - mean) / float64(per)
			}
			for i, v := range vals {
				ch := gr*c/groups + i/hw
				want := max(0, (float64(v)-mean)/math.Sqrt(sq+1e-5)*float64(g.gamma[ch])+float64(g.beta[ch]))
				got := x.Data[(b*groups+gr)*per+i]
				if math.Abs(float64(got)-want) > 1e-5 {
					t.Fatalf("image %d group %d element %d: got %g, want %g", b, gr, i, got, want)
				}
			}
		}
	}
}

// The row-max pooling equals a direct 3x3 window max on odd and even sizes.
func TestMaxPoolMatchesWindows(t *testing.T) {
	rng := rand.New(rand.NewSource(8))
	for _, hw := range [][2]int{{1, 1}, {1, 2}, {2, 1}, {5, 7}, {8, 6}, {9, 9}} {
		h, w := hw[0], hw[1]
		src := Tensor{Shape: [4]int{2, 3, h, w}, Data: randomSlice(rng, 6*h*w)}
		dst := newTensor(2, 3, kernels.PoolSize(h), kernels.PoolSize(w))
		maxPool3x3s2(src, dst, make([]float32, w))
		for p := range 6 {
			for oy := range dst.H() {
				for ox := range dst.W() {
					want := float32(math.Inf(-1))
					for y := 2*oy - 1; y <= 2*oy+1; y++ {
						for x := 2*ox - 1; x <= 2*ox+1; x++ {
							if y >= 0 && y < h && x >= 0 && x < w {
								want = max(want, src.Data[(p*h+y)*w+x])
							}
						}
					}
					if got := dst.Data[(p*dst.H()+oy)*dst.W()+ox]; got != want {
						t.Fatalf("%dx%d plane %d (%d,%d): got %g, want %g", h, w, p, oy, ox, got, want)
					}
				}
			}
		}
	}
}
