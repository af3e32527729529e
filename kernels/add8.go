package kernels

import "fmt"

// AddInt8 is TFLite's quantized int8 ADD (the residual and FPN sums), as
// constants: each input, offset by minus its zero point and shifted left by
// LeftShift, is rescaled to a common scale, the two are summed in int32 and
// rescaled to the output:
//
//	s1 := MultiplyByQuantizedMultiplier((int32(x)+Offset1)<<LeftShift, Mult1, Shift1)
//	s2 := MultiplyByQuantizedMultiplier((int32(y)+Offset2)<<LeftShift, Mult2, Shift2)
//	out := clamp(MultiplyByQuantizedMultiplier(s1+s2, MultOut, ShiftOut) + OutZero, Min, Max)
//
// Min = the output's zero point fuses a ReLU.
type AddInt8 struct {
	Offset1, Offset2         int32
	Mult1, Mult2, MultOut    int32
	Shift1, Shift2, ShiftOut int
	LeftShift                int
	OutZero                  int32
	Min, Max                 int8
}

// addConsts is AddInt8 as the SIMD kernels read it: each rescale as an
// rqRow (the input's offset in add, LeftShift folded into left) and the
// clamp with the zero point taken out (keep the layout: assembly reads it
// by offset).
type addConsts struct {
	in1, in2, out rqRow
	clamp         rqClamp
	_             int32
}

// check panics on constants the kernels cannot run exactly.
func (a *AddInt8) check() {
	for _, s := range []int{a.Shift1, a.Shift2, a.ShiftOut} {
		if s < -31 || s > 30 {
			panic(fmt.Sprintf("kernels: AddInt8 shift %d outside [-31, 30]", s))
		}
	}
	if a.LeftShift < 0 || a.LeftShift > 31 || a.OutZero < -128 || a.OutZero > 127 || a.Min > a.Max {
		panic(fmt.Sprintf("kernels: AddInt8 left shift %d, zero point %d, clamp [%d, %d]", a.LeftShift, a.OutZero, a.Min, a.Max))
	}
}

func (a *AddInt8) consts() addConsts {
	var c addConsts
	c.in1.setShift(a.Mult1, a.Shift1)
	c.in1.add, c.in1.left = a.Offset1, min(c.in1.left+int32(a.LeftShift), 32)
	c.in2.setShift(a.Mult2, a.Shift2)
	c.in2.add, c.in2.left = a.Offset2, min(c.in2.left+int32(a.LeftShift), 32)
	c.out.setShift(a.MultOut, a.ShiftOut)
	c.clamp = rqClamp{lo: int32(a.Min) - a.OutZero, hi: int32(a.Max) - a.OutZero, zero: a.OutZero}
	return c
}

// Apply writes dst[i] = x[i] + y[i] for the first len(dst) values (dst may
// be x or y). Vector kernels take whole runs where the CPU has them; the
// rest, and multipliers of MinInt32 (the one saturating case), take the Go
// loop.
func (a *AddInt8) Apply(dst, x, y []int8) {
	a.check()
	x, y = x[:len(dst)], y[:len(dst)]
	c := a.consts()
	done := 0
	if a.Mult1 != minInt32 && a.Mult2 != minInt32 && a.MultOut != minInt32 {
		if blocks := len(dst) / addLanes; blocks > 0 && addInt8Vec(&dst[0], &x[0], &y[0], blocks, &c) {
			done = addLanes * blocks
		}
	}
	for i := done; i < len(dst); i++ {
		dst[i] = a.one(x[i], y[i], &c)
	}
}

const minInt32 = -1 << 31

// one is AddInt8 on one pair, with the exact scalar functions: the
// reference the kernels are tested against.
func (a *AddInt8) one(x, y int8, c *addConsts) int8 {
	s1 := MultiplyByQuantizedMultiplier((int32(x)+a.Offset1)<<uint(a.LeftShift), a.Mult1, a.Shift1)
	s2 := MultiplyByQuantizedMultiplier((int32(y)+a.Offset2)<<uint(a.LeftShift), a.Mult2, a.Shift2)
	o := MultiplyByQuantizedMultiplier(s1+s2, a.MultOut, a.ShiftOut)
	return int8(min(max(o, c.clamp.lo), c.clamp.hi) + c.clamp.zero)
}

// addLanes is how many values a block of addInt8Vec (a direct call, not a
// func value, so that the constants stay on the stack) holds.
var addLanes = 8
