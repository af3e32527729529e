package quant

import (
	"fmt"
	"testing"

	"github.com/retina-edge/retina/net"
)

// Every tensor net lists must be read by some layer of the walk with the
// same shape, and nothing more, for v1 (batch norms) and v2 (GroupNorm
// heads) alike.
func TestArchMatchesNetParams(t *testing.T) {
	for _, path := range []string{"../testdata/golden/basic_v1.safetensors", "../testdata/golden/bottleneck_v2.safetensors"} {
		cfg, _, err := net.ReadModelFile(path)
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
		one := func(name string, oc int) { got[name] = fmt.Sprint([]int{oc}) }
		for _, l := range a.Convs() {
			got[l.Name+".weight"] = fmt.Sprint([]int{l.OutC, l.InC, l.K, l.K})
			if l.Bias {
				one(l.Name+".bias", l.OutC)
			}
			if l.BN != "" {
				for _, f := range []string{"weight", "bias", "running_mean", "running_var"} {
					one(l.BN+"."+f, l.OutC)
				}
			}
			if l.GN != "" {
				one(l.GN+".weight", l.OutC)
				one(l.GN+".bias", l.OutC)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s: %d tensors here, %d in net", path, len(got), len(want))
		}
		for name, shape := range want {
			if got[name] != shape {
				t.Errorf("%s: %s: net %s, quant %q", path, name, shape, got[name])
			}
		}
	}
}

func TestArchRefusesHugeConv(t *testing.T) {
	cfg, _ := net.ResNetConfig("resnet18", 3)
	cfg.FPNWidth = 16000 // 3x3 convs of 144000 products per sum
	if _, err := newArch(&cfg); err == nil {
		t.Fatal("accepted a conv whose int32 sums can overflow")
	}
}
