package boxes

import (
	"slices"
	"testing"
)

// TestMatcherGolden: torchvision's Matcher(0.5, 0.4) on box_iou(gt,
// anchors), with and without low-quality matches, including a duplicated
// ground truth, a ground truth equal to an anchor and one tied between two
// anchors, and small ground truths that only low-quality matches reach.
func TestMatcherGolden(t *testing.T) {
	var fx struct {
		Anchors f32s
		Cases   []struct {
			Name       string
			GT         f32s `json:"gt"`
			LowQuality bool `json:"low_quality"`
			Matches    []int
		}
	}
	readFixture(t, "matcher.json", &fx)
	anchors := fx.Anchors.boxes(t)
	if len(fx.Cases) != 4 || len(anchors) != (80+20)*9 {
		t.Fatalf("fixture: %d cases, %d anchors", len(fx.Cases), len(anchors))
	}
	m := NewRetinaNetMatcher()
	var got []int
	for _, c := range fx.Cases {
		m.AllowLowQuality = c.LowQuality
		got = m.Match(got, c.GT.boxes(t), anchors)
		if !slices.Equal(got, c.Matches) {
			for i := range got {
				if got[i] != c.Matches[i] {
					t.Errorf("%s: anchor %d matched %d, torchvision %d", c.Name, i, got[i], c.Matches[i])
				}
			}
		}
	}
}

func TestMatcherEdgeCases(t *testing.T) {
	anchors := []Box{{0, 0, 10, 10}, {20, 20, 30, 30}, {0, 0, 10, 5}}
	m := NewRetinaNetMatcher()
	if got := m.Match(nil, nil, anchors); !slices.Equal(got, []int{-1, -1, -1}) {
		t.Errorf("no ground truth: %v, want all background", got)
	}
	// IoU with anchor 2 is 0.5 (foreground), anchor 0 gets 1.
	if got := m.Match(nil, []Box{{0, 0, 10, 10}}, anchors); !slices.Equal(got, []int{0, -1, 0}) {
		t.Errorf("got %v", got)
	}
	// A tiny box: best IoU 0.01 < 0.4, but the low-quality rule matches it.
	tiny := []Box{{20, 20, 21, 21}}
	if got := m.Match(nil, tiny, anchors); !slices.Equal(got, []int{-1, 0, -1}) {
		t.Errorf("low quality: %v", got)
	}
	m.AllowLowQuality = false
	if got := m.Match(nil, tiny, anchors); !slices.Equal(got, []int{-1, -1, -1}) {
		t.Errorf("without low quality: %v", got)
	}
	// IoU 0.45: ignored.
	m.AllowLowQuality = false
	if got := m.Match(nil, []Box{{0, 0, 10, 4.5}}, anchors[:1]); !slices.Equal(got, []int{BetweenThresholds}) {
		t.Errorf("between thresholds: %v", got)
	}
}
