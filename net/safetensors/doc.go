// Package safetensors reads and writes the safetensors model file format:
// an 8-byte little-endian header length N, N bytes of JSON header mapping
// each tensor name to its dtype, shape and byte range, an optional
// "__metadata__" string map, then the raw little-endian tensor data.
//
// Parse validates the whole header (sizes, dtypes, shapes, byte ranges,
// overlaps, duplicates) before it hands out any tensor, so a corrupt or
// hostile file yields one clear error instead of a panic or a huge
// allocation.
package safetensors
