package quant

import (
	"fmt"
	"maps"
	"math"
	"math/rand"
	"slices"
	"testing"
	"time"

	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net"
)

// TestBackboneWinogradMatchesIm2col runs the backbone and the FPN with
// every 3x3 same conv as a Winograd conv (on a tier that has them; the
// table picks none of these narrow models' convs) and again as im2col
// GEMMs: C2..C5, the pyramid and the heads' outputs agree bit for bit, on
// a basic and a bottleneck model, at a size whose maps end in partial
// tiles.
func TestBackboneWinogradMatchesIm2col(t *testing.T) {
	_, m1 := spreadModel(t)
	_, m2 := calibratedGolden(t, "../testdata/golden/bottleneck_v2.safetensors", RuleMinMax, 2, 128, 160)
	for _, m := range []*Model{m1, m2} {
		if !m.engine.Int8Impl().Wino8Fast() {
			t.Skipf("int8 tier %s has no Winograd convs", m.engine.Int8Impl().Name)
		}
		var wino []*Conv
		for _, c := range m.bodyConvs() {
			c.transformWinograd()
			if c.wino != nil {
				wino = append(wino, c)
			}
		}
		if len(wino) < 4 {
			t.Fatalf("%s: only %d Winograd convs in the backbone and FPN", m.cfg.Backbone, len(wino))
		}
		img := randomImage(rand.New(rand.NewSource(7)), 100, 150)
		type pass struct {
			maps   [][]int8 // C2..C5, then the pyramid
			levels []uint32 // the heads' outputs' bits
		}
		run := func() (out pass) {
			levels := headsCopy(t, m, img.H, img.W, img.Data)
			for _, s := range m.plan.stages {
				out.maps = append(out.maps, slices.Clone(s.data))
			}
			out.maps = append(out.maps, slices.Clone(m.plan.pyramid))
			for _, l := range levels {
				for _, v := range append(l.Logits, l.Deltas...) {
					out.levels = append(out.levels, math.Float32bits(v))
				}
			}
			return out
		}
		w := run()
		for _, c := range wino {
			c.wino = nil
		}
		d := run()
		for i := range w.maps {
			if !slices.Equal(w.maps[i], d.maps[i]) {
				t.Fatalf("%s: map %d (C2..C5, the pyramid) differs between the Winograd and the im2col convs", m.cfg.Backbone, i)
			}
		}
		if !slices.Equal(w.levels, d.levels) {
			t.Fatalf("%s: the heads' outputs differ between the Winograd and the im2col backbone", m.cfg.Backbone)
		}
	}
}

// TestResNet18WinogradMatchesIm2col is TestBackboneWinogradMatchesIm2col
// on a fresh ResNet-18 RetinaNet with the table's own choice (64..256
// channels) at a size whose maps end in partial tiles.
func TestResNet18WinogradMatchesIm2col(t *testing.T) {
	if testing.Short() {
		t.Skip("calibrates a ResNet-18")
	}
	cfg, _ := net.ResNetConfig("resnet18", 80)
	weights, err := net.InitialWeights(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewCalibrator(cfg, weights, 2)
	if err != nil {
		t.Fatal(err)
	}
	img := randomImage(rand.New(rand.NewSource(3)), 96, 160)
	if err := c.Add(img); err != nil {
		t.Fatal(err)
	}
	m, _, err := c.Quantize(RuleMinMax)
	if err != nil {
		c.Close()
		t.Fatal(err)
	}
	defer m.Close()
	if !m.engine.Int8Impl().Wino8Fast() {
		t.Skipf("int8 tier %s has no Winograd convs", m.engine.Int8Impl().Name)
	}
	var wino []*Conv
	for _, c := range m.bodyConvs() {
		if c.wino != nil {
			wino = append(wino, c)
		}
	}
	if len(wino) != 12 {
		t.Fatalf("%d Winograd convs in ResNet-18's backbone and FPN, want 12 (the table's)", len(wino))
	}
	run := func() [][]int8 {
		headsCopy(t, m, img.H, img.W, img.Data)
		var maps [][]int8
		for _, s := range m.plan.stages {
			maps = append(maps, slices.Clone(s.data))
		}
		return append(maps, slices.Clone(m.plan.pyramid))
	}
	w := run()
	for _, c := range wino {
		c.wino = nil
	}
	d := run()
	for i := range w {
		if !slices.Equal(w[i], d[i]) {
			t.Fatalf("map %d (C2..C5, the pyramid) differs between the Winograd and the im2col convs", i)
		}
	}
}

// bodyConvs lists the backbone's and the FPN's convs.
func (m *Model) bodyConvs() []*Conv {
	out := []*Conv{m.stem}
	for _, blocks := range m.stages {
		for _, b := range blocks {
			out = append(out, b.convs...)
			if b.down != nil {
				out = append(out, b.down)
			}
		}
	}
	out = append(out, m.inner[:]...)
	out = append(out, m.layer[:]...)
	return append(out, m.p6, m.p7)
}

// TestWinogradChoices checks the table on ResNet-18: layer1's and layer2's
// 3x3 same convs and the FPN's P3 output conv are Winograd convs; the
// stem, the strided and 1x1 convs, layer3, layer4, P4 and P5 are not.
func TestWinogradChoices(t *testing.T) {
	cfg, _ := net.ResNetConfig("resnet18", 80)
	a, err := newArch(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range a.Convs() {
		if winogradAt(s) {
			got = append(got, s.Name)
		}
	}
	want := []string{"layer1.0.conv1", "layer1.0.conv2", "layer1.1.conv1", "layer1.1.conv2", "layer2.0.conv2", "layer2.1.conv1", "layer2.1.conv2",
		"layer3.0.conv2", "layer3.1.conv1", "layer3.1.conv2"}
	for i, n := range want {
		want[i] = "backbone.body." + n
	}
	want = append(want, a.Layer[0].Name, a.Layer[1].Name)
	if !slices.Equal(got, want) {
		t.Errorf("Winograd convs of ResNet-18:\n%v, want\n%v", got, want)
	}
}

// BenchmarkWinogradPlaces times ResNet-18's backbone + FPN at 320 (one
// thread) with the 3x3 same convs of one place at a time as Winograd
// convs (layerN: a backbone stage's, PN: an FPN output conv), the rest
// im2col, alternating with none in one process: min-ms of each against
// none's is what the table in winograd_choice.go was chosen by (a gain
// in isolation need not survive each conv's weights coming from memory).
func BenchmarkWinogradPlaces(b *testing.B) {
	m, _ := calibratedResNet18(b, 1)
	places := map[string][]*Conv{}
	add := func(name string, c *Conv) {
		if c.transformWinograd(); c.wino != nil {
			places[name] = append(places[name], c)
		}
	}
	for s, blocks := range m.stages {
		for _, blk := range blocks {
			for _, c := range blk.convs {
				add(fmt.Sprintf("layer%d", s+1), c)
			}
		}
	}
	for i, c := range m.layer {
		add(fmt.Sprintf("P%d", i+3), c)
	}
	names := slices.Sorted(maps.Keys(places))
	names = append([]string{"none"}, names...)
	all := m.bodyConvs()
	saved := make([]*kernels.Wino8, len(all))
	for i, c := range all {
		saved[i] = c.wino
	}
	best := make([]time.Duration, len(names))
	for i := range best {
		best[i] = time.Duration(math.MaxInt64)
	}
	p := m.plan
	b.ResetTimer()
	for it := range b.N * len(names) {
		k := it % len(names)
		for _, c := range all {
			c.wino = nil
		}
		for i, c := range all {
			if slices.Contains(places[names[k]], c) {
				c.wino = saved[i]
			}
		}
		t0 := time.Now()
		m.backbone(p)
		m.fpn(p)
		best[k] = min(best[k], time.Since(t0))
	}
	for i, n := range names {
		b.ReportMetric(float64(best[i].Microseconds())/1e3, n+"-min-ms")
	}
	for i, c := range all {
		c.wino = saved[i]
	}
}
