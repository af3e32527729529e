//go:build !purego

package kernels

// winograd4InputNEON is Winograd4InputRow, 4 tiles a vector (LD4 splits a
// row's columns by tile; the last block of 1..3 tiles stores single
// lanes); the frame holds d B between the two passes:
//
//	for tx := 0; tx < tw; tx++ {
//		for r := 0; r < 6; r++ { // t = d B
//			x := rows[r*pw+4*tx : r*pw+4*tx+6]
//			t[r][0], ..., t[r][5] = bt6(x[0], ..., x[5])
//		}
//		for j := 0; j < 6; j++ { // out = B^T t
//			y0, ..., y5 := bt6(t[0][j], ..., t[5][j])
//			out[(6*i+j)*stride+tx] = yi, for i = 0..5
//		}
//	}
//
//go:noescape
func winograd4InputNEON(rows *float32, pw, tw int, out *float32, stride int)

// winograd4OutputNEON is Winograd4OutputRow, 4 tiles a vector (ST4
// interleaves a row's four columns; the last block of 1..3 tiles loads
// single lanes and stores single tiles):
//
//	for tx := 0; tx < tw; tx++ {
//		for r := 0; r < 6; r++ { // h = M A
//			h[r][0], ..., h[r][3] = at6(m[(6r+0)*stride+tx], ..., m[(6r+5)*stride+tx])
//		}
//		for j := 0; j < 4; j++ { // Y = A^T h
//			y := at6(h[0][j], ..., h[5][j])
//			for i := 0; i < 4; i++ {
//				v := y[i] + bias
//				if flags&winoAccumulate != 0 {
//					v += dst[i*ld+4*tx+j]
//				}
//				if flags&winoReLU != 0 && v < 0 { // NaN and -0 stay
//					v = 0
//				}
//				dst[i*ld+4*tx+j] = v
//			}
//		}
//	}
//
//go:noescape
func winograd4OutputNEON(m *float32, stride, tw int, bias float32, flags int, dst *float32, ld int)

func winograd4InputRowNEON(rows []float32, pw, tw int, out []float32, stride int) {
	winograd4InputNEON(&rows[0], pw, tw, &out[0], stride)
}

func winograd4OutputRowNEON(m []float32, stride, tw int, bias float32, flags int, dst []float32, ld int) {
	winograd4OutputNEON(&m[0], stride, tw, bias, flags, &dst[0], ld)
}
