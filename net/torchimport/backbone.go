package torchimport

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/retina-edge/retina/net"
)

// backbonePrefix is where RetinaNet's state_dict keeps the ResNet body.
const backbonePrefix = "backbone.body."

// ImportBackbone reads a torchvision ImageNet classification checkpoint (a
// torch.save of resnet18/34/50's state_dict, or a dict holding one under
// 'model' or 'state_dict'; the same safe unpickler as ImportFile) and
// returns its ResNet tensors under RetinaNet's names (conv1.weight becomes
// backbone.body.conv1.weight), as torchvision's retinanet_resnet50_fpn does
// with weights_backbone. The classifier (fc.*) is ignored. Every backbone
// tensor of cfg's declared architecture must be there with its shape, and
// the checkpoint may hold nothing else: a name or shape that differs is an
// error naming it (a ResNet-34 checkpoint for a ResNet-18, a detector's
// checkpoint, a renamed layer).
func ImportBackbone(path string, cfg net.Config) (map[string]net.Param, error) {
	w, err := importBackbone(path, cfg)
	var pathErr *fs.PathError
	if err != nil && !errors.As(err, &pathErr) {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return w, err
}

func importBackbone(path string, cfg net.Config) (map[string]net.Param, error) {
	specs, err := cfg.Params()
	if err != nil {
		return nil, err
	}
	want := map[string][]int{}
	for _, s := range specs {
		if strings.HasPrefix(s.Name, backbonePrefix) {
			want[s.Name] = s.Shape
		}
	}
	ck, err := openCheckpoint(path)
	if err != nil {
		return nil, err
	}
	defer ck.Close()
	plain, err := normalizeNames(ck.names)
	if err != nil {
		return nil, err
	}
	rename := map[string]string{}
	var unknown []string
	for n, orig := range plain {
		switch {
		case strings.HasPrefix(n, "fc."):
			continue
		case strings.HasPrefix(n, backbonePrefix) || strings.HasPrefix(n, "head.") || strings.HasPrefix(n, "backbone.fpn."):
			return nil, fmt.Errorf("tensor %q: this is a detector's checkpoint, not an ImageNet classifier's (use --model or --import for a whole model)", orig)
		}
		full := backbonePrefix + n
		shape, ok := want[full]
		if !ok {
			unknown = append(unknown, orig)
			continue
		}
		if got := ck.tensors[orig].shape; !slices.Equal(got, shape) {
			return nil, fmt.Errorf("tensor %q has shape %v, the %s backbone's %s is %v (a checkpoint of another ResNet?)", orig, got, cfg.Backbone, full, shape)
		}
		rename[full] = orig
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return nil, fmt.Errorf("%d tensors are no part of a %s backbone, e.g. %q (a checkpoint of another network?)", len(unknown), cfg.Backbone, unknown[0])
	}
	var missing []string
	for n := range want {
		if _, ok := rename[n]; !ok {
			missing = append(missing, strings.TrimPrefix(n, backbonePrefix))
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return nil, fmt.Errorf("the %s backbone needs %d tensors the checkpoint lacks, e.g. %q (a checkpoint of a smaller ResNet?)", cfg.Backbone, len(missing), missing[0])
	}
	return ck.float32Tensors(rename)
}
