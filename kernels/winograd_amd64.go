//go:build !purego

package kernels

// winogradInputAVX512 is WinogradInputRow for 16 tiles a vector (masked
// stores for the last block; pw >= WinogradRowWidth(tw) keeps the loads
// inside the rows):
//
//	for tx := 0; tx < tw; tx++ {
//		d := the 4x4 window of rows at columns 2tx..2tx+3
//		for k := 0; k < 4; k++ { // t = B^T d
//			t[0][k], t[1][k] = d[0][k]-d[2][k], d[1][k]+d[2][k]
//			t[2][k], t[3][k] = d[2][k]-d[1][k], d[1][k]-d[3][k]
//		}
//		for i := 0; i < 4; i++ { // out = t B
//			out[(4*i+0)*stride+tx] = t[i][0] - t[i][2]
//			out[(4*i+1)*stride+tx] = t[i][1] + t[i][2]
//			out[(4*i+2)*stride+tx] = t[i][2] - t[i][1]
//			out[(4*i+3)*stride+tx] = t[i][1] - t[i][3]
//		}
//	}
//
//go:noescape
func winogradInputAVX512(rows *float32, pw, tw int, out *float32, stride int)

// winogradInputAVX2 is the same loop, 8 tiles a vector (VMASKMOVPS stores
// for the last block).
//
//go:noescape
func winogradInputAVX2(rows *float32, pw, tw int, out *float32, stride int)

func winogradInputRowAVX512(rows []float32, pw, tw int, out []float32, stride int) {
	winogradInputAVX512(&rows[0], pw, tw, &out[0], stride)
}

func winogradInputRowAVX2(rows []float32, pw, tw int, out []float32, stride int) {
	winogradInputAVX2(&rows[0], pw, tw, &out[0], stride)
}

// winogradOutputAVX512 is WinogradOutputRow for 16 tiles a vector (masked
// loads and stores for the last block), flags winoAccumulate|winoReLU:
//
//	for tx := 0; tx < tw; tx++ {
//		q := func(k int) float32 { return m[k*stride+tx] }
//		for k := 0; k < 4; k++ { // s = A^T M
//			s[0][k] = q(k) + q(4+k) + q(8+k)
//			s[1][k] = q(4+k) - q(8+k) - q(12+k)
//		}
//		for i := 0; i < 2; i++ { // Y = s A + bias
//			y0 := s[i][0] + s[i][1] + s[i][2] + bias
//			y1 := s[i][1] - s[i][2] - s[i][3] + bias
//			row := [2][]float32{row0, row1}[i]
//			if flags&winoAccumulate != 0 {
//				y0, y1 = y0+row[2*tx], y1+row[2*tx+1]
//			}
//			if flags&winoReLU != 0 { // NaN and -0 stay as they are
//				if y0 < 0 {
//					y0 = 0
//				}
//				if y1 < 0 {
//					y1 = 0
//				}
//			}
//			row[2*tx], row[2*tx+1] = y0, y1
//		}
//	}
//
//go:noescape
func winogradOutputAVX512(m *float32, stride, tw int, bias float32, flags int, row0, row1 *float32)

// winogradOutputAVX2 is the same loop, 8 tiles a vector (VMASKMOVPS loads
// and stores for the last block).
//
//go:noescape
func winogradOutputAVX2(m *float32, stride, tw int, bias float32, flags int, row0, row1 *float32)

func winogradOutputRowAVX512(m []float32, stride, tw int, bias float32, flags int, row0, row1 []float32) {
	winogradOutputAVX512(&m[0], stride, tw, bias, flags, &row0[0], &row1[0])
}

func winogradOutputRowAVX2(m []float32, stride, tw int, bias float32, flags int, row0, row1 []float32) {
	winogradOutputAVX2(&m[0], stride, tw, bias, flags, &row0[0], &row1[0])
}
