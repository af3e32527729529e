package net

import (
	"fmt"
	"math/rand"
	"sync"
	"testing"
)

// forwardCopy runs Forward and copies its outputs out of the model's buffers.
func forwardCopy(t *testing.T, m *Model, h, w int, in []float32) [][2][]float32 {
	t.Helper()
	outs, err := m.Forward(1, h, w, in)
	if err != nil {
		t.Fatal(err)
	}
	var c [][2][]float32
	for _, o := range outs {
		c = append(c, [2][]float32{append([]float32(nil), o.ClassLogits.Data...), append([]float32(nil), o.BoxDeltas.Data...)})
	}
	return c
}

func sameOutputs(t *testing.T, what string, got []HeadOutput, want [][2][]float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d levels, want %d", what, len(got), len(want))
	}
	for l, o := range got {
		for k, d := range [2][]float32{o.ClassLogits.Data, o.BoxDeltas.Data} {
			if len(d) != len(want[l][k]) {
				t.Fatalf("%s: P%d output %d has %d values, want %d", what, l+3, k, len(d), len(want[l][k]))
			}
			for i, v := range d {
				if v != want[l][k][i] {
					t.Fatalf("%s: P%d output %d differs at %d: %g, Forward %g", what, l+3, k, i, v, want[l][k][i])
				}
			}
		}
	}
}

func stagesConfigs() map[string]Config {
	gn := tinyConfig()
	gn.HeadGroupNorm, gn.FPNWidth, gn.P6FromC5 = true, 32, true
	return map[string]Config{"plain": tinyConfig(), "groupnorm": gn}
}

// Backbone then Heads gives Forward's outputs bit for bit, with the heads
// on the model's engine or on their own with fewer or more threads than the
// model's two (more once panicked: the heads' transform rows were planned
// for the model's threads), across a change of input size.
func TestStagesMatchForward(t *testing.T) {
	for name, cfg := range stagesConfigs() {
		for _, headThreads := range []int{0, 1, 3} {
			testStagesMatchForward(t, name, cfg, headThreads)
		}
	}
}

func testStagesMatchForward(t *testing.T, name string, cfg Config, headThreads int) {
	m, err := NewInitializedModel(cfg, 5, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	s := m.NewStages(headThreads)
	defer s.Close()
	var pyr Pyramid
	var hb HeadBuffers
	for _, sz := range [][2]int{{70, 45}, {33, 31}, {70, 45}} {
		in := randomInput(3 * sz[0] * sz[1])
		if err := s.Backbone(sz[0], sz[1], in, &pyr); err != nil {
			t.Fatal(err)
		}
		got, err := s.Heads(&pyr, &hb)
		if err != nil {
			t.Fatal(err)
		}
		sameOutputs(t, fmt.Sprintf("%s, head threads %d", name, headThreads), got, forwardCopy(t, m, sz[0], sz[1], in))
	}
}

// The two stages run at once on consecutive frames (two pyramids, two head
// buffers, one goroutine per stage, as a pipeline uses them), including a
// frame of a new size while one of the old size is still in the heads.
// Run with -race to check that the stages share no memory they write.
func TestStagesOverlap(t *testing.T) {
	cfg := stagesConfigs()["groupnorm"]
	m, err := NewInitializedModel(cfg, 6, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	sizes := [][2]int{{64, 64}, {64, 64}, {64, 64}, {40, 72}, {40, 72}, {64, 64}, {64, 64}}
	rng := rand.New(rand.NewSource(3))
	inputs := make([][]float32, len(sizes))
	want := make([][][2][]float32, len(sizes))
	for i, sz := range sizes {
		inputs[i] = randomSlice(rng, 3*sz[0]*sz[1])
		want[i] = forwardCopy(t, m, sz[0], sz[1], inputs[i])
	}
	s := m.NewStages(2)
	defer s.Close()
	pyrs := make(chan *Pyramid, 2)
	pyrs <- new(Pyramid)
	pyrs <- new(Pyramid)
	type job struct {
		i   int
		pyr *Pyramid
	}
	full := make(chan job, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(full)
		for i, sz := range sizes {
			pyr := <-pyrs
			if err := s.Backbone(sz[0], sz[1], inputs[i], pyr); err != nil {
				t.Error(err)
				return
			}
			full <- job{i, pyr}
		}
	}()
	var hbs [2]HeadBuffers
	n := 0
	for j := range full {
		got, err := s.Heads(j.pyr, &hbs[j.i%2])
		if err != nil {
			t.Fatal(err)
		}
		sameOutputs(t, "overlapped", got, want[j.i])
		pyrs <- j.pyr
		n++
	}
	wg.Wait()
	if n != len(sizes) {
		t.Fatalf("%d frames through the heads, want %d", n, len(sizes))
	}
}

// After the first frame of a size, the stages allocate nothing.
func TestStagesNoAllocs(t *testing.T) {
	m, err := NewInitializedModel(stagesConfigs()["groupnorm"], 7, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	s := m.NewStages(2)
	defer s.Close()
	in := randomInput(3 * 48 * 80)
	var pyrs [2]Pyramid
	var hbs [2]HeadBuffers
	i := 0
	step := func() {
		if err := s.Backbone(48, 80, in, &pyrs[i%2]); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Heads(&pyrs[i%2], &hbs[i%2]); err != nil {
			t.Fatal(err)
		}
		i++
	}
	step()
	step()
	if a := testing.AllocsPerRun(6, step); a != 0 {
		t.Fatalf("Backbone+Heads allocate %v times per frame in steady state", a)
	}
}

func TestStagesRejectBadInput(t *testing.T) {
	m, err := NewInitializedModel(tinyConfig(), 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	s := m.NewStages(1)
	defer s.Close()
	var pyr Pyramid
	if _, err := s.Heads(&pyr, &HeadBuffers{}); err == nil {
		t.Fatal("Heads accepted an empty pyramid")
	}
	if err := s.Backbone(32, 32, make([]float32, 10), &pyr); err == nil {
		t.Fatal("Backbone accepted 10 floats for a 3x32x32 input")
	}
}
