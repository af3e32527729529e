package torchimport

import (
	"fmt"
	"sort"
	"strings"

	"github.com/nlpodyssey/gopickle/types"
)

// entry is one key/value pair of a pickled dict.
type entry struct {
	key   interface{}
	value interface{}
}

// dictEntries lists a pickled dict or OrderedDict in order.
func dictEntries(v interface{}) ([]entry, bool) {
	switch d := v.(type) {
	case *types.OrderedDict:
		out := make([]entry, 0, d.Len())
		for e := d.List.Front(); e != nil; e = e.Next() {
			oe := e.Value.(*types.OrderedDictEntry)
			out = append(out, entry{oe.Key, oe.Value})
		}
		return out, true
	case *types.Dict:
		out := make([]entry, 0, d.Len())
		for _, e := range *d {
			out = append(out, entry{e.Key, e.Value})
		}
		return out, true
	}
	return nil, false
}

// wrapperKeys are the dict keys under which training scripts commonly nest
// the state_dict ({'model': sd, 'optimizer': ...}).
var wrapperKeys = []string{"model", "state_dict"}

// setStateDict finds the state_dict in the unpickled root object: the root
// itself when it maps names to tensors, else root['model'] or
// root['state_dict'].
func (ck *checkpoint) setStateDict(root interface{}) error {
	entries, ok := dictEntries(root)
	if !ok {
		return fmt.Errorf("checkpoint holds a %s, not a state_dict", describe(root))
	}
	if !allTensors(entries) {
		var keys []string
		for _, e := range entries {
			k, _ := e.key.(string)
			for _, w := range wrapperKeys {
				if k == w {
					inner, ok := dictEntries(e.value)
					if ok && allTensors(inner) {
						return ck.setEntries(inner, "["+w+"]")
					}
				}
			}
			keys = append(keys, fmt.Sprintf("%q", e.key))
		}
		sort.Strings(keys)
		if len(keys) > 8 {
			keys = append(keys[:8], "...")
		}
		return fmt.Errorf("checkpoint is a dict that is neither a state_dict nor holds one under 'model' or 'state_dict' (keys %s)", strings.Join(keys, ", "))
	}
	return ck.setEntries(entries, "")
}

func allTensors(entries []entry) bool {
	if len(entries) == 0 {
		return false
	}
	for _, e := range entries {
		if _, ok := e.value.(*tensorRef); !ok {
			return false
		}
	}
	return true
}

func (ck *checkpoint) setEntries(entries []entry, where string) error {
	ck.tensors = map[string]*tensorRef{}
	for _, e := range entries {
		name, ok := e.key.(string)
		if !ok {
			return fmt.Errorf("state_dict%s key %v is not a string", where, e.key)
		}
		if _, dup := ck.tensors[name]; dup {
			return fmt.Errorf("state_dict%s has %q twice", where, name)
		}
		ck.tensors[name] = e.value.(*tensorRef)
		ck.names = append(ck.names, name)
	}
	return nil
}

// stringList converts a pickled list of strings.
func stringList(v interface{}) ([]string, error) {
	l, ok := v.(*types.List)
	if !ok {
		return nil, fmt.Errorf("got a %s, want a list", describe(v))
	}
	out := make([]string, l.Len())
	for i := range out {
		s, ok := l.Get(i).(string)
		if !ok {
			return nil, fmt.Errorf("entry %d is not a string", i)
		}
		out[i] = s
	}
	return out, nil
}

// describe names the Python-level kind of an unpickled value for errors.
func describe(v interface{}) string {
	switch v.(type) {
	case nil:
		return "None"
	case *tensorRef:
		return "tensor"
	case *types.OrderedDict, *types.Dict:
		return "dict"
	case *types.List:
		return "list"
	case *types.Tuple:
		return "tuple"
	case string:
		return "str"
	case int:
		return "int"
	case float64:
		return "float"
	case bool:
		return "bool"
	}
	return fmt.Sprintf("%T", v)
}
