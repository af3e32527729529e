package quant

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/retina-edge/retina/net"
)

func TestCalibratorBestRule(t *testing.T) {
	cfg, weights, err := net.ReadModelFile("../testdata/golden/basic_v1.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewCalibrator(cfg, weights, 1)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(11))
	img := func() Image {
		x := Image{H: 64, W: 64, Data: make([]float32, 3*64*64)}
		for i := range x.Data {
			x.Data[i] = float32(rng.NormFloat64())
		}
		return x
	}
	if _, _, err := c.Quantize(RuleBest); err == nil {
		t.Error("quantized without calibration images")
	}
	if err := c.Add(Image{H: 2, W: 2, Data: make([]float32, 5)}); err == nil || !strings.Contains(err.Error(), "3 x 2 x 2") {
		t.Errorf("bad image: %v", err)
	}
	for range 3 {
		if err := c.Add(img()); err != nil {
			t.Fatal(err)
		}
	}
	_, minmax, err := c.Quantize(RuleMinMax)
	if err != nil {
		t.Fatal(err)
	}
	m, best, err := c.Quantize(RuleBest)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if len(best) != len(minmax) || len(best) < 10 {
		t.Fatalf("%d and %d report lines", len(best), len(minmax))
	}
	rules := map[Rule]int{}
	for _, l := range best {
		rules[l.Rule]++
	}
	t.Logf("rules kept: %v", rules)
	// Rule best keeps the whole model whose weaker output is best.
	if len(c.Candidates) != 4 {
		t.Fatalf("%d candidates, want 4", len(c.Candidates))
	}
	var kept *Candidate
	for i, cd := range c.Candidates {
		t.Logf("%s: class %.1f dB, box %.1f dB, kept %v", cd.Name, cd.ClassDB, cd.BoxDB, cd.Kept)
		if cd.Kept {
			if kept != nil {
				t.Fatal("two candidates kept")
			}
			kept = &c.Candidates[i]
		}
	}
	if kept == nil {
		t.Fatal("no candidate kept")
	}
	for _, cd := range c.Candidates {
		if min(cd.ClassDB, cd.BoxDB) > min(kept.ClassDB, kept.BoxDB) {
			t.Errorf("kept %s (%.1f / %.1f dB) over the better %s (%.1f / %.1f dB)", kept.Name, kept.ClassDB, kept.BoxDB, cd.Name, cd.ClassDB, cd.BoxDB)
		}
	}
	if kept.Name == string(RuleMinMax) {
		for i, l := range best {
			if l.Rule != RuleMinMax || l.SQNR != minmax[i].SQNR {
				t.Errorf("%s: minmax kept, but the report says %s at %.1f dB", l.Key, l.Rule, l.SQNR)
			}
		}
	}
	cls, _ := compareHeads(t, c, m, img())
	for lv, db := range cls {
		t.Logf("level %d class logits %.1f dB", lv, db)
		if db < 12 { // measured 14-30 dB on this random-weight model
			t.Errorf("level %d class logits %.1f dB", lv, db)
		}
	}
}
