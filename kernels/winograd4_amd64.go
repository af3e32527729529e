//go:build !purego

package kernels

// winograd4InputAVX512 is Winograd4InputRow for 16 tiles a vector (masked
// stores for the last block; pw >= Winograd4RowWidth(tw) keeps the row
// loads inside the rows). The frame holds d B between the two passes:
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
// with bt6 as in winograd4.go: a = x4-x2, e = x3-x1,
// y0 = a + 4(x0-x2), y1 = (x3+x4) - 4(x1+x2), y2 = (x4-x3) + 4(x1-x2),
// y3 = a + 2e, y4 = a - 2e, y5 = (x5-x3) + 4(x1-x3).
//
//go:noescape
func winograd4InputAVX512(rows *float32, pw, tw int, out *float32, stride int)

// winograd4OutputAVX512 is Winograd4OutputRow for 16 tiles a vector
// (masked loads and stores for the last block), flags
// winoAccumulate|winoReLU:
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
// with at6 as in winograd4.go: a = x1+x2, b = x1-x2, c = x3+x4, d = x3-x4,
// y0 = (x0+a) + c, y1 = b + 2d, y2 = a + 4c, y3 = (b + 8d) + x5.
//
//go:noescape
func winograd4OutputAVX512(m *float32, stride, tw int, bias float32, flags int, dst *float32, ld int)

// winograd4InputAVX2 is the same loop, 8 tiles a vector (VMASKMOVPS
// stores for the last block).
//
//go:noescape
func winograd4InputAVX2(rows *float32, pw, tw int, out *float32, stride int)

// winograd4OutputAVX2 is the same loop, 8 tiles a vector (VMASKMOVPS
// loads and stores for the last block).
//
//go:noescape
func winograd4OutputAVX2(m *float32, stride, tw int, bias float32, flags int, dst *float32, ld int)

func winograd4InputRowAVX512(rows []float32, pw, tw int, out []float32, stride int) {
	winograd4InputAVX512(&rows[0], pw, tw, &out[0], stride)
}

func winograd4InputRowAVX2(rows []float32, pw, tw int, out []float32, stride int) {
	winograd4InputAVX2(&rows[0], pw, tw, &out[0], stride)
}

func winograd4OutputRowAVX512(m []float32, stride, tw int, bias float32, flags int, dst []float32, ld int) {
	winograd4OutputAVX512(&m[0], stride, tw, bias, flags, &dst[0], ld)
}

func winograd4OutputRowAVX2(m []float32, stride, tw int, bias float32, flags int, dst []float32, ld int) {
	winograd4OutputAVX2(&m[0], stride, tw, bias, flags, &dst[0], ld)
}
