package train

import (
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/dataset"
)

func tinyConfig() net.Config {
	return net.Config{Backbone: "custom", Block: "basic", Layers: [4]int{1, 1, 1, 1}, StemWidth: 4,
		Widths: [4]int{4, 4, 6, 8}, FPNWidth: 4, HeadConvs: 1, NumClasses: 2,
		AnchorSizes: net.DefaultAnchorSizes(), AspectRatios: net.DefaultAspectRatios(), MinSize: 64, MaxSize: 64,
		ImageMean: net.ImageNetMean, ImageStd: net.ImageNetStd}
}

func tinyNetwork(t *testing.T, cfg net.Config, opts Options) *Network {
	t.Helper()
	w, err := net.InitialWeights(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	n, err := NewNetwork(cfg, w, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.Close)
	return n
}

// TestParamsFreezeBackbone checks which tensors are trainable for every
// FreezeBackbone value (torchvision's trainable_layers = 4 - N), that they
// come in state_dict order, and that batch norms never are.
func TestParamsFreezeBackbone(t *testing.T) {
	cfg := tinyConfig()
	specs, _ := cfg.Params()
	for freeze := -1; freeze <= 4; freeze++ {
		opts := DefaultOptions()
		opts.FreezeBackbone = freeze
		n := tinyNetwork(t, cfg, opts)
		var want []string
		for _, s := range specs {
			name := s.Name
			frozen := false
			if rest, ok := strings.CutPrefix(name, "backbone.body."); ok {
				frozen = strings.HasPrefix(rest, "conv1") && freeze >= 0
				for k := 1; k <= freeze; k++ {
					frozen = frozen || strings.HasPrefix(rest, "layer"+string(rune('0'+k)))
				}
				// Batch norms are FrozenBatchNorm2d: never trained.
				frozen = frozen || strings.Contains(rest, "bn") || strings.Contains(rest, "downsample.1")
			}
			if !frozen {
				want = append(want, name)
			}
		}
		var got []string
		for _, p := range n.Params() {
			got = append(got, p.Name)
			if !p.Decay {
				t.Errorf("%s: Decay false, torchvision's recipe decays every parameter", p.Name)
			}
			if len(p.Grad) != len(p.Data) {
				t.Errorf("%s: %d gradient values for %d", p.Name, len(p.Grad), len(p.Data))
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("freeze %d: trainable\n%v\nwant\n%v", freeze, got, want)
		}
	}
}

// TestFrozenStagesGetNoGradient checks that a frozen backbone leaves the
// trainable parameters' gradients unchanged (they do not depend on
// freezing) and computes nothing for the frozen ones.
func TestFrozenStagesGetNoGradient(t *testing.T) {
	g := readGoldenCase(t, "basic_v1_l1")
	grads := map[int]map[string][]float32{}
	for _, freeze := range []int{-1, 2} {
		opts := DefaultOptions()
		opts.FreezeBackbone, opts.BoxLoss = freeze, g.boxLoss
		n, err := NewNetwork(g.cfg, g.weights, opts)
		if err != nil {
			t.Fatal(err)
		}
		defer n.Close()
		if _, err := n.Step(&g.batch); err != nil {
			t.Fatal(err)
		}
		grads[freeze] = map[string][]float32{}
		for _, p := range n.Params() {
			grads[freeze][p.Name] = p.Grad
		}
	}
	if len(grads[2]) >= len(grads[-1]) {
		t.Fatalf("freezing layer1..2 left %d of %d parameters trainable", len(grads[2]), len(grads[-1]))
	}
	for name, got := range grads[2] {
		want := grads[-1][name]
		for i := range want {
			if math.Abs(float64(got[i]-want[i])) > 1e-6*(1+math.Abs(float64(want[i]))) {
				t.Fatalf("%s: gradient %g with the backbone partly frozen, %g without", name, got[i], want[i])
			}
		}
	}
}

// TestWeightsRoundTrip checks that Weights returns the whole state_dict,
// that it reflects parameter updates, and that the inference model loads it.
func TestWeightsRoundTrip(t *testing.T) {
	g := readGoldenCase(t, "bottleneck_v2_giou")
	n, err := NewNetwork(g.cfg, g.weights, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	w := n.Weights()
	if len(w) != len(g.weights) {
		t.Fatalf("Weights has %d tensors, want %d", len(w), len(g.weights))
	}
	for name, p := range g.weights {
		if !slices.Equal(w[name].Data, p.Data) || !slices.Equal(w[name].Shape, p.Shape) {
			t.Fatalf("%s differs from the loaded tensor", name)
		}
	}
	p := n.Params()[len(n.Params())-1]
	p.Data[0] += 1
	if got := n.Weights()[p.Name].Data[0]; got != g.weights[p.Name].Data[0]+1 {
		t.Fatalf("Weights does not reflect an update of %s: %g", p.Name, got)
	}
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := net.WriteModelFile(path, g.cfg, n.Weights()); err != nil {
		t.Fatal(err)
	}
	m, err := net.LoadModelFile(path, 1)
	if err != nil {
		t.Fatal(err)
	}
	m.Close()
}

// TestUpdatedWeightsAreUsed checks that Step reads parameters changed in
// place since the last step (the batch norm folding is refreshed), and
// checks the whole network's gradient along its own direction: a step of
// length h against it lowers the loss by h*|g| to first order.
func TestUpdatedWeightsAreUsed(t *testing.T) {
	g := readGoldenCase(t, "basic_v1_l1")
	opts := DefaultOptions()
	opts.FreezeBackbone = -1
	n, err := NewNetwork(g.cfg, g.weights, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	before, err := n.Step(&g.batch)
	if err != nil {
		t.Fatal(err)
	}
	checkFirstOrderDecrease(t, n, &g.batch, before)
}

// checkFirstOrderDecrease steps n's weights a little against the gradient
// of the step that gave before and checks that b's loss falls by what the
// gradient's norm predicts (a finite difference along the gradient).
func checkFirstOrderDecrease(t *testing.T, n *Network, b *Batch, before Loss) {
	t.Helper()
	var norm float64
	for _, p := range n.Params() {
		for _, v := range p.Grad {
			norm += float64(v) * float64(v)
		}
	}
	norm = math.Sqrt(norm)
	const h = 5e-4
	for _, p := range n.Params() {
		for i := range p.Data {
			p.Data[i] -= float32(h * float64(p.Grad[i]) / norm)
		}
	}
	n.ZeroGrad()
	after, err := n.Step(b)
	if err != nil {
		t.Fatal(err)
	}
	got, want := before.Total-after.Total, h*norm
	t.Logf("loss %g -> %g: decrease %g, predicted %g", before.Total, after.Total, got, want)
	if !(math.Abs(got-want) <= 0.05*want) {
		t.Fatalf("a step of %g against the gradient lowered the loss by %g, first order predicts %g", h, got, want)
	}
}

// TestStepAllocatesNothing checks the steady state: a second step of the
// same batch shape allocates nothing.
func TestStepAllocatesNothing(t *testing.T) {
	g := readGoldenCase(t, "bottleneck_v2_giou")
	for _, threads := range []int{1, 2} {
		opts := DefaultOptions()
		opts.Threads, opts.BoxLoss = threads, g.boxLoss
		n, err := NewNetwork(g.cfg, g.weights, opts)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := n.Step(&g.batch); err != nil {
			t.Fatal(err)
		}
		if a := testing.AllocsPerRun(3, func() { n.Step(&g.batch) }); a != 0 {
			t.Errorf("%d threads: %g allocations per step", threads, a)
		}
		n.Close()
	}
}

// TestLossNoTargets checks an image without ground truth: every anchor is
// background, the box loss is zero and the class loss is the focal loss of
// every logit against 0, divided by 1.
func TestLossNoTargets(t *testing.T) {
	n := tinyNetwork(t, tinyConfig(), DefaultOptions())
	b := benchBatch(1, 64, 64, 2)
	b.Targets[0] = nil
	loss, err := n.Step(b)
	if err != nil {
		t.Fatal(err)
	}
	var want float64
	p := n.plan
	for l := range net.NumLevels {
		for _, x := range p.cls[l].out.v {
			v, _ := focalLoss(float64(x), false, 0.25, 2)
			want += v
		}
	}
	if loss.Box != 0 || loss.Foreground != 0 || math.Abs(loss.Class-want) > 1e-9*want {
		t.Fatalf("loss %+v, want class %g, no box loss, no foreground", loss, want)
	}
}

// TestBadInput checks the errors for bad options, weights and batches.
func TestBadInput(t *testing.T) {
	cfg := tinyConfig()
	w, _ := net.InitialWeights(cfg, 1)
	for _, tc := range []struct {
		opts Options
		want string
	}{
		{Options{FreezeBackbone: 5}, "freeze-backbone 5"},
		{Options{FreezeBackbone: -2}, "freeze-backbone -2"},
		{Options{FocalGamma: -1}, "gamma"},
		{Options{BoxLoss: "l2"}, `box loss "l2"`},
		{Options{BoxLoss: BoxLossSmoothL1, SmoothL1Beta: -1}, "beta"},
	} {
		if _, err := NewNetwork(cfg, w, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("options %+v: error %v, want one mentioning %q", tc.opts, err, tc.want)
		}
	}
	missing := map[string]net.Param{}
	for k, v := range w {
		if k != "backbone.fpn.extra_blocks.p7.bias" {
			missing[k] = v
		}
	}
	if _, err := NewNetwork(cfg, missing, DefaultOptions()); err == nil || !strings.Contains(err.Error(), "missing tensor backbone.fpn.extra_blocks.p7.bias") {
		t.Errorf("missing tensor: %v", err)
	}
	bad := map[string]net.Param{}
	for k, v := range w {
		bad[k] = v
	}
	bad["head.regression_head.bbox_reg.bias"] = net.Param{Shape: []int{3}, Data: make([]float32, 3)}
	if _, err := NewNetwork(cfg, bad, DefaultOptions()); err == nil || !strings.Contains(err.Error(), "bbox_reg.bias has shape [3]") {
		t.Errorf("wrong shape: %v", err)
	}
	bad["head.regression_head.bbox_reg.bias"] = w["head.regression_head.bbox_reg.bias"]
	bad["extra.weight"] = net.Param{Shape: []int{1}, Data: []float32{0}}
	if _, err := NewNetwork(cfg, bad, DefaultOptions()); err == nil || !strings.Contains(err.Error(), "unexpected tensor extra.weight") {
		t.Errorf("extra tensor: %v", err)
	}

	n := tinyNetwork(t, cfg, DefaultOptions())
	for _, tc := range []struct {
		edit func(*Batch)
		want string
	}{
		{func(b *Batch) { b.Images = b.Images[1:] }, "image values"},
		{func(b *Batch) { b.Targets = b.Targets[:1] }, "target lists"},
		{func(b *Batch) { b.H, b.Images = 16, b.Images[:2*3*16*64] }, "smaller than 32x32"},
		{func(b *Batch) { b.Targets[1][0].Class = 2 }, "class 2 outside 0..1"},
		{func(b *Batch) { b.Targets[0][1].Box = [4]float32{10, 10, 10, 20} }, "no positive width"},
		{func(b *Batch) { b.ImageSizes = b.ImageSizes[:1] }, "image sizes"},
		{func(b *Batch) { b.N = 0 }, "empty"},
		{func(b *Batch) { b.N, b.H, b.W = 64, 1024, 1024 }, "too large"},
	} {
		b := benchBatch(2, 64, 64, 2)
		tc.edit(b)
		if _, err := n.Step(b); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("batch error %v, want one mentioning %q", err, tc.want)
		}
	}
	b := benchBatch(2, 64, 64, 2)
	b.Images[5] = float32(math.NaN())
	if _, err := n.Step(b); err == nil || !strings.Contains(err.Error(), "not finite") {
		t.Errorf("NaN input: error %v, want a non-finite loss", err)
	}
}

// TestTargetsFromObjects checks that crowd objects are dropped.
func TestTargetsFromObjects(t *testing.T) {
	objs := []dataset.Object{
		{Box: [4]float32{1, 2, 3, 4}, Class: 1},
		{Box: [4]float32{5, 6, 7, 8}, Class: 0, Crowd: true},
		{Box: [4]float32{2, 2, 9, 9}, Class: 2},
	}
	got := TargetsFromObjects(nil, objs)
	want := []Target{{Box: [4]float32{1, 2, 3, 4}, Class: 1}, {Box: [4]float32{2, 2, 9, 9}, Class: 2}}
	if !slices.Equal(got, want) {
		t.Fatalf("targets %v, want %v", got, want)
	}
}

// TestWorkersAgree checks that splitting a batch of three over two workers
// (one image and two) gives the single-thread losses and gradients.
func TestWorkersAgree(t *testing.T) {
	cfg := tinyConfig()
	cfg.HeadGroupNorm, cfg.FPNWidth = true, 32
	b := benchBatch(3, 64, 96, 2)
	var ref []*Param
	var refLoss Loss
	for _, threads := range []int{1, 2} {
		opts := DefaultOptions()
		opts.Threads, opts.FreezeBackbone, opts.BoxLoss = threads, -1, BoxLossGIoU
		n := tinyNetwork(t, cfg, opts)
		loss, err := n.Step(b)
		if err != nil {
			t.Fatal(err)
		}
		if threads == 1 {
			ref, refLoss = n.Params(), loss
			if loss.Foreground == 0 {
				t.Fatal("no foreground anchors: the box loss is not exercised")
			}
			continue
		}
		if loss.Foreground != refLoss.Foreground || math.Abs(loss.Total-refLoss.Total) > 1e-6*refLoss.Total {
			t.Fatalf("2 workers: loss %+v, 1 thread %+v", loss, refLoss)
		}
		for i, p := range n.Params() {
			if slices.Equal(p.Grad, ref[i].Grad) {
				continue // exact (all-zero for P7 here: GroupNorm of one value per group)
			}
			compareGrad(t, p.Name, p.Grad, ref[i].Grad, 1)
		}
	}
}
