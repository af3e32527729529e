package boxes

import "testing"

// TestAnchorsGolden: base anchors and whole levels bit-exact against
// torchvision's AnchorGenerator, including strides that differ per axis and
// padded sizes that are not multiples of the feature size.
func TestAnchorsGolden(t *testing.T) {
	var fx struct {
		Cases []struct {
			Sizes   [][]int
			Ratios  []float64
			Padded  [2]int
			Feats   [][2]int
			Base    []f32s
			Anchors []f32s
		}
	}
	readFixture(t, "anchors.json", &fx)
	if len(fx.Cases) == 0 {
		t.Fatal("no cases")
	}
	for ci, c := range fx.Cases {
		for l, sizes := range c.Sizes {
			checkBoxesExact(t, "case", ci, l, BaseAnchors(sizes, c.Ratios), c.Base[l].boxes(t))
			h, w := c.Feats[l][0], c.Feats[l][1]
			got := LevelAnchors(nil, sizes, c.Ratios, h, w, c.Padded[0]/h, c.Padded[1]/w)
			checkBoxesExact(t, "level", ci, l, got, c.Anchors[l].boxes(t))
		}
	}
}

func checkBoxesExact(t *testing.T, what string, ci, l int, got, want []Box) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s %d level %d: %d anchors, torchvision %d", what, ci, l, len(got), len(want))
	}
	for i := range got {
		for j := range 4 {
			if !sameBits(got[i][j], want[i][j]) {
				t.Fatalf("%s %d level %d anchor %d: %v, torchvision %v", what, ci, l, i, got[i], want[i])
			}
		}
	}
}

// TestBaseAnchorsRoundHalfEven: size 101 at ratio 1 has half-extent 50.5,
// which torch.round takes to 50.
func TestBaseAnchorsRoundHalfEven(t *testing.T) {
	got := BaseAnchors([]int{101}, []float64{1})
	if want := (Box{-50, -50, 50, 50}); got[0] != want {
		t.Fatalf("got %v, want %v", got[0], want)
	}
}

func TestLevelAnchorsAppends(t *testing.T) {
	dst := []Box{{1, 2, 3, 4}}
	dst = LevelAnchors(dst, []int{8}, []float64{1}, 2, 3, 16, 10)
	if len(dst) != 7 || dst[0] != (Box{1, 2, 3, 4}) {
		t.Fatalf("got %v", dst)
	}
	// Cell (y=1, x=2): shift (20, 16).
	if want := (Box{16, 12, 24, 20}); dst[6] != want {
		t.Fatalf("last anchor %v, want %v", dst[6], want)
	}
}
