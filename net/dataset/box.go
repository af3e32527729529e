package dataset

import (
	"fmt"
	"math"
)

// checkBox validates a box against its image and clips it when it sticks
// out by no more than edgeTolerance. It returns the problem, or "".
func checkBox(b [4]float64, w, h int) ([4]float32, string) {
	for _, v := range b {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return [4]float32{}, fmt.Sprintf("box %v is not finite", b)
		}
	}
	bw, bh := b[2]-b[0], b[3]-b[1]
	if bw < 0 || bh < 0 {
		return [4]float32{}, fmt.Sprintf("box %v has negative size (%gx%g)", fmtBox(b), bw, bh)
	}
	if w > 0 && h > 0 {
		W, H := float64(w), float64(h)
		if b[0] < -edgeTolerance || b[1] < -edgeTolerance || b[2] > W+edgeTolerance || b[3] > H+edgeTolerance {
			return [4]float32{}, fmt.Sprintf("box %v is outside the %dx%d image", fmtBox(b), w, h)
		}
		b[0], b[1] = math.Max(b[0], 0), math.Max(b[1], 0)
		b[2], b[3] = math.Min(b[2], W), math.Min(b[3], H)
	}
	if b[2] <= b[0] || b[3] <= b[1] {
		return [4]float32{}, fmt.Sprintf("box %v has zero size", fmtBox(b))
	}
	out := [4]float32{float32(b[0]), float32(b[1]), float32(b[2]), float32(b[3])}
	if out[2] <= out[0] || out[3] <= out[1] { // collapsed by float32 rounding
		return [4]float32{}, fmt.Sprintf("box %v has zero size", fmtBox(b))
	}
	return out, ""
}

func fmtBox(b [4]float64) string {
	return fmt.Sprintf("[%g %g %g %g]", b[0], b[1], b[2], b[3])
}

func boxArea(b [4]float32) float32 { return (b[2] - b[0]) * (b[3] - b[1]) }
