package jpegdec

// The accurate integer IDCT of libjpeg's jidctint.c (jpeg_idct_islow): 13-bit
// fixed-point constants, two extra bits kept between the column and row
// passes, and a final clamp through libjpeg's post-IDCT range-limit table.
const (
	constBits = 13
	pass1Bits = 2

	fix0_298631336 = 2446
	fix0_390180644 = 3196
	fix0_541196100 = 4433
	fix0_765366865 = 6270
	fix0_899976223 = 7373
	fix1_175875602 = 9633
	fix1_501321110 = 12299
	fix1_847759065 = 15137
	fix1_961570560 = 16069
	fix2_053119869 = 16819
	fix2_562915447 = 20995
	fix3_072711026 = 25172
)

// idctLimit is libjpeg's IDCT range-limit table indexed by the descaled
// value masked to 10 bits: values in [-128, 127] map to value+128, larger
// ones to 255 and smaller ones to 0 (wrapping as libjpeg's does beyond
// +-512, which only corrupt data reaches).
var idctLimit = func() (t [1024]byte) {
	for i := range t {
		switch {
		case i < 128:
			t[i] = byte(i + 128)
		case i < 512:
			t[i] = 255
		case i < 896:
			t[i] = 0
		default:
			t[i] = byte(i - 896)
		}
	}
	return
}()

// idctDC writes a block whose AC coefficients are all zero: both passes of
// the IDCT take their all-zero shortcut, leaving DESCALE(dc*q << 2, 5).
func idctDC(dc int16, q *[64]uint16, dst []byte, stride int) {
	v := (int32(dc)*int32(q[0])<<pass1Bits + 1<<(pass1Bits+2)) >> (pass1Bits + 3)
	p := idctLimit[v&1023]
	_ = dst[7*stride+7]
	for y := 0; y < 8; y++ {
		row := dst[y*stride : y*stride+8]
		for x := range row {
			row[x] = p
		}
	}
}

// idct dequantises and inverse-transforms one block into dst.
func idct(in *[64]int16, q *[64]uint16, dst []byte, stride int) {
	var ws [64]int32
	// Pass 1: columns.
	for col := 0; col < 8; col++ {
		if in[8+col] == 0 && in[16+col] == 0 && in[24+col] == 0 && in[32+col] == 0 &&
			in[40+col] == 0 && in[48+col] == 0 && in[56+col] == 0 {
			dc := int32(in[col]) * int32(q[col]) << pass1Bits
			for r := 0; r < 8; r++ {
				ws[r*8+col] = dc
			}
			continue
		}
		z2 := int32(in[16+col]) * int32(q[16+col])
		z3 := int32(in[48+col]) * int32(q[48+col])
		z1 := (z2 + z3) * fix0_541196100
		tmp2 := z1 + z3*-fix1_847759065
		tmp3 := z1 + z2*fix0_765366865
		z2 = int32(in[col]) * int32(q[col])
		z3 = int32(in[32+col]) * int32(q[32+col])
		tmp0 := (z2 + z3) << constBits
		tmp1 := (z2 - z3) << constBits
		tmp10, tmp13 := tmp0+tmp3, tmp0-tmp3
		tmp11, tmp12 := tmp1+tmp2, tmp1-tmp2

		tmp3 = int32(in[8+col]) * int32(q[8+col])
		tmp2 = int32(in[24+col]) * int32(q[24+col])
		tmp1 = int32(in[40+col]) * int32(q[40+col])
		tmp0 = int32(in[56+col]) * int32(q[56+col])
		tmp0, tmp1, tmp2, tmp3 = odd(tmp0, tmp1, tmp2, tmp3)

		const round = 1 << (constBits - pass1Bits - 1)
		const sh = constBits - pass1Bits
		ws[0*8+col] = (tmp10 + tmp3 + round) >> sh
		ws[7*8+col] = (tmp10 - tmp3 + round) >> sh
		ws[1*8+col] = (tmp11 + tmp2 + round) >> sh
		ws[6*8+col] = (tmp11 - tmp2 + round) >> sh
		ws[2*8+col] = (tmp12 + tmp1 + round) >> sh
		ws[5*8+col] = (tmp12 - tmp1 + round) >> sh
		ws[3*8+col] = (tmp13 + tmp0 + round) >> sh
		ws[4*8+col] = (tmp13 - tmp0 + round) >> sh
	}
	// Pass 2: rows.
	_ = dst[7*stride+7]
	for r := 0; r < 8; r++ {
		w := ws[r*8 : r*8+8 : r*8+8]
		out := dst[r*stride : r*stride+8 : r*stride+8]
		const sh = constBits + pass1Bits + 3
		if w[1] == 0 && w[2] == 0 && w[3] == 0 && w[4] == 0 && w[5] == 0 && w[6] == 0 && w[7] == 0 {
			p := idctLimit[((w[0]+1<<(pass1Bits+2))>>(pass1Bits+3))&1023]
			for x := range out {
				out[x] = p
			}
			continue
		}
		z2, z3 := w[2], w[6]
		z1 := (z2 + z3) * fix0_541196100
		tmp2 := z1 + z3*-fix1_847759065
		tmp3 := z1 + z2*fix0_765366865
		// The rounding of the final descale is folded in here.
		tmp0 := (w[0] + w[4] + 1<<(pass1Bits+2)) << constBits
		tmp1 := (w[0] - w[4] + 1<<(pass1Bits+2)) << constBits
		tmp10, tmp13 := tmp0+tmp3, tmp0-tmp3
		tmp11, tmp12 := tmp1+tmp2, tmp1-tmp2

		tmp0, tmp1, tmp2, tmp3 = odd(w[7], w[5], w[3], w[1])

		out[0] = idctLimit[((tmp10+tmp3)>>sh)&1023]
		out[7] = idctLimit[((tmp10-tmp3)>>sh)&1023]
		out[1] = idctLimit[((tmp11+tmp2)>>sh)&1023]
		out[6] = idctLimit[((tmp11-tmp2)>>sh)&1023]
		out[2] = idctLimit[((tmp12+tmp1)>>sh)&1023]
		out[5] = idctLimit[((tmp12-tmp1)>>sh)&1023]
		out[3] = idctLimit[((tmp13+tmp0)>>sh)&1023]
		out[4] = idctLimit[((tmp13-tmp0)>>sh)&1023]
	}
}

// odd is the odd part of the 1-D IDCT: inputs are coefficients 7, 5, 3, 1.
func odd(tmp0, tmp1, tmp2, tmp3 int32) (int32, int32, int32, int32) {
	z1 := tmp0 + tmp3
	z2 := tmp1 + tmp2
	z3 := tmp0 + tmp2
	z4 := tmp1 + tmp3
	z5 := (z3 + z4) * fix1_175875602
	tmp0 *= fix0_298631336
	tmp1 *= fix2_053119869
	tmp2 *= fix3_072711026
	tmp3 *= fix1_501321110
	z1 *= -fix0_899976223
	z2 *= -fix2_562915447
	z3 = z3*-fix1_961570560 + z5
	z4 = z4*-fix0_390180644 + z5
	return tmp0 + z1 + z3, tmp1 + z2 + z4, tmp2 + z2 + z3, tmp3 + z1 + z4
}
