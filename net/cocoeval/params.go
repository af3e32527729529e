package cocoeval

import "fmt"

// Params are COCOeval's evaluation parameters for bounding boxes.
type Params struct {
	// IoUThrs are the IoU thresholds (T = 10 by default).
	IoUThrs []float64
	// RecThrs are the recall points at which precision is sampled (R = 101).
	RecThrs []float64
	// MaxDets are the per-image detection limits, ascending (1, 10, 100).
	MaxDets []int
	// AreaRanges are the [min, max] ground-truth areas of each range; a
	// ground truth (or unmatched detection) outside a range is ignored there.
	AreaRanges [][2]float64
	// AreaLabels name the ranges; summarize looks up "all", "small",
	// "medium" and "large".
	AreaLabels []string
}

// DefaultParams returns pycocotools' Params(iouType="bbox").
func DefaultParams() Params {
	return Params{
		// int(np.round((0.95 - .5) / .05)) + 1 == 10 and
		// int(np.round((1.00 - .0) / .01)) + 1 == 101.
		IoUThrs:    linspace(.5, 0.95, 10),
		RecThrs:    linspace(.0, 1.00, 101),
		MaxDets:    []int{1, 10, 100},
		AreaRanges: [][2]float64{{0, 1e10}, {0, 32 * 32}, {32 * 32, 96 * 96}, {96 * 96, 1e10}},
		AreaLabels: []string{"all", "small", "medium", "large"},
	}
}

// linspace reproduces numpy.linspace(start, stop, num, endpoint=True) bit for
// bit: i*step + start with step = (stop-start)/(num-1), the last value set to
// stop. The explicit conversion stops Go from fusing the multiply-add, which
// numpy does not do either.
func linspace(start, stop float64, num int) []float64 {
	out := make([]float64, num)
	if num == 1 {
		out[0] = start
		return out
	}
	step := (stop - start) / float64(num-1)
	for i := range out {
		out[i] = float64(float64(i)*step) + start
	}
	out[num-1] = stop
	return out
}

func (p Params) validate() error {
	if len(p.IoUThrs) == 0 || len(p.RecThrs) == 0 || len(p.MaxDets) == 0 || len(p.AreaRanges) == 0 {
		return fmt.Errorf("cocoeval: params need at least one IoU threshold, recall threshold, maxDets and area range")
	}
	if len(p.AreaLabels) != len(p.AreaRanges) {
		return fmt.Errorf("cocoeval: %d area labels for %d area ranges", len(p.AreaLabels), len(p.AreaRanges))
	}
	for i := 1; i < len(p.RecThrs); i++ {
		if p.RecThrs[i] < p.RecThrs[i-1] {
			return fmt.Errorf("cocoeval: recall thresholds must be ascending")
		}
	}
	for _, m := range p.MaxDets {
		if m < 1 {
			return fmt.Errorf("cocoeval: maxDets %d must be >= 1", m)
		}
	}
	return nil
}
