package quant

import (
	"math"
	"math/rand"
	"testing"
)

func TestObserverMinMax(t *testing.T) {
	o := NewObserver()
	o.Observe([]float32{0.5, -1, 3})
	o.Observe([]float32{2})
	if o.Min != -1 || o.Max != 3 {
		t.Fatalf("range [%g, %g]", o.Min, o.Max)
	}
	p, err := o.Params(RuleMinMax)
	if err != nil || p.Zero != -64 || math.Abs(float64(p.Scale)-4.0/255) > 1e-7 {
		t.Errorf("minmax params %+v %v", p, err)
	}
	if _, err := NewObserver().Params(RuleMinMax); err == nil {
		t.Error("empty observer gave params")
	}
}

// One huge outlier among Gaussian values: percentile and MSE clip it and
// quantize the bulk with far less error than min/max does.
func TestObserverRulesClipOutliers(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	x := make([]float32, 100000)
	for i := range x {
		x[i] = float32(math.Abs(rng.NormFloat64()))
	}
	x[500] = 1000
	o := NewObserver()
	o.Observe(x)
	bulk := x[1000:]
	errs := map[Rule]float64{}
	for _, r := range []Rule{RuleMinMax, RulePercentile, RuleMSE} {
		p, err := o.Params(r)
		if err != nil {
			t.Fatal(err)
		}
		errs[r] = QuantError(bulk, p)
	}
	if errs[RulePercentile] > errs[RuleMinMax]/100 || errs[RuleMSE] > errs[RuleMinMax]/4 {
		t.Errorf("bulk errors %v: clipping rules should beat min/max", errs)
	}
	if _, err := ParseRule("median"); err == nil {
		t.Error("unknown rule accepted")
	}
}

func TestSQNR(t *testing.T) {
	if got := SQNR([]float32{3, 4}, []float32{3, 4}); !math.IsInf(got, 1) {
		t.Errorf("equal SQNR = %g", got)
	}
	// signal 25, noise 0.25: 20 dB.
	if got := SQNR([]float32{3, 4}, []float32{3.5, 4}); math.Abs(got-20) > 1e-9 {
		t.Errorf("SQNR = %g, want 20", got)
	}
}
