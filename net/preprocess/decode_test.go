package preprocess

import (
	"bytes"
	"encoding/binary"
	"errors"
	"github.com/retina-edge/retina/net/jpegdec"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

// testPicture is a small opaque picture with distinct pixels.
func testPicture(w, h int) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.SetNRGBA(x, y, color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x * y) % 256), 255})
		}
	}
	return m
}

// paletted copies pic, which must have at most 256 colours, into a
// paletted image so that GIF keeps it exactly.
func paletted(pic *image.NRGBA) *image.Paletted {
	var pal color.Palette
	index := map[color.NRGBA]uint8{}
	b := pic.Bounds()
	m := image.NewPaletted(b, nil)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := pic.NRGBAAt(x, y)
			i, ok := index[c]
			if !ok {
				i = uint8(len(pal))
				index[c] = i
				pal = append(pal, c)
			}
			m.SetColorIndex(x, y, i)
		}
	}
	m.Palette = pal
	return m
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestDecodeLosslessFormats encodes the same picture as PNG, BMP, TIFF and
// GIF (few colours, so lossless) and wants the same pixels back from each.
func TestDecodeLosslessFormats(t *testing.T) {
	pic := testPicture(23, 17)
	// Few colours so that GIF's palette holds them all.
	for i := 0; i < len(pic.Pix); i += 4 {
		pic.Pix[i], pic.Pix[i+1], pic.Pix[i+2] = pic.Pix[i]&0xc0, pic.Pix[i+1]&0xc0, pic.Pix[i+2]&0x80
	}
	encoders := map[string]func(*bytes.Buffer) error{
		"a.png":  func(b *bytes.Buffer) error { return png.Encode(b, pic) },
		"a.bmp":  func(b *bytes.Buffer) error { return bmp.Encode(b, pic) },
		"a.tiff": func(b *bytes.Buffer) error { return tiff.Encode(b, pic, nil) },
		"a.gif":  func(b *bytes.Buffer) error { return gif.Encode(b, paletted(pic), nil) },
	}
	for name, enc := range encoders {
		var buf bytes.Buffer
		if err := enc(&buf); err != nil {
			t.Fatal(name, err)
		}
		img, err := DecodeFile(writeFile(t, name, buf.Bytes()), 23*17)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if img.Bounds() != pic.Bounds() {
			t.Fatalf("%s: bounds %v", name, img.Bounds())
		}
		for y := range 17 {
			for x := range 23 {
				got := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
				if got != pic.NRGBAAt(x, y) {
					t.Fatalf("%s: pixel (%d,%d) = %v, want %v", name, x, y, got, pic.NRGBAAt(x, y))
				}
			}
		}
	}
}

func TestDecodeJPEG(t *testing.T) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, testPicture(40, 30), &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	img, err := DecodeBytes("cam.jpg", buf.Bytes(), 1200)
	if err != nil {
		t.Fatal(err)
	}
	// JPEGs go through jpegdec, PIL's pixels, not image/jpeg's.
	want, err := jpegdec.DecodeBytes(buf.Bytes(), 1200)
	if err != nil {
		t.Fatal(err)
	}
	rgba, ok := img.(*image.RGBA)
	if !ok || !bytes.Equal(rgba.Pix, want.Pix) || img.Bounds() != want.Bounds() {
		t.Fatalf("got %T %v, want jpegdec's RGBA decode", img, img.Bounds())
	}
}

func wantError(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Fatalf("error %q does not contain %q", err, p)
		}
	}
}

func TestDecodeTruncatedJPEG(t *testing.T) {
	// skimage's truncated.jpg, really cut short.
	_, err := DecodeFile(filepath.Join(fixtureDir, "truncated.jpg"), 1<<20)
	wantError(t, err, "truncated.jpg: unexpected EOF in JPEG data (truncated file?)")

	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, testPicture(64, 48), nil); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	// Cut in the headers, in the entropy-coded data, and just before EOI.
	for _, n := range []int{300, len(data) / 2, len(data) - 2} {
		path := writeFile(t, "photo.jpg", data[:n])
		_, err := DecodeFile(path, 1<<20)
		wantError(t, err, path+": unexpected EOF in JPEG data (truncated file?)")
	}
}

func TestDecodeTruncatedPNG(t *testing.T) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, testPicture(64, 48)); err != nil {
		t.Fatal(err)
	}
	path := writeFile(t, "shot.png", buf.Bytes()[:buf.Len()/2])
	_, err := DecodeFile(path, 1<<20)
	wantError(t, err, path+": unexpected EOF in PNG data (truncated file?)")
}

func TestDecodeNotAnImage(t *testing.T) {
	path := writeFile(t, "x.txt", []byte("hello, this is text\n"))
	_, err := DecodeFile(path, 1<<20)
	wantError(t, err, path+": not a JPEG/PNG/GIF/BMP/TIFF/WebP image")
	if !errors.Is(err, ErrNotImage) {
		t.Fatalf("%v is not ErrNotImage", err)
	}
	_, err = DecodeFile(writeFile(t, "empty.png", nil), 1<<20)
	wantError(t, err, "empty.png: not a JPEG/PNG/GIF/BMP/TIFF/WebP image")
	_, err = DecodeFile(filepath.Join(t.TempDir(), "missing.png"), 1<<20)
	wantError(t, err, "missing.png")
}

// pngHeaderOnly is a PNG signature and an IHDR chunk claiming w x h, with
// no image data: decoding it would fail, so a limit error proves the size
// was checked from the header first.
func pngHeaderOnly(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 17)
	copy(ihdr, "IHDR")
	binary.BigEndian.PutUint32(ihdr[4:], w)
	binary.BigEndian.PutUint32(ihdr[8:], h)
	ihdr[12], ihdr[13] = 8, 2 // 8-bit truecolour
	binary.Write(&b, binary.BigEndian, uint32(13))
	b.Write(ihdr)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(ihdr))
	return b.Bytes()
}

func TestDecodeRefusesTooManyPixels(t *testing.T) {
	// 5000 x 5000 x 3 bytes still fits a 32-bit int, so image/png itself
	// accepts the header on every platform.
	path := writeFile(t, "huge.png", pngHeaderOnly(5000, 5000))
	_, err := DecodeFile(path, 4000*3000)
	wantError(t, err, path+": PNG image is 5000x5000, more than the limit of 12000000 pixels")

	var buf bytes.Buffer
	if err := png.Encode(&buf, testPicture(10, 10)); err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeBytes("ok.png", buf.Bytes(), 100); err != nil {
		t.Fatalf("100 pixels at a limit of 100: %v", err)
	}
	_, err = DecodeBytes("big.png", buf.Bytes(), 99)
	wantError(t, err, "big.png: PNG image is 10x10, more than the limit of 99 pixels")
}
