// Package jpegdec decodes baseline and progressive Huffman-coded JPEG files
// to RGB exactly as PIL does on Debian 12 (Pillow 9.4 over libjpeg-turbo
// 2.1.5, Image.open(path).convert("RGB")): the accurate integer IDCT
// (jidctint.c), "fancy" triangle-filter chroma upsampling with edge
// replication (jdsample.c), the fixed-point YCbCr->RGB tables of jdcolor.c,
// grayscale replicated to RGB, and Adobe CMYK/YCCK inverted by PIL and
// turned into RGB with PIL's own formula.
//
// Go's image/jpeg differs from libjpeg-turbo in every one of those steps, so
// a detector fed from it sees slightly different pixels than the same
// detector under torchvision; this package removes that difference.
//
// Only 8-bit Huffman-coded files are decoded; 12-bit, arithmetic-coded,
// lossless and hierarchical files are refused with an UnsupportedError.
package jpegdec
