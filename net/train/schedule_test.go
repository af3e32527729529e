package train

import (
	"math"
	"testing"
)

func checkSchedule(t *testing.T, s Schedule, run scheduleRun) {
	t.Helper()
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	if len(run.LRs) != run.Epochs*run.Iters {
		t.Fatalf("fixture has %d rates for %d x %d iterations", len(run.LRs), run.Epochs, run.Iters)
	}
	for it, want := range run.LRs {
		got := s.LR(it, it/run.Iters)
		if math.Abs(got-want) > 1e-12+1e-9*want {
			t.Errorf("%s iteration %d: lr %.12g, torch %.12g", s.Kind, it, got, want)
		}
	}
}

func TestStepScheduleMatchesTorch(t *testing.T) {
	run := loadOptimFixture(t).Step
	checkSchedule(t, Schedule{Kind: ScheduleStep, Base: run.BaseLR, WarmupIters: run.Warmup, WarmupFactor: 0.001,
		Milestones: []int{2, 3}, Gamma: 0.1}, run)
}

func TestCosineScheduleMatchesTorch(t *testing.T) {
	run := loadOptimFixture(t).Cosine
	checkSchedule(t, Schedule{Kind: ScheduleCosine, Base: run.BaseLR, WarmupIters: run.Warmup, WarmupFactor: 0.001,
		TotalIters: run.Epochs * run.Iters}, run)
}

func TestConstantSchedule(t *testing.T) {
	s := Schedule{Kind: ScheduleConstant, Base: 0.5, WarmupIters: 4, WarmupFactor: 0.5}
	want := []float64{0.25, 0.3125, 0.375, 0.4375, 0.5, 0.5}
	for it, w := range want {
		if got := s.LR(it, 0); math.Abs(got-w) > 1e-15 {
			t.Errorf("iteration %d: %v, want %v", it, got, w)
		}
	}
}

func TestScheduleErrors(t *testing.T) {
	for _, s := range []Schedule{
		{Kind: ScheduleConstant, Base: 0},
		{Kind: ScheduleConstant, Base: math.Inf(1)},
		{Kind: "poly", Base: 1},
		{Kind: ScheduleConstant, Base: 1, WarmupIters: 3, WarmupFactor: 0},
		{Kind: ScheduleStep, Base: 1, Gamma: 0.1, Milestones: []int{3, 2}},
		{Kind: ScheduleStep, Base: 1, Gamma: 0},
		{Kind: ScheduleCosine, Base: 1},
	} {
		if err := s.Check(); err == nil {
			t.Errorf("%+v accepted", s)
		}
	}
}
