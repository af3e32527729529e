package jpegdec

// The YCbCr->RGB tables of libjpeg's jdcolor.c (build_ycc_rgb_table):
// 16-bit fixed point, rounded once per table entry for R and B and once per
// pixel for G.
const (
	scaleBits = 16
	oneHalf   = 1 << (scaleBits - 1)
)

func fix(x float64) int32 { return int32(x*(1<<scaleBits) + 0.5) }

var crR, cbB, crG, cbG = func() (crR, cbB, crG, cbG [256]int32) {
	for i := range 256 {
		x := int32(i - 128)
		crR[i] = (fix(1.40200)*x + oneHalf) >> scaleBits
		cbB[i] = (fix(1.77200)*x + oneHalf) >> scaleBits
		crG[i] = -fix(0.71414) * x
		cbG[i] = -fix(0.34414)*x + oneHalf
	}
	return
}()

// clamp is libjpeg's sample_range_limit for the sums the colour converter
// forms, which lie in [-256, 511].
// It is indexed by the sum plus 256, masked to 10 bits so the compiler can
// drop the bounds check.
var clamp = func() (t [1024]byte) {
	for i := range t {
		t[i] = byte(min(max(i-256, 0), 255))
	}
	return
}()

// yccRow converts one row to RGBA (ycc_rgb_convert).
func yccRow(out, y, cb, cr []byte) {
	n := len(out) / 4
	y, cb, cr = y[:n], cb[:n], cr[:n]
	for i := range n {
		yy := int32(y[i]) + 256
		b, r := cb[i], cr[i]
		o := out[4*i : 4*i+4 : 4*i+4]
		o[0] = clamp[(yy+crR[r])&1023]
		o[1] = clamp[(yy+((cbG[b]+crG[r])>>scaleBits))&1023]
		o[2] = clamp[(yy+cbB[b])&1023]
		o[3] = 255
	}
}

// rgbRow copies an RGB-coded row.
func rgbRow(out, r, g, b []byte) {
	n := len(out) / 4
	r, g, b = r[:n], g[:n], b[:n]
	for i := range n {
		o := out[4*i : 4*i+4 : 4*i+4]
		o[0], o[1], o[2], o[3] = r[i], g[i], b[i], 255
	}
}

// grayRow replicates gray into R, G and B, as PIL's L->RGB does.
func grayRow(out, g []byte) {
	n := len(out) / 4
	g = g[:n]
	for i := range n {
		o := out[4*i : 4*i+4 : 4*i+4]
		o[0], o[1], o[2], o[3] = g[i], g[i], g[i], 255
	}
}

// cmykRow turns libjpeg's CMYK output into RGB as PIL does: PIL stores the
// inverse of each byte ("CMYK;I", assuming Adobe's inverted convention)
// and its CMYK->RGB conversion then makes each channel
// (255-k) - (255-k)*c/255 from its stored c and k, with its MULDIV255
// rounding. With the stored values inverted, 255-k is libjpeg's K.
func cmykRow(out, c, m, y, k []byte) {
	n := len(out) / 4
	c, m, y, k = c[:n], m[:n], y[:n], k[:n]
	for i := range n {
		nk := int32(k[i])
		o := out[4*i : 4*i+4 : 4*i+4]
		o[0] = byte(nk - mulDiv255(255-int32(c[i]), nk))
		o[1] = byte(nk - mulDiv255(255-int32(m[i]), nk))
		o[2] = byte(nk - mulDiv255(255-int32(y[i]), nk))
		o[3] = 255
	}
}

// mulDiv255 is PIL's MULDIV255: a*b/255 rounded, for a, b in [0, 255].
func mulDiv255(a, b int32) int32 {
	t := a*b + 128
	return ((t >> 8) + t) >> 8
}

// ycckRow converts YCCK to libjpeg's CMYK (ycck_cmyk_convert: the YCbCr
// part becomes inverted RGB, K passes through) and then as cmykRow.
func ycckRow(out, y, cb, cr, k, tmp []byte) {
	n := len(out) / 4
	y, cb, cr = y[:n], cb[:n], cr[:n]
	c, m, ye := tmp[:n], tmp[n:2*n], tmp[2*n:3*n]
	for i := range n {
		b, r := cb[i], cr[i]
		c[i] = clamp[(255+256-(int32(y[i])+crR[r]))&1023]
		m[i] = clamp[(255+256-(int32(y[i])+((cbG[b]+crG[r])>>scaleBits)))&1023]
		ye[i] = clamp[(255+256-(int32(y[i])+cbB[b]))&1023]
	}
	cmykRow(out, c, m, ye, k)
}
