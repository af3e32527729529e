package torchimport

import (
	"errors"
	"fmt"
	"io/fs"
	"sort"

	"github.com/retina-edge/retina/net"
)

// ImportFile reads a torch.save checkpoint of a torchvision RetinaNet (a
// state_dict, or a dict holding one under 'model' or 'state_dict'), infers its
// net.Config and returns its tensors as float32 under torchvision 0.14's
// names, ready for net.WriteModelFile or net.NewModel. BatchNorm statistics are kept (folding happens when
// the model is loaded); num_batches_tracked is dropped.
func ImportFile(path string, opts Options) (net.Config, map[string]net.Param, error) {
	cfg, tensors, err := importFile(path, opts)
	var pathErr *fs.PathError
	if err != nil && !errors.As(err, &pathErr) { // a PathError names the file already
		return net.Config{}, nil, fmt.Errorf("%s: %w", path, err)
	}
	if err != nil {
		return net.Config{}, nil, err
	}
	return cfg, tensors, nil
}

func importFile(path string, opts Options) (net.Config, map[string]net.Param, error) {
	ck, err := openCheckpoint(path)
	if err != nil {
		return net.Config{}, nil, err
	}
	defer ck.Close()
	rename, err := normalizeNames(ck.names)
	if err != nil {
		return net.Config{}, nil, err
	}
	shapes := map[string][]int{}
	for n, orig := range rename {
		shapes[n] = ck.tensors[orig].shape
	}
	cfg, err := inferConfig(shapes, opts)
	if err != nil {
		return net.Config{}, nil, err
	}
	if err := net.CheckShapes(cfg, shapes); err != nil {
		return net.Config{}, nil, err
	}
	weights, err := ck.float32Tensors(rename)
	if err != nil {
		return net.Config{}, nil, err
	}
	return cfg, weights, nil
}

// float32Tensors reads the tensors of rename (new name -> checkpoint name)
// as float32, under their new names.
func (ck *checkpoint) float32Tensors(rename map[string]string) (map[string]net.Param, error) {
	names := make([]string, 0, len(rename))
	for n := range rename {
		names = append(names, n)
	}
	sort.Strings(names)
	origs := make([]string, len(names))
	for i, n := range names {
		origs[i] = rename[n]
	}
	blobs, err := ck.readStorages(origs)
	if err != nil {
		return nil, err
	}
	weights := make(map[string]net.Param, len(names))
	for i, n := range names {
		ref := ck.tensors[origs[i]]
		t, err := materialize(n, ref, blobs[ref.storage], ck.bigEndian)
		if err != nil {
			return nil, err
		}
		if t.DType != "F32" {
			return nil, fmt.Errorf("tensor %q holds %s values, want floating point", origs[i], t.DType)
		}
		data, err := t.Float32s()
		if err != nil {
			return nil, err
		}
		weights[n] = net.Param{Shape: t.Shape, Data: data}
	}
	return weights, nil
}
