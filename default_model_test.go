package retina

import "testing"

// The embedded model is the documented edge net for the five synth shapes
// (run at 448, the input size scripts/train-default.sh chose)
// and within the 8 MB budget.
func TestDefaultModelWeights(t *testing.T) {
	if len(defaultModel) > 8<<20 {
		t.Fatalf("embedded model is %d bytes, over the 8 MB budget", len(defaultModel))
	}
	cfg, weights, err := DefaultModelWeights()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"circle", "square", "triangle", "star", "cross"}
	if cfg.NumClasses != len(want) || len(cfg.Labels) != len(want) {
		t.Fatalf("%d classes %v, want %v", cfg.NumClasses, cfg.Labels, want)
	}
	for i, l := range want {
		if cfg.Labels[i] != l {
			t.Fatalf("labels %v, want %v", cfg.Labels, want)
		}
	}
	if cfg.MinSize != 448 || cfg.MaxSize != 448 || !cfg.HeadGroupNorm || cfg.FPNWidth != 64 {
		t.Fatalf("not the edge configuration at 448: %+v", cfg)
	}
	if _, ok := weights["head.classification_head.cls_logits.weight"]; !ok {
		t.Fatal("no class logits among the weights")
	}
}
