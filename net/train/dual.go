package train

import "math"

// dual is a value with its gradient with respect to the four box deltas
// (forward-mode differentiation): the IoU-family box losses are short
// scalar programs of those four numbers, differentiated exactly this way.
type dual struct {
	v float64
	d [4]float64
}

func constant(v float64) dual { return dual{v: v} }

func variable(v float64, i int) dual {
	x := dual{v: v}
	x.d[i] = 1
	return x
}

func (a dual) add(b dual) dual {
	for i := range a.d {
		a.d[i] += b.d[i]
	}
	a.v += b.v
	return a
}

func (a dual) sub(b dual) dual {
	for i := range a.d {
		a.d[i] -= b.d[i]
	}
	a.v -= b.v
	return a
}

func (a dual) mul(b dual) dual {
	r := dual{v: a.v * b.v}
	for i := range r.d {
		r.d[i] = a.d[i]*b.v + a.v*b.d[i]
	}
	return r
}

func (a dual) div(b dual) dual {
	r := dual{v: a.v / b.v}
	for i := range r.d {
		r.d[i] = (a.d[i]*b.v - a.v*b.d[i]) / (b.v * b.v)
	}
	return r
}

func (a dual) scale(s float64) dual {
	a.v *= s
	for i := range a.d {
		a.d[i] *= s
	}
	return a
}

func (a dual) addConst(c float64) dual {
	a.v += c
	return a
}

func (a dual) exp() dual {
	e := math.Exp(a.v)
	return a.chain(e, e)
}

func (a dual) atan() dual { return a.chain(math.Atan(a.v), 1/(1+a.v*a.v)) }

func (a dual) square() dual { return a.mul(a) }

// chain returns f(a) given f(a.v) = v and f'(a.v) = slope.
func (a dual) chain(v, slope float64) dual {
	r := dual{v: v}
	for i := range r.d {
		r.d[i] = a.d[i] * slope
	}
	return r
}

// maxDual and minDual are torch.max/torch.min of two tensors: at a tie each
// side takes half the gradient (ATen's maximum/minimum backward).
func maxDual(a, b dual) dual {
	switch {
	case a.v > b.v:
		return a
	case b.v > a.v:
		return b
	}
	return a.add(b).scale(0.5)
}

func minDual(a, b dual) dual {
	switch {
	case a.v < b.v:
		return a
	case b.v < a.v:
		return b
	}
	return a.add(b).scale(0.5)
}
