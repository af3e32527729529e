package train

// act is one activation of the graph: a batch of NCHW values and, when
// something before it is trained, the gradient of the loss with respect to
// them (same layout).
type act struct {
	n, c, h, w int
	v, g       []float32
	needGrad   bool // a trainable parameter lies upstream: backward must reach here
}

func newAct(n, c, h, w int, needGrad bool) *act {
	a := &act{n: n, c: c, h: h, w: w, needGrad: needGrad, v: make([]float32, n*c*h*w)}
	if needGrad {
		a.g = make([]float32, len(a.v))
	}
	return a
}

// size is the element count of one image.
func (a *act) size() int { return a.c * a.h * a.w }

// img returns image b's values.
func (a *act) img(b int) []float32 { return a.v[b*a.size() : (b+1)*a.size()] }

// grad returns image b's gradient.
func (a *act) grad(b int) []float32 { return a.g[b*a.size() : (b+1)*a.size()] }
