package boxes

import "math"

// BaseAnchors returns the zero-centred cell anchors of one level like
// AnchorGenerator.generate_anchors: for each aspect ratio r (h/w) and then
// each size s, h = sqrt(r), w = 1/h, half extents w*s/2 and h*s/2, all in
// float32 and rounded half to even (torch.round).
func BaseAnchors(sizes []int, ratios []float64) []Box {
	out := make([]Box, 0, len(sizes)*len(ratios))
	for _, r := range ratios {
		hr := float32(math.Sqrt(float64(float32(r)))) // correctly rounded float32 sqrt
		wr := 1 / hr
		for _, s := range sizes {
			ws := wr * float32(s)
			hs := hr * float32(s)
			out = append(out, Box{
				roundEven(-ws / 2), roundEven(-hs / 2), roundEven(ws / 2), roundEven(hs / 2),
			})
		}
	}
	return out
}

func roundEven(v float32) float32 { return float32(math.RoundToEven(float64(v))) }

// LevelAnchors appends the anchors of one featH x featW level to dst in
// torchvision's order: row y, column x, then the base anchors. Each is the
// base anchor shifted by (x*strideW, y*strideH); the stride is the padded
// image size // the feature size per axis.
func LevelAnchors(dst []Box, sizes []int, ratios []float64, featH, featW, strideH, strideW int) []Box {
	base := BaseAnchors(sizes, ratios)
	for y := 0; y < featH; y++ {
		for x := 0; x < featW; x++ {
			for _, b := range base {
				dst = append(dst, shiftAnchor(b, x*strideW, y*strideH))
			}
		}
	}
	return dst
}

// shiftAnchor adds the integer cell shift (exact in float32 below 2^24) to a
// base anchor: torch adds an int32 shift tensor to the float32 base anchors.
func shiftAnchor(b Box, sx, sy int) Box {
	fx, fy := float32(int32(sx)), float32(int32(sy))
	return Box{fx + b[0], fy + b[1], fx + b[2], fy + b[3]}
}
