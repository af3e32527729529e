package quant

import (
	"fmt"
	"strings"
	"testing"

	"github.com/retina-edge/retina/net"
)

// Every conv weight (and bias, and batch norm) net lists must be a layer
// here with the same shape, and nothing more.
func TestArchMatchesNetParams(t *testing.T) {
	cfg, _, err := net.ReadModelFile("../testdata/golden/basic_v1.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	params, err := cfg.Params()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, p := range params {
		want[p.Name] = fmt.Sprint(p.Shape)
	}
	a, err := newArch(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, l := range a.layers() {
		got[l.name+".weight"] = fmt.Sprint([]int{l.oc, l.ic, l.k, l.k})
		if l.bias {
			got[l.name+".bias"] = fmt.Sprint([]int{l.oc})
		}
		if l.bn != "" {
			for _, f := range []string{"weight", "bias", "running_mean", "running_var"} {
				got[l.bn+"."+f] = fmt.Sprint([]int{l.oc})
			}
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d tensors here, %d in net", len(got), len(want))
	}
	for name, shape := range want {
		if got[name] != shape {
			t.Errorf("%s: net %s, quant %q", name, shape, got[name])
		}
	}
	v2 := cfg
	v2.HeadGroupNorm, v2.FPNWidth = true, 32
	if _, err := newArch(&v2); err == nil || !strings.Contains(err.Error(), "GroupNorm") {
		t.Errorf("v2 heads: error %v", err)
	}
}
