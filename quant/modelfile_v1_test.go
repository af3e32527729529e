package quant

import (
	"math/rand"
	"path/filepath"
	"strings"
	"testing"

	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/safetensors"
)

// writeV1 rewrites the v2 file src as a "retina-int8-v1" file: the head
// convs keep only P3's bias and activation parameters.
func writeV1(t *testing.T, m *Model, src, dst string) {
	t.Helper()
	f, err := safetensors.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	a, err := newArch(&m.cfg)
	if err != nil {
		t.Fatal(err)
	}
	head := headConvs(a)
	ts := append([]safetensors.Tensor(nil), f.Tensors...)
	for i, tn := range ts {
		name, field, _ := strings.Cut(tn.Name, ".act_")
		if field == "" {
			name = strings.TrimSuffix(tn.Name, ".bias")
		}
		if !head[name] || len(tn.Shape) != 2 {
			continue
		}
		ts[i].Shape = tn.Shape[1:]
		ts[i].Data = tn.Data[:len(tn.Data)/net.NumLevels]
	}
	meta := f.Metadata
	meta["format"] = formatV1
	if err := safetensors.WriteFile(dst, meta, ts); err != nil {
		t.Fatal(err)
	}
}

// A v1 file (one set of head parameters for every level) still loads and
// runs exactly as the model it was written from; a v1 file whose pyramid
// levels disagree with the heads' single set is refused.
func TestModelFileLoadsV1(t *testing.T) {
	c, perLevel := spreadModel(t)
	shared := sharedModel(t, c)
	dir := t.TempDir()
	img := randomImage(rand.New(rand.NewSource(6)), 96, 128)
	for _, tc := range []struct {
		name string
		m    *Model
		err  string
	}{
		{"shared", shared, ""},
		{"per-level", perLevel, "act_scale/act_zero: level P4 input scale"},
	} {
		v2, v1 := filepath.Join(dir, tc.name+"-v2.safetensors"), filepath.Join(dir, tc.name+"-v1.safetensors")
		if err := tc.m.WriteFile(v2); err != nil {
			t.Fatal(err)
		}
		writeV1(t, tc.m, v2, v1)
		got, err := LoadModelFile(v1, 1)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), v1) {
				t.Errorf("%s: error %v, want one naming %s and %q", tc.name, err, v1, tc.err)
			}
			if err == nil {
				got.Close()
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		defer got.Close()
		want, err := tc.m.Heads(img.H, img.W, img.Data)
		if err != nil {
			t.Fatal(err)
		}
		out, err := got.Heads(img.H, img.W, img.Data)
		if err != nil {
			t.Fatal(err)
		}
		sameHeads(t, tc.name+" from the v1 file", out, want)
	}
}
