package camera

// YUVRange selects the BT.601 quantization range of Y'CbCr input.
type YUVRange uint8

const (
	// FullRange: Y, Cb and Cr use 0..255 (JFIF/JPEG, and what most webcams
	// deliver). The arithmetic is exactly image/color.YCbCrToRGB's.
	FullRange YUVRange = iota
	// LimitedRange: Y uses 16..235 and Cb, Cr 16..240 (BT.601 studio swing).
	LimitedRange
)

func (r YUVRange) String() string {
	if r == LimitedRange {
		return "limited"
	}
	return "full"
}

// yuvCoeffs are BT.601 Y'CbCr->RGB coefficients in 16.16 fixed point:
//
//	R = yMul*(Y-yOff) + bias + rCr*(Cr-128)
//	G = yMul*(Y-yOff) + bias - gCb*(Cb-128) - gCr*(Cr-128)
//	B = yMul*(Y-yOff) + bias + bCb*(Cb-128)
//
// then >>16 and clamped to 0..255.
type yuvCoeffs struct {
	yMul, yOff, bias, rCr, gCb, gCr, bCb int32
}

var (
	// Full range: 1.402, 0.344136, 0.714136, 1.772 (image/color's constants;
	// its y*0x10101 both scales by 65536 and rounds).
	fullCoeffs = yuvCoeffs{yMul: 0x10101, rCr: 91881, gCb: 22554, gCr: 46802, bCb: 116130}
	// Limited range: 255/219 = 1.164384, 1.596027, 0.391762, 0.812968,
	// 2.017232, with +0.5 for rounding.
	limitedCoeffs = yuvCoeffs{yMul: 76309, yOff: 16, bias: 1 << 15, rCr: 104597, gCb: 25675, gCr: 53279, bCb: 132201}
)

func coeffsFor(r YUVRange) *yuvCoeffs {
	if r == LimitedRange {
		return &limitedCoeffs
	}
	return &fullCoeffs
}

// clamp16 turns a 16.16 fixed-point value into a byte, saturating. min and
// max compile to conditional moves: no branch to mispredict on saturated
// colours.
func clamp16(v int32) uint8 {
	return uint8(min(max(v>>16, 0), 255))
}

// luma is the Y term, shared by R, G and B.
func (c yuvCoeffs) luma(y uint8) int32 { return (int32(y)-c.yOff)*c.yMul + c.bias }

// chroma is the Cb/Cr terms added to R, subtracted from G and added to B,
// shared by the pixels of a chroma pair.
func (c yuvCoeffs) chroma(cb, cr uint8) (int32, int32, int32) {
	cb1, cr1 := int32(cb)-128, int32(cr)-128
	return c.rCr * cr1, c.gCb*cb1 + c.gCr*cr1, c.bCb * cb1
}

// pixel converts one Y'CbCr sample to RGB.
func (c yuvCoeffs) pixel(y, cb, cr uint8) (uint8, uint8, uint8) {
	yy := (int32(y)-c.yOff)*c.yMul + c.bias
	cb1 := int32(cb) - 128
	cr1 := int32(cr) - 128
	return clamp16(yy + c.rCr*cr1), clamp16(yy - c.gCb*cb1 - c.gCr*cr1), clamp16(yy + c.bCb*cb1)
}
