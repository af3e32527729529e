package torchimport

import (
	"bytes"
	"fmt"
	"math/big"

	"github.com/nlpodyssey/gopickle/pickle"
	"github.com/nlpodyssey/gopickle/types"
)

// storageType is what a GLOBAL such as torch.FloatStorage resolves to.
type storageType struct {
	name  string // "FloatStorage"
	dtype string // safetensors dtype of its elements
}

// storageTypes are the typed storages torch.save names in persistent ids.
var storageTypes = map[string]string{
	"FloatStorage": "F32", "HalfStorage": "F16", "BFloat16Storage": "BF16", "DoubleStorage": "F64",
	"LongStorage": "I64", "IntStorage": "I32", "ShortStorage": "I16", "CharStorage": "I8",
	"ByteStorage": "U8", "BoolStorage": "BOOL",
}

// storageRef is a persistent id resolved: one storage of the checkpoint.
type storageRef struct {
	key   string
	dtype string
	numel int
}

// tensorRef is a tensor as the pickle describes it: a strided view of a storage.
type tensorRef struct {
	storage *storageRef
	offset  int
	shape   []int
	stride  []int
}

// callFunc adapts a Go function to gopickle's Callable (REDUCE target).
type callFunc func(args ...interface{}) (interface{}, error)

func (f callFunc) Call(args ...interface{}) (interface{}, error) { return f(args...) }

// allowedClass resolves the only globals a state_dict pickle needs, in the
// spirit of torch.load(weights_only=True). Anything else is refused by name:
// nothing is ever constructed or called for it.
func allowedClass(module, name string) (interface{}, error) {
	switch module + "." + name {
	case "torch._utils._rebuild_tensor_v2":
		return callFunc(rebuildTensorV2), nil
	case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state":
		return callFunc(rebuildParameter), nil
	case "collections.OrderedDict":
		return &types.OrderedDictClass{}, nil
	}
	if module == "torch" {
		if dtype, ok := storageTypes[name]; ok {
			return &storageType{name: name, dtype: dtype}, nil
		}
	}
	return nil, fmt.Errorf("refusing to load %s.%s: a weights-only import allows only the classes of a state_dict (tensors, storages, OrderedDict)", module, name)
}

// unpickle decodes one pickle with the allowlist; persistent ids (storages)
// are resolved by load. gopickle allocates what length fields claim, so the
// opcodes are checked by scanPickle first; any panic left inside gopickle on
// malformed input is turned into an error.
func unpickle(p []byte, load func(pid interface{}) (interface{}, error)) (result interface{}, err error) {
	n, err := scanPickle(p)
	if err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			result, err = nil, fmt.Errorf("pickle: malformed data (%v)", r)
		}
	}()
	u := pickle.NewUnpickler(bytes.NewReader(p[:n]))
	u.FindClass = allowedClass
	u.PersistentLoad = load
	u.GetExtension = func(code int) (interface{}, error) {
		return nil, fmt.Errorf("pickle: extension code %d refused", code)
	}
	u.NextBuffer = func() (interface{}, error) { return nil, fmt.Errorf("pickle: out-of-band buffers refused") }
	v, err := u.Load()
	if err != nil {
		return nil, fmt.Errorf("pickle: %v", err)
	}
	return v, nil
}

// storagePID parses torch.save's ('storage', storage_type, key, location,
// numel) persistent id; the legacy format appends view metadata, which must
// be None (views of storages were dropped from torch long ago).
func storagePID(pid interface{}) (*storageRef, error) {
	t, ok := pid.(*types.Tuple)
	if !ok || t.Len() < 5 || t.Len() > 6 {
		return nil, fmt.Errorf("persistent id %v is not a storage reference", pid)
	}
	if s, _ := t.Get(0).(string); s != "storage" {
		return nil, fmt.Errorf("persistent id of kind %v refused, only storages are allowed", t.Get(0))
	}
	st, ok := t.Get(1).(*storageType)
	if !ok {
		return nil, fmt.Errorf("persistent id names %v, not a torch storage type", t.Get(1))
	}
	key, ok := t.Get(2).(string)
	if !ok {
		return nil, fmt.Errorf("storage key %v is not a string", t.Get(2))
	}
	numel, ok := toInt(t.Get(4))
	if !ok || numel < 0 {
		return nil, fmt.Errorf("storage %q: bad element count %v", key, t.Get(4))
	}
	if t.Len() == 6 && t.Get(5) != nil {
		return nil, fmt.Errorf("storage %q: storage views are not supported", key)
	}
	return &storageRef{key: key, dtype: st.dtype, numel: numel}, nil
}

// rebuildTensorV2 mirrors torch._utils._rebuild_tensor_v2(storage,
// storage_offset, size, stride, requires_grad, backward_hooks[, metadata]).
func rebuildTensorV2(args ...interface{}) (interface{}, error) {
	if len(args) < 4 {
		return nil, fmt.Errorf("_rebuild_tensor_v2: %d arguments, want at least 4", len(args))
	}
	s, ok := args[0].(*storageRef)
	if !ok {
		return nil, fmt.Errorf("_rebuild_tensor_v2: first argument is not a storage")
	}
	offset, ok := toInt(args[1])
	if !ok || offset < 0 {
		return nil, fmt.Errorf("_rebuild_tensor_v2: bad storage offset %v", args[1])
	}
	shape, err := intTuple(args[2], "size")
	if err != nil {
		return nil, err
	}
	stride, err := intTuple(args[3], "stride")
	if err != nil {
		return nil, err
	}
	if len(shape) != len(stride) {
		return nil, fmt.Errorf("_rebuild_tensor_v2: size %v and stride %v differ in rank", shape, stride)
	}
	return &tensorRef{storage: s, offset: offset, shape: shape, stride: stride}, nil
}

// rebuildParameter mirrors torch._utils._rebuild_parameter(data, ...): a
// Parameter is just its tensor here.
func rebuildParameter(args ...interface{}) (interface{}, error) {
	if len(args) < 1 {
		return nil, fmt.Errorf("_rebuild_parameter: no data argument")
	}
	t, ok := args[0].(*tensorRef)
	if !ok {
		return nil, fmt.Errorf("_rebuild_parameter: data is not a tensor")
	}
	return t, nil
}

func intTuple(v interface{}, what string) ([]int, error) {
	t, ok := v.(*types.Tuple)
	if !ok {
		return nil, fmt.Errorf("_rebuild_tensor_v2: %s %v is not a tuple", what, v)
	}
	out := make([]int, t.Len())
	for i := range out {
		n, ok := toInt(t.Get(i))
		if !ok || n < 0 {
			return nil, fmt.Errorf("_rebuild_tensor_v2: %s %v has a bad entry", what, v)
		}
		out[i] = n
	}
	return out, nil
}

func toInt(v interface{}) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case *big.Int:
		if n.IsInt64() {
			return int(n.Int64()), true
		}
	}
	return 0, false
}
