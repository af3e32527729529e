package train

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net"
)

// refConv is a direct float64 convolution followed by the optional frozen
// batch norm (scale = w/sqrt(rv+eps), shift = b - rm*scale) and ReLU.
func refConv(x []float64, n, c, h, w int, wt, bias []float64, oc, k, stride, pad int, bn [4][]float64, relu bool) []float64 {
	oh, ow := (h+2*pad-k)/stride+1, (w+2*pad-k)/stride+1
	out := make([]float64, n*oc*oh*ow)
	for b := range n {
		for o := range oc {
			scale, shift := 1.0, 0.0
			if bn[0] != nil {
				scale = bn[0][o] / math.Sqrt(bn[3][o]+net.BatchNormEps)
				shift = bn[1][o] - bn[2][o]*scale
			}
			for oy := range oh {
				for ox := range ow {
					var s float64
					if bias != nil {
						s = bias[o]
					}
					for ci := range c {
						for ky := range k {
							for kx := range k {
								y, xx := oy*stride-pad+ky, ox*stride-pad+kx
								if y < 0 || y >= h || xx < 0 || xx >= w {
									continue
								}
								s += wt[((o*c+ci)*k+ky)*k+kx] * x[((b*c+ci)*h+y)*w+xx]
							}
						}
					}
					s = s*scale + shift
					if relu {
						s = max(s, 0)
					}
					out[((b*oc+o)*oh+oy)*ow+ox] = s
				}
			}
		}
	}
	return out
}

// TestConvGradients checks conv forward and backward (input, weights,
// bias) with and without a frozen batch norm and a ReLU, for the kernel
// shapes the network uses: 7x7/s2 stem, 3x3/s1 and /s2, pointwise 1x1 and a
// strided 1x1 downsample, on a batch of two.
func TestConvGradients(t *testing.T) {
	cases := []struct {
		c, h, w, oc, k, stride, pad int
		bias, bn, relu              bool
	}{
		{3, 9, 8, 4, 7, 2, 3, false, true, true},
		{3, 6, 5, 4, 3, 1, 1, true, false, false},
		{4, 7, 6, 3, 3, 2, 1, false, true, false},
		{5, 4, 3, 6, 1, 1, 0, true, false, true},
		{4, 5, 6, 5, 1, 2, 0, false, true, false},
		{2, 5, 5, 3, 3, 2, 1, true, true, true},
	}
	e := kernels.NewEngine(nil, 2)
	defer e.Close()
	for ci, tc := range cases {
		t.Run(fmt.Sprintf("%d:%dx%d/s%d", ci, tc.k, tc.k, tc.stride), func(t *testing.T) {
			rng := rand.New(rand.NewSource(int64(ci + 1)))
			const n = 2
			x := randoms(rng, n*tc.c*tc.h*tc.w, 1)
			wt := randoms(rng, tc.oc*tc.c*tc.k*tc.k, 0.5)
			var bias []float64
			if tc.bias {
				bias = randoms(rng, tc.oc, 0.3)
			}
			var bn [4][]float64
			if tc.bn {
				bn[0] = randoms(rng, tc.oc, 1)
				bn[1], bn[2] = randoms(rng, tc.oc, 0.3), randoms(rng, tc.oc, 0.3)
				bn[3] = make([]float64, tc.oc)
				for i := range bn[3] {
					bn[3][i] = 0.5 + rng.Float64()
				}
			}
			ref := func() []float64 {
				return refConv(x, n, tc.c, tc.h, tc.w, wt, bias, tc.oc, tc.k, tc.stride, tc.pad, bn, tc.relu)
			}
			want := ref()
			r := randoms(rng, len(want), 1)
			loss := func() float64 { return dot(r, ref()) }

			cv := &conv{ArchConv: net.ArchConv{OutC: tc.oc, InC: tc.c, K: tc.k, Stride: tc.stride, Pad: tc.pad}, relu: tc.relu, trainable: true}
			cv.weight = newParam("w", nil, to32(wt), false)
			if tc.bias {
				cv.bias = newParam("b", nil, to32(bias), false)
			}
			if tc.bn {
				b := builder{n: &Network{fixed: map[string]net.Param{}}, w: map[string]net.Param{
					"bn.weight": {Data: to32(bn[0])}, "bn.bias": {Data: to32(bn[1])},
					"bn.running_mean": {Data: to32(bn[2])}, "bn.running_var": {Data: to32(bn[3])}}}
				cv.scale, cv.shift = b.frozenBN("bn", tc.oc)
			}
			cv.fold()
			xa := newAct(n, tc.c, tc.h, tc.w, true)
			copy(xa.v, to32(x))
			ya := newAct(n, tc.oc, cv.OutSize(tc.h), cv.OutSize(tc.w), true)
			w := testWorker(e, n, max(1, cv.ColSize(tc.h, tc.w)), cv.OutC*cv.ColRows(), cv.weight, cv.bias)
			cv.forward(w, xa, ya)
			checkValues(t, "forward", ya.v, want)
			copy(ya.g, to32(r))
			cv.backward(w, xa, ya)

			checkGrad(t, "dx", xa.g, numericGrad(x, loss))
			checkGrad(t, "dweight", cv.weight.Grad, numericGrad(wt, loss))
			if tc.bias {
				checkGrad(t, "dbias", cv.bias.Grad, numericGrad(bias, loss))
			}
		})
	}
}

// TestConvGradientsAccumulate checks that backward adds to existing
// gradients (parameters and input) instead of overwriting them.
func TestConvGradientsAccumulate(t *testing.T) {
	e := kernels.NewEngine(nil, 1)
	defer e.Close()
	rng := rand.New(rand.NewSource(9))
	cv := &conv{ArchConv: net.ArchConv{OutC: 3, InC: 2, K: 3, Stride: 1, Pad: 1}, trainable: true}
	cv.weight = newParam("w", nil, to32(randoms(rng, 3*2*9, 0.5)), false)
	cv.bias = newParam("b", nil, to32(randoms(rng, 3, 0.5)), false)
	cv.fold()
	x := newAct(1, 2, 4, 4, true)
	copy(x.v, to32(randoms(rng, len(x.v), 1)))
	y := newAct(1, 3, 4, 4, true)
	w := testWorker(e, 1, cv.ColSize(4, 4), cv.OutC*cv.ColRows(), cv.weight, cv.bias)
	cv.forward(w, x, y)
	copy(y.g, to32(randoms(rng, len(y.g), 1)))
	cv.backward(w, x, y)
	once := [][]float32{append([]float32(nil), cv.weight.Grad...), append([]float32(nil), cv.bias.Grad...),
		append([]float32(nil), x.g...)}
	cv.backward(w, x, y)
	for i, got := range [][]float32{cv.weight.Grad, cv.bias.Grad, x.g} {
		for j, v := range got {
			if math.Abs(float64(v-2*once[i][j])) > 1e-5*math.Abs(float64(once[i][j]))+1e-6 {
				t.Fatalf("tensor %d [%d]: %g after two backwards, want %g", i, j, v, 2*once[i][j])
			}
		}
	}
}

// TestFrozenConvNoGradients checks a frozen conv: no parameter gradient,
// but the input gradient still flows.
func TestFrozenConvNoGradients(t *testing.T) {
	e := kernels.NewEngine(nil, 1)
	defer e.Close()
	rng := rand.New(rand.NewSource(3))
	cv := &conv{ArchConv: net.ArchConv{OutC: 2, InC: 2, K: 3, Stride: 2, Pad: 1}}
	cv.weight = newParam("w", nil, to32(randoms(rng, 2*2*9, 0.5)), false)
	cv.fold()
	x := newAct(1, 2, 5, 5, true)
	copy(x.v, to32(randoms(rng, len(x.v), 1)))
	y := newAct(1, 2, 3, 3, true)
	w := testWorker(e, 1, cv.ColSize(5, 5), cv.OutC*cv.ColRows(), cv.weight, cv.bias)
	cv.forward(w, x, y)
	copy(y.g, to32(randoms(rng, len(y.g), 1)))
	cv.backward(w, x, y)
	for _, v := range cv.weight.Grad {
		if v != 0 {
			t.Fatal("frozen conv accumulated a weight gradient")
		}
	}
	nonzero := false
	for _, v := range x.g {
		nonzero = nonzero || v != 0
	}
	if !nonzero {
		t.Fatal("frozen conv passed no gradient to its input")
	}
}

// TestMaxPoolGradients checks max_pool2d(3, 2, 1) forward and backward on
// odd and even sizes (distinct values, so the argmax is unique).
func TestMaxPoolGradients(t *testing.T) {
	for _, sz := range [][2]int{{7, 6}, {4, 5}, {1, 3}, {2, 2}} {
		h, w := sz[0], sz[1]
		rng := rand.New(rand.NewSource(int64(h*10 + w)))
		const n, c = 2, 3
		x := randoms(rng, n*c*h*w, 1)
		oh, ow := kernels.PoolSize(h), kernels.PoolSize(w)
		ref := func() []float64 {
			out := make([]float64, n*c*oh*ow)
			for p := range n * c {
				for oy := range oh {
					for ox := range ow {
						m := math.Inf(-1)
						for y := 2*oy - 1; y <= 2*oy+1; y++ {
							for xx := 2*ox - 1; xx <= 2*ox+1; xx++ {
								if y >= 0 && y < h && xx >= 0 && xx < w {
									m = max(m, x[p*h*w+y*w+xx])
								}
							}
						}
						out[p*oh*ow+oy*ow+ox] = m
					}
				}
			}
			return out
		}
		want := ref()
		r := randoms(rng, len(want), 1)
		xa := newAct(n, c, h, w, true)
		copy(xa.v, to32(x))
		ya := newAct(n, c, oh, ow, true)
		var mp maxPool
		wk := testWorker(nil, n, 0, 0)
		mp.argmax = make([]int32, len(ya.v))
		mp.forward(wk, xa, ya)
		checkValues(t, "maxpool forward", ya.v, want)
		copy(ya.g, to32(r))
		mp.backward(wk, xa, ya)
		checkGrad(t, fmt.Sprintf("maxpool %dx%d dx", h, w), xa.g, numericGrad(x, func() float64 { return dot(r, ref()) }))
	}
}

// TestMaxPoolTiesFirstWins checks ATen's tie rule: the first maximum in
// scan order (rows, then columns) takes the gradient.
func TestMaxPoolTiesFirstWins(t *testing.T) {
	x := newAct(1, 1, 3, 3, true) // all zeros: every window ties
	y := newAct(1, 1, 2, 2, true)
	var mp maxPool
	w := testWorker(nil, 1, 0, 0)
	mp.argmax = make([]int32, len(y.v))
	mp.forward(w, x, y)
	for i := range y.g {
		y.g[i] = 1
	}
	mp.backward(w, x, y)
	// Windows: (0,0) reads rows 0-1 cols 0-1 -> first is (0,0); (0,1) reads
	// rows 0-1, cols 1-2 -> (0,1); (1,0) -> (1,0); (1,1) -> (1,1).
	want := []float32{1, 1, 0, 1, 1, 0, 0, 0, 0}
	for i, v := range want {
		if x.g[i] != v {
			t.Fatalf("tie gradient %v, want %v", x.g, want)
		}
	}
}

// TestUpsampleGradients checks F.interpolate(size=, mode="nearest") + add
// and its backward, for the FPN's exact 2x and odd sizes.
func TestUpsampleGradients(t *testing.T) {
	for _, sz := range [][4]int{{2, 3, 4, 6}, {2, 3, 5, 7}, {3, 2, 7, 3}, {1, 1, 2, 2}} {
		h, w, oh, ow := sz[0], sz[1], sz[2], sz[3]
		rng := rand.New(rand.NewSource(int64(h + 10*w + 100*oh)))
		const n, c = 2, 2
		src := randoms(rng, n*c*h*w, 1)
		base := randoms(rng, n*c*oh*ow, 1)
		ref := func() []float64 {
			out := make([]float64, len(base))
			for p := range n * c {
				for y := range oh {
					for x := range ow {
						// torch: floor(dst * (in/out)) in float32, clamped.
						sy := min(int(math.Floor(float64(float32(y)*(float32(h)/float32(oh))))), h-1)
						sx := min(int(math.Floor(float64(float32(x)*(float32(w)/float32(ow))))), w-1)
						out[p*oh*ow+y*ow+x] = base[p*oh*ow+y*ow+x] + src[p*h*w+sy*w+sx]
					}
				}
			}
			return out
		}
		want := ref()
		r := randoms(rng, len(want), 1)
		sa := newAct(n, c, h, w, true)
		copy(sa.v, to32(src))
		da := newAct(n, c, oh, ow, true)
		copy(da.v, to32(base))
		wk := testWorker(nil, n, 0, 0)
		upsampleAdd(wk, sa, da)
		checkValues(t, "upsample forward", da.v, want)
		copy(da.g, to32(r))
		upsampleBackward(wk, sa, da)
		checkGrad(t, fmt.Sprintf("upsample %v dsrc", sz), sa.g, numericGrad(src, func() float64 { return dot(r, ref()) }))
	}
}

// TestResidualJoinGradients checks relu(a + b) and the gradient both
// branches receive (the output's, masked by the ReLU).
func TestResidualJoinGradients(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	a, b := randoms(rng, 40, 1), randoms(rng, 40, 1)
	ref := func() []float64 {
		out := make([]float64, len(a))
		for i := range a {
			out[i] = max(a[i]+b[i], 0)
		}
		return out
	}
	r := randoms(rng, 40, 1)
	out := make([]float32, 40)
	addReLU(out, to32(a), to32(b))
	checkValues(t, "join forward", out, ref())
	g := to32(r)
	reluBackward(g, out)
	loss := func() float64 { return dot(r, ref()) }
	checkGrad(t, "join da", g, numericGrad(a, loss))
	checkGrad(t, "join db", g, numericGrad(b, loss))
}

// TestP7ReLUGradient checks P7's input F.relu(P6) as computed apart from P6.
func TestP7ReLUGradient(t *testing.T) {
	rng := rand.New(rand.NewSource(6))
	x := randoms(rng, 30, 1)
	r := randoms(rng, 30, 1)
	ref := func() []float64 {
		out := make([]float64, len(x))
		for i, v := range x {
			out[i] = max(v, 0)
		}
		return out
	}
	y := make([]float32, 30)
	reluInto(y, to32(x))
	checkValues(t, "relu forward", y, ref())
	g := to32(r)
	reluBackward(g, y)
	checkGrad(t, "relu dx", g, numericGrad(x, func() float64 { return dot(r, ref()) }))
}

// TestGroupNormGradients checks GroupNorm + ReLU forward and backward
// (input, gamma, beta) with several channels per group.
func TestGroupNormGradients(t *testing.T) {
	for _, tc := range []struct{ groups, c, h, w int }{{2, 4, 3, 3}, {3, 3, 2, 5}, {1, 4, 2, 2}} {
		rng := rand.New(rand.NewSource(int64(tc.groups*100 + tc.c)))
		const n = 2
		z := randoms(rng, n*tc.c*tc.h*tc.w, 1)
		gamma, beta := randoms(rng, tc.c, 1), randoms(rng, tc.c, 0.5)
		per, hw := tc.c/tc.groups, tc.h*tc.w
		ref := func() []float64 {
			out := make([]float64, len(z))
			for b := range n {
				for g := range tc.groups {
					seg := z[(b*tc.c+g*per)*hw : (b*tc.c+(g+1)*per)*hw]
					var mean, sq float64
					for _, v := range seg {
						mean += v
					}
					mean /= float64(len(seg))
					for _, v := range seg {
						sq += (v - mean) * (v - mean)
					}
					rstd := 1 / math.Sqrt(sq/float64(len(seg))+net.GroupNormEps)
					for i, v := range seg {
						ch := g*per + i/hw
						out[(b*tc.c+g*per)*hw+i] = max((v-mean)*rstd*gamma[ch]+beta[ch], 0)
					}
				}
			}
			return out
		}
		want := ref()
		r := randoms(rng, len(want), 1)
		gn := &groupNorm{groups: tc.groups, gamma: newParam("g", nil, to32(gamma), true), beta: newParam("b", nil, to32(beta), true)}
		za := newAct(n, tc.c, tc.h, tc.w, true)
		copy(za.v, to32(z))
		ya := newAct(n, tc.c, tc.h, tc.w, true)
		st := newGNStats(n, tc.groups)
		w := testWorker(nil, n, 0, 0, gn.gamma, gn.beta)
		gn.forward(w, za, ya, &st)
		checkValues(t, "groupnorm forward", ya.v, want)
		copy(ya.g, to32(r))
		gn.backward(w, za, ya, &st)
		loss := func() float64 { return dot(r, ref()) }
		checkGrad(t, "groupnorm dz", za.g, numericGrad(z, loss))
		checkGrad(t, "groupnorm dgamma", gn.gamma.Grad, numericGrad(gamma, loss))
		checkGrad(t, "groupnorm dbeta", gn.beta.Grad, numericGrad(beta, loss))
	}
}

// testWorker is a worker over images [0, n) whose gradients go straight
// into params' Grad (nil params are skipped); e may be nil for layers
// without GEMMs.
func testWorker(e *kernels.Engine, n, colSize, gwTSize int, params ...*Param) *worker {
	w := &worker{eng: e, b0: 0, b1: n, ws: workspace{col: make([]float32, max(1, colSize)), gwT: make([]float32, gwTSize)}}
	for _, p := range params {
		if p == nil {
			continue
		}
		p.id = len(w.grads)
		w.grads = append(w.grads, p.Grad)
	}
	return w
}
