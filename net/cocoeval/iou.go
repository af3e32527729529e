package cocoeval

import "math"

// boxIoU is maskApi.c's bbIou for one pair of [x, y, w, h] boxes: for a crowd
// ground truth the union is the detection's area alone (a detection inside a
// crowd region overlaps it fully).
func boxIoU(d, g [4]float64, crowd bool) float64 {
	w := math.Min(d[2]+d[0], g[2]+g[0]) - math.Max(d[0], g[0])
	if w <= 0 {
		return 0
	}
	h := math.Min(d[3]+d[1], g[3]+g[1]) - math.Max(d[1], g[1])
	if h <= 0 {
		return 0
	}
	i := w * h
	da := d[2] * d[3]
	if crowd {
		return i / da
	}
	return i / (da + g[2]*g[3] - i)
}
