package jpegdec

import (
	"bytes"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
)

// The benchmark file is a 640x480 4:2:0 photo at quality 85 (PIL's encoder).
func benchFile(b *testing.B) []byte {
	data, err := os.ReadFile(filepath.Join(fixtureDir, "bench_420_640x480.jpg"))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func BenchmarkDecode640x480(b *testing.B) {
	data := benchFile(b)
	b.SetBytes(640 * 480 * 3)
	for b.Loop() {
		if _, err := DecodeBytes(data, 1<<20); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStdlibDecode640x480 is image/jpeg on the same file, for
// comparison (it returns YCbCr planes, without upsampling or RGB).
func BenchmarkStdlibDecode640x480(b *testing.B) {
	data := benchFile(b)
	b.SetBytes(640 * 480 * 3)
	for b.Loop() {
		if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecoder640x480 is BenchmarkDecode640x480 with one reused
// Decoder, as a Motion-JPEG stream decodes.
func BenchmarkDecoder640x480(b *testing.B) {
	data := benchFile(b)
	b.SetBytes(640 * 480 * 3)
	b.ReportAllocs()
	var dec Decoder
	for b.Loop() {
		if _, err := dec.DecodeBytes(data, 1<<20); err != nil {
			b.Fatal(err)
		}
	}
}
