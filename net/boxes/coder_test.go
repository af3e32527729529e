package boxes

import (
	"math"
	"testing"
)

type coderFixture struct {
	Anchors       f32s   `json:"anchors"`
	Deltas        f32s   `json:"deltas"`
	Decoded       f32s   `json:"decoded"`
	GT            f32s   `json:"gt"`
	EncodeAnchors f32s   `json:"encode_anchors"`
	Encoded       f32s   `json:"encoded"`
	ClipIn        f32s   `json:"clip_in"`
	ClipW         int    `json:"clip_w"`
	ClipH         int    `json:"clip_h"`
	Clipped       f32s   `json:"clipped"`
	IoUBoxes      f32s   `json:"iou_boxes"`
	IoU           f32s   `json:"iou"`
	ResizeIn      f32s   `json:"resize_in"`
	ResizeFrom    [2]int `json:"resize_from"`
	ResizeTo      [2]int `json:"resize_to"`
	Resized       f32s   `json:"resized"`
}

func readCoder(t *testing.T) coderFixture {
	var fx coderFixture
	readFixture(t, "coder.json", &fx)
	return fx
}

// TestDecodeGolden: BoxCoder.decode_single, including dw/dh far beyond the
// log(1000/16) clamp. exp is the only step that may differ from torch's
// SLEEF expf (1 ulp), so each coordinate must be within 2 ulps of the
// larger of its centre and half-size magnitudes; most are bit-exact.
func TestDecodeGolden(t *testing.T) {
	fx := readCoder(t)
	anchors, deltas, want := fx.Anchors.boxes(t), fx.Deltas.boxes(t), fx.Decoded.boxes(t)
	if len(anchors) != 300 || len(deltas) != len(anchors) || len(want) != len(anchors) {
		t.Fatalf("fixture sizes %d %d %d", len(anchors), len(deltas), len(want))
	}
	exact := 0
	for i := range anchors {
		got := Decode(deltas[i], anchors[i])
		same := true
		for j := range 4 {
			if sameBits(got[j], want[i][j]) {
				continue
			}
			same = false
			c := want[i][j&1] + want[i][j&1|2] // 2*centre along this axis
			half := want[i][j&1|2] - want[i][j&1]
			scale := max(abs32(c)/2, abs32(half)/2, abs32(want[i][j]))
			if d := math.Abs(float64(got[j] - want[i][j])); d > 2*ulp(scale) {
				t.Errorf("box %d coord %d: %v, torchvision %v (delta %v anchor %v)", i, j, got[j], want[i][j], deltas[i], anchors[i])
			}
		}
		if same {
			exact++
		}
	}
	t.Logf("%d of %d decoded boxes bit-exact", exact, len(anchors))
}

// TestDecodeClamp: dw = dh = 1e30 decodes like dw = dh = log(1000/16).
func TestDecodeClamp(t *testing.T) {
	a := Box{10, 20, 42, 36}
	if got, want := Decode([4]float32{0.1, -0.2, 1e30, 1e30}, a), Decode([4]float32{0.1, -0.2, BoxXformClip, BoxXformClip}, a); got != want {
		t.Fatalf("clamped %v, at the clip %v", got, want)
	}
	if got := Decode([4]float32{}, a); got != a {
		t.Fatalf("zero deltas moved the anchor: %v", got)
	}
}

// TestEncodeGolden: encode_boxes; dx, dy are bit-exact, dw, dh (log) within
// 2 ulps. Encode then Decode returns the box (unless decode's clamp applies).
func TestEncodeGolden(t *testing.T) {
	fx := readCoder(t)
	gt, anchors, want := fx.GT.boxes(t), fx.EncodeAnchors.boxes(t), fx.Encoded.boxes(t)
	if len(gt) != 200 || len(anchors) != len(gt) || len(want) != len(gt) {
		t.Fatalf("fixture sizes %d %d %d", len(gt), len(anchors), len(want))
	}
	for i := range gt {
		got := Encode(gt[i], anchors[i])
		for j := range 4 {
			tol := 0.0
			if j >= 2 {
				tol = 2 * ulp(want[i][j])
			}
			if d := math.Abs(float64(got[j] - want[i][j])); d > tol {
				t.Errorf("pair %d delta %d: %v, torchvision %v", i, j, got[j], want[i][j])
			}
		}
		if got[2] > BoxXformClip || got[3] > BoxXformClip {
			continue // decode clamps these: no round trip
		}
		back := Decode(got, anchors[i])
		if iou := IoU(back, gt[i]); iou < 0.9999 {
			t.Errorf("pair %d: decode(encode(gt)) = %v, gt %v", i, back, gt[i])
		}
	}
}

// TestClipIoUResizeGolden: clip_boxes_to_image, box_iou and resize_boxes,
// all bit-exact.
func TestClipIoUResizeGolden(t *testing.T) {
	fx := readCoder(t)
	in, want := fx.ClipIn.boxes(t), fx.Clipped.boxes(t)
	if len(in) != 100 || len(want) != len(in) {
		t.Fatalf("clip fixture sizes %d %d", len(in), len(want))
	}
	for i := range in {
		if got := ClipToImage(in[i], fx.ClipW, fx.ClipH); got != want[i] {
			t.Errorf("clip %v: %v, torchvision %v", in[i], got, want[i])
		}
	}
	bs := fx.IoUBoxes.boxes(t)
	if len(fx.IoU) != len(bs)*len(bs) || len(bs) == 0 {
		t.Fatalf("iou fixture: %d boxes, %d values", len(bs), len(fx.IoU))
	}
	for i := range bs {
		for j := range bs {
			if got, w := IoU(bs[i], bs[j]), fx.IoU[i*len(bs)+j]; !sameBits(got, w) {
				t.Errorf("IoU(%v, %v) = %v, torchvision %v", bs[i], bs[j], got, w)
			}
		}
	}
	rin, rwant := fx.ResizeIn.boxes(t), fx.Resized.boxes(t)
	for i := range rin {
		got := ResizeBox(rin[i], fx.ResizeFrom[0], fx.ResizeFrom[1], fx.ResizeTo[0], fx.ResizeTo[1])
		if got != rwant[i] {
			t.Errorf("resize %v: %v, torchvision %v", rin[i], got, rwant[i])
		}
	}
}

func TestIoUEdgeCases(t *testing.T) {
	a := Box{0, 0, 10, 10}
	if got := IoU(a, a); got != 1 {
		t.Errorf("IoU of a box with itself %v", got)
	}
	if got := IoU(a, Box{10, 0, 20, 10}); got != 0 {
		t.Errorf("touching boxes %v", got)
	}
	if got := IoU(a, Box{0, 0, 10, 5}); got != 0.5 {
		t.Errorf("half box %v", got)
	}
	if got := IoU(Box{3, 3, 3, 3}, Box{3, 3, 3, 3}); got == got {
		t.Errorf("zero-area pair %v, want NaN (0/0) like torch", got)
	}
	if got := ClipToImage(Box{-5, -1, 50, 7}, 40, 6); got != (Box{0, 0, 40, 6}) {
		t.Errorf("clip %v", got)
	}
}
