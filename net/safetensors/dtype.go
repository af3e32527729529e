package safetensors

// dtypeSizes maps each supported safetensors dtype to its element size in bytes.
var dtypeSizes = map[string]int{
	"BOOL": 1, "U8": 1, "I8": 1,
	"F16": 2, "BF16": 2, "I16": 2, "U16": 2,
	"F32": 4, "I32": 4, "U32": 4,
	"F64": 8, "I64": 8, "U64": 8,
}

// DTypeSize returns the element size of a dtype in bytes, or false when the
// dtype is not one this package knows.
func DTypeSize(dtype string) (int, bool) {
	n, ok := dtypeSizes[dtype]
	return n, ok
}
