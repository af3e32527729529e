//go:build !purego

package kernels

// winogradInputNEON is WinogradInputRow on blocks*4 tiles, 4 tiles a
// vector (LD2 splits even and odd columns):
//
//	for tx := 0; tx < 4*blocks; tx++ {
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
func winogradInputNEON(rows *float32, pw, blocks int, out *float32, stride int)

// winogradOutputNEON is WinogradOutputRow on blocks*4 tiles, 4 tiles a
// vector (ST2 interleaves a row's two columns):
//
//	for tx := 0; tx < 4*blocks; tx++ {
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
func winogradOutputNEON(m *float32, stride, blocks int, bias float32, flags int, row0, row1 *float32)

func winogradInputRowNEON(rows []float32, pw, tw int, out []float32, stride int) {
	winogradInputBlocks(rows, pw, tw, out, stride, 4, winogradInputNEON)
}

func winogradOutputRowNEON(m []float32, stride, tw int, bias float32, flags int, row0, row1 []float32) {
	winogradOutputBlocks(m, stride, tw, bias, flags, row0, row1, 4, winogradOutputNEON)
}
