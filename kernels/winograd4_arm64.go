//go:build !purego

package kernels

func winograd4InputRowNEON(rows []float32, pw, tw int, out []float32, stride int) {
	winograd4InputGeneric(rows, pw, tw, out, stride)
}

func winograd4OutputRowNEON(m []float32, stride, tw int, bias float32, flags int, dst []float32, ld int) {
	winograd4OutputGeneric(m, stride, tw, bias, flags, dst, ld)
}
