package train

import (
	"fmt"
	"math"
	"slices"
)

// Schedule kinds, the values of Schedule.Kind.
const (
	ScheduleConstant = "constant"
	ScheduleStep     = "step"   // torch's MultiStepLR, stepped once per epoch
	ScheduleCosine   = "cosine" // torch's CosineAnnealingLR, stepped every iteration
)

// Schedule gives the learning rate of every iteration in closed form, so a
// resumed run needs only the iteration and epoch to continue exactly.
//
// The rate is Base x warm-up factor x main factor, which is what torch's
// chained schedulers give when, as in torchvision's detection reference,
// LinearLR(start_factor=WarmupFactor, total_iters=WarmupIters) steps every
// iteration and the main scheduler beside it:
//   - warm-up: WarmupFactor + (1-WarmupFactor) * min(it, WarmupIters)/WarmupIters,
//     per iteration (it counts from 0 over the whole run);
//   - step: Gamma^(number of Milestones <= epoch), per epoch (MultiStepLR
//     stepped at the end of each epoch);
//   - cosine: (1 + cos(pi * it/TotalIters)) / 2 scaled between MinLR and Base,
//     per iteration (CosineAnnealingLR with T_max = TotalIters, eta_min = MinLR);
//   - constant: 1.
type Schedule struct {
	Kind         string  `json:"kind"`
	Base         float64 `json:"base"`
	WarmupIters  int     `json:"warmup_iters"`
	WarmupFactor float64 `json:"warmup_factor"`
	Milestones   []int   `json:"milestones,omitempty"` // epochs (0-based) from which the rate is multiplied by Gamma once more
	Gamma        float64 `json:"gamma,omitempty"`
	TotalIters   int     `json:"total_iters,omitempty"` // cosine's T_max
	MinLR        float64 `json:"min_lr,omitempty"`      // cosine's eta_min
}

// Check reports a schedule that cannot be followed.
func (s Schedule) Check() error {
	if !(s.Base > 0) || math.IsInf(s.Base, 0) {
		return fmt.Errorf("train: learning rate %g must be positive and finite", s.Base)
	}
	if s.WarmupIters < 0 {
		return fmt.Errorf("train: warm-up of %d iterations is negative", s.WarmupIters)
	}
	if s.WarmupIters > 0 && !(s.WarmupFactor > 0 && s.WarmupFactor <= 1) {
		return fmt.Errorf("train: warm-up factor %g must be in (0, 1]", s.WarmupFactor)
	}
	switch s.Kind {
	case ScheduleConstant:
	case ScheduleStep:
		if !(s.Gamma > 0 && s.Gamma <= 1) {
			return fmt.Errorf("train: step schedule gamma %g must be in (0, 1]", s.Gamma)
		}
		if !slices.IsSorted(s.Milestones) || (len(s.Milestones) > 0 && s.Milestones[0] < 1) {
			return fmt.Errorf("train: step schedule milestones %v must be ascending epochs >= 1", s.Milestones)
		}
	case ScheduleCosine:
		if s.TotalIters < 1 {
			return fmt.Errorf("train: cosine schedule needs the total number of iterations (got %d)", s.TotalIters)
		}
		if !(s.MinLR >= 0 && s.MinLR <= s.Base) {
			return fmt.Errorf("train: cosine schedule minimum %g must be in [0, %g]", s.MinLR, s.Base)
		}
	default:
		return fmt.Errorf("train: schedule %q unknown: want constant, step or cosine", s.Kind)
	}
	return nil
}

// LR is the learning rate of iteration it (0-based, counted over the whole
// run), which falls in epoch (0-based).
func (s Schedule) LR(it, epoch int) float64 {
	lr := s.Base
	switch s.Kind {
	case ScheduleStep:
		for _, m := range s.Milestones {
			if epoch >= m {
				lr *= s.Gamma
			}
		}
	case ScheduleCosine:
		t := min(it, s.TotalIters)
		lr = s.MinLR + (s.Base-s.MinLR)*(1+math.Cos(math.Pi*float64(t)/float64(s.TotalIters)))/2
	}
	if s.WarmupIters > 0 && it < s.WarmupIters {
		lr *= s.WarmupFactor + (1-s.WarmupFactor)*float64(it)/float64(s.WarmupIters)
	}
	return lr
}
