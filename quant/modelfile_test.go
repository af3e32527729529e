package quant

import (
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/boxes"
	"github.com/retina-edge/retina/net/safetensors"
)

// Writing and loading a quantized model gives the same model: the same
// head outputs bit for bit, for v1 and v2 (GroupNorm) heads, here on two
// threads (the int8 sums and the split im2col do not depend on them).
func TestModelFileRoundTrip(t *testing.T) {
	for _, path := range []string{"../testdata/golden/basic_v1.safetensors", "../testdata/golden/bottleneck_v2.safetensors"} {
		_, m := calibratedGolden(t, path, RuleBest, 2, 96, 96)
		q := filepath.Join(t.TempDir(), "q.safetensors")
		if err := m.WriteFile(q); err != nil {
			t.Fatal(err)
		}
		img := randomImage(rand.New(rand.NewSource(8)), 96, 128)
		want, err := m.Heads(img.H, img.W, img.Data)
		if err != nil {
			t.Fatal(err)
		}
		loaded, err := LoadModelFile(q, 2)
		if err != nil {
			t.Fatal(err)
		}
		defer loaded.Close()
		if loaded.Config().NumClasses != m.cfg.NumClasses {
			t.Fatalf("%s: loaded with %d classes", path, loaded.Config().NumClasses)
		}
		if loaded.calibration == "" || loaded.calibration != m.calibration {
			t.Errorf("%s: calibration metadata lost", path)
		}
		got, err := loaded.Heads(img.H, img.W, img.Data)
		if err != nil {
			t.Fatal(err)
		}
		sameHeads(t, path+" after the round trip", got, want)
		if n := testing.AllocsPerRun(2, func() { loaded.Heads(img.H, img.W, img.Data) }); n != 0 {
			t.Errorf("%s: two-thread Heads allocates %v times per call", path, n)
		}
	}
}

// Every way a file can be broken or lie gives an error naming the file and
// the problem, never a panic.
func TestModelFileRejectsBadFiles(t *testing.T) {
	_, m := calibratedGolden(t, "../testdata/golden/basic_v1.safetensors", RuleMinMax, 1, 64, 64)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.safetensors")
	if err := m.WriteFile(good); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	// edit rewrites the good file with its tensors and metadata changed.
	edit := func(change func(meta map[string]string, ts []safetensors.Tensor) []safetensors.Tensor) []byte {
		f, err := safetensors.Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		ts := append([]safetensors.Tensor(nil), f.Tensors...)
		for i := range ts {
			ts[i].Data = append([]byte(nil), ts[i].Data...)
		}
		meta := map[string]string{}
		for k, v := range f.Metadata {
			meta[k] = v
		}
		ts = change(meta, ts)
		p := filepath.Join(dir, "edit.safetensors")
		if err := safetensors.WriteFile(p, meta, ts); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(p)
		return b
	}
	find := func(ts []safetensors.Tensor, name string) *safetensors.Tensor {
		for i := range ts {
			if ts[i].Name == name {
				return &ts[i]
			}
		}
		t.Fatalf("no tensor %s", name)
		return nil
	}
	const stem = "backbone.body.conv1"
	a, err := newArch(&m.cfg)
	if err != nil {
		t.Fatal(err)
	}
	tower, p7 := a.ClsTower[0].Name, a.P7.Name
	cases := []struct {
		name, want string
		data       []byte
	}{
		{"truncated", "", data[:len(data)/2]},
		{"empty", "", nil},
		{"format", "not a retina", edit(func(meta map[string]string, ts []safetensors.Tensor) []safetensors.Tensor {
			meta["format"] = "something-else"
			return ts
		})},
		{"config", "configuration", edit(func(meta map[string]string, ts []safetensors.Tensor) []safetensors.Tensor {
			meta["retina"] = "{not json"
			return ts
		})},
		{"invalid config", "fpn_width", edit(func(meta map[string]string, ts []safetensors.Tensor) []safetensors.Tensor {
			meta["retina"] = strings.Replace(meta["retina"], `"fpn_width":8`, `"fpn_width":0`, 1)
			return ts
		})},
		{"missing", "missing tensor " + stem + ".bias", edit(func(_ map[string]string, ts []safetensors.Tensor) []safetensors.Tensor {
			i := find(ts, stem+".bias")
			i.Name = "zz.extra"
			return ts
		})},
		{"extra", "unexpected tensor zz", edit(func(_ map[string]string, ts []safetensors.Tensor) []safetensors.Tensor {
			return append(ts, safetensors.F32("zz", []int{1}, []float32{1}))
		})},
		{"dtype", stem + ".weight_scale is I32", edit(func(_ map[string]string, ts []safetensors.Tensor) []safetensors.Tensor {
			find(ts, stem+".weight_scale").DType = "I32"
			return ts
		})},
		{"shape", stem + ".weight is I8 [", edit(func(_ map[string]string, ts []safetensors.Tensor) []safetensors.Tensor {
			w := find(ts, stem+".weight")
			w.Shape = []int{w.Shape[0], w.Shape[1], w.Shape[2] * w.Shape[3]}
			return ts
		})},
		{"weight -128", stem + ".weight: value -128", edit(func(_ map[string]string, ts []safetensors.Tensor) []safetensors.Tensor {
			find(ts, stem+".weight").Data[5] = 0x80
			return ts
		})},
		{"nan scale", "weight scale", edit(func(_ map[string]string, ts []safetensors.Tensor) []safetensors.Tensor {
			w := find(ts, stem+".weight_scale")
			nan := safetensors.F32("x", []int{1}, []float32{float32(math.NaN())})
			copy(w.Data, nan.Data)
			return ts
		})},
		{"zero act scale", "input.act_scale", edit(func(_ map[string]string, ts []safetensors.Tensor) []safetensors.Tensor {
			clear(find(ts, "input.act_scale").Data)
			return ts
		})},
		{"inconsistent", "backbone.body.layer1.0.conv1.act_scale/act_zero: input scale", edit(func(_ map[string]string, ts []safetensors.Tensor) []safetensors.Tensor {
			find(ts, "backbone.body.layer1.0.conv1.act_zero").Data[0]++
			return ts
		})},
		{"head level inconsistent", tower + ".act_scale/act_zero: level P6 input scale", edit(func(_ map[string]string, ts []safetensors.Tensor) []safetensors.Tensor {
			find(ts, tower+".act_zero").Data[4*2*3]++ // P6's input zero point
			return ts
		})},
		{"p7 reads p6", p7 + ".act_scale/act_zero: input scale", edit(func(_ map[string]string, ts []safetensors.Tensor) []safetensors.Tensor {
			find(ts, p7+".act_scale").Data[0]++
			return ts
		})},
		{"head bias shape", tower + ".bias is I32 [8], want I32 [5 8]", edit(func(_ map[string]string, ts []safetensors.Tensor) []safetensors.Tensor {
			b := find(ts, tower+".bias")
			b.Shape, b.Data = b.Shape[1:], b.Data[:len(b.Data)/net.NumLevels]
			return ts
		})},
		{"v1 tag on v2 tensors", tower + ".bias is I32 [5 8], want I32 [8]", edit(func(meta map[string]string, ts []safetensors.Tensor) []safetensors.Tensor {
			meta["format"] = formatV1
			return ts
		})},
		{"zero point", "outside int8", edit(func(_ map[string]string, ts []safetensors.Tensor) []safetensors.Tensor {
			find(ts, "backbone.body.layer1.0.add.act_zero").Data[1] = 1 // zero point 256 + low byte
			return ts
		})},
	}
	for _, c := range cases {
		p := filepath.Join(dir, "bad-"+strings.ReplaceAll(c.name, " ", "-")+".safetensors")
		if err := os.WriteFile(p, c.data, 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := LoadModelFile(p, 1)
		if err == nil {
			m.Close()
		}
		if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one naming the file and %q", c.name, err, c.want)
		}
	}
}

// A failed write leaves nothing behind.
func TestWriteFileAtomic(t *testing.T) {
	_, m := calibratedGolden(t, "../testdata/golden/basic_v1.safetensors", RuleMinMax, 1, 64, 64)
	dir := t.TempDir()
	if err := m.WriteFile(filepath.Join(dir, "missing-dir", "q.safetensors")); err == nil {
		t.Fatal("wrote into a missing directory")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("left %d files behind", len(entries))
	}
}

// sameHeads fails unless got's logits and deltas equal want's bit for bit
// on every level; what names got in the message.
func sameHeads(t *testing.T, what string, got, want []boxes.Level) {
	t.Helper()
	for l := range want {
		for i, v := range want[l].Logits {
			if got[l].Logits[i] != v {
				t.Fatalf("%s: %s logit %d is %g, want %g", what, net.LevelName(l), i, got[l].Logits[i], v)
			}
		}
		for i, v := range want[l].Deltas {
			if got[l].Deltas[i] != v {
				t.Fatalf("%s: %s delta %d is %g, want %g", what, net.LevelName(l), i, got[l].Deltas[i], v)
			}
		}
	}
}
