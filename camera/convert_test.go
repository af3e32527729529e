package camera

import (
	"bytes"
	"image"
	"image/color"
	"math"
	"testing"
)

// TestFullRangeMatchesImageColor checks the full-range arithmetic against
// image/color.YCbCrToRGB for every possible sample.
func TestFullRangeMatchesImageColor(t *testing.T) {
	for y := 0; y < 256; y++ {
		for cb := 0; cb < 256; cb++ {
			for cr := 0; cr < 256; cr++ {
				r, g, b := fullCoeffs.pixel(uint8(y), uint8(cb), uint8(cr))
				wr, wg, wb := color.YCbCrToRGB(uint8(y), uint8(cb), uint8(cr))
				if r != wr || g != wg || b != wb {
					t.Fatalf("Y %d Cb %d Cr %d: got %d %d %d, image/color gives %d %d %d", y, cb, cr, r, g, b, wr, wg, wb)
				}
			}
		}
	}
}

// TestLimitedRangeMatchesFormula checks the limited-range fixed point against
// the real-valued BT.601 formula, rounded, for every sample: at most 1 off.
func TestLimitedRangeMatchesFormula(t *testing.T) {
	worst := 0.0
	for y := 0; y < 256; y++ {
		for cb := 0; cb < 256; cb++ {
			for cr := 0; cr < 256; cr++ {
				r, g, b := limitedCoeffs.pixel(uint8(y), uint8(cb), uint8(cr))
				wr, wg, wb := limitedFloat(y, cb, cr)
				for _, d := range []float64{float64(r) - wr, float64(g) - wg, float64(b) - wb} {
					worst = math.Max(worst, math.Abs(d))
				}
			}
		}
	}
	if worst > 1 {
		t.Fatalf("worst difference from the BT.601 formula: %v", worst)
	}
}

func clampRound(v float64) float64 { return math.Max(0, math.Min(255, math.Round(v))) }

func limitedFloat(y, cb, cr int) (float64, float64, float64) {
	yy := 255.0 / 219 * float64(y-16)
	u, v := 255.0/224*float64(cb-128), 255.0/224*float64(cr-128)
	return clampRound(yy + 1.402*v), clampRound(yy - 0.344136*u - 0.714136*v), clampRound(yy + 1.772*u)
}

// Colour bars at 100% in both ranges, with the RGB each formula gives
// (worked by hand from the BT.601 equations).
var colourBars = []struct {
	name            string
	full, limited   [3]uint8 // Y Cb Cr
	fullRGB, limRGB [3]uint8
}{
	{"white", [3]uint8{255, 128, 128}, [3]uint8{235, 128, 128}, [3]uint8{255, 255, 255}, [3]uint8{255, 255, 255}},
	{"black", [3]uint8{0, 128, 128}, [3]uint8{16, 128, 128}, [3]uint8{0, 0, 0}, [3]uint8{0, 0, 0}},
	{"grey", [3]uint8{128, 128, 128}, [3]uint8{126, 128, 128}, [3]uint8{128, 128, 128}, [3]uint8{128, 128, 128}},
	// red: Y = .299*255 = 76.2, Cb = 128 - .168736*255 = 85.0, Cr = 255.5 -> 255
	// full: R = 76 + 1.402*127 = 254.1, G = 76 + .344136*43 - .714136*127 = 0.1, B = 76 - 1.772*43 = -0.2
	// limited (81, 90, 240): Y' = 255/219*65 = 75.68, Cb' = 255/224*-38 = -43.26, Cr' = 255/224*112 = 127.5;
	//   R = 75.68 + 1.402*127.5 = 254.4, G = 75.68 + 14.89 - 91.05 = -0.5, B = 75.68 - 76.66 = -1.0
	{"red", [3]uint8{76, 85, 255}, [3]uint8{81, 90, 240}, [3]uint8{254, 0, 0}, [3]uint8{254, 0, 0}},
	// green: Y = 149.7, Cb = 43.5, Cr = 21.2
	// full (150, 44, 21): R = 150 - 1.402*107 = -0.01, G = 150 + .344136*84 + .714136*107 = 255.3, B = 150 - 1.772*84 = 1.2
	{"green", [3]uint8{150, 44, 21}, [3]uint8{145, 54, 34}, [3]uint8{0, 255, 1}, [3]uint8{0, 255, 1}},
	// blue: Y = 29.1, Cb = 255.5, Cr = 107.3
	{"blue", [3]uint8{29, 255, 107}, [3]uint8{41, 240, 110}, [3]uint8{0, 0, 254}, [3]uint8{0, 0, 255}},
}

func TestColourBarsExact(t *testing.T) {
	for _, c := range colourBars {
		for _, rng := range []YUVRange{FullRange, LimitedRange} {
			in, want := c.full, c.fullRGB
			if rng == LimitedRange {
				in, want = c.limited, c.limRGB
			}
			// The same pixel through all three layouts, 4x2 pixels.
			yuyv := bytes.Repeat([]byte{in[0], in[1], in[0], in[2]}, 4)
			planeY := bytes.Repeat([]byte{in[0]}, 8)
			nv12 := append(append([]byte{}, planeY...), bytes.Repeat([]byte{in[1], in[2]}, 2)...)
			i420 := append(append(append([]byte{}, planeY...), in[1], in[1]), in[2], in[2])
			for _, conv := range []struct {
				name string
				fn   func(dst, src []byte, w, h int, r YUVRange) error
				src  []byte
			}{{"YUYV", YUYVToRGB, yuyv}, {"NV12", NV12ToRGB, nv12}, {"I420", I420ToRGB, i420}} {
				dst := make([]byte, 4*2*3)
				if err := conv.fn(dst, conv.src, 4, 2, rng); err != nil {
					t.Fatal(err)
				}
				for p := 0; p < 8; p++ {
					if [3]uint8(dst[p*3:p*3+3]) != want {
						t.Errorf("%s %s %s range: pixel %d = %v, want %v", c.name, conv.name, rng, p, dst[p*3:p*3+3], want)
						break
					}
				}
			}
		}
	}
}

// rgbToLimited is the BT.601 studio-swing forward transform, rounded.
func rgbToLimited(r, g, b uint8) (uint8, uint8, uint8) {
	R, G, B := float64(r), float64(g), float64(b)
	y := 0.299*R + 0.587*G + 0.114*B
	return uint8(math.Round(16 + y*219/255)), uint8(math.Round(128 + (B-y)/1.772*224/255)),
		uint8(math.Round(128 + (R-y)/1.402*224/255))
}

// TestRoundTrip converts RGB to Y'CbCr and back through every layout; with
// both pixels of each chroma pair alike, only rounding is lost.
func TestRoundTrip(t *testing.T) {
	const w, h = 16, 8
	worst := map[YUVRange]int{}
	for seed := 0; seed < 64; seed++ {
		rgb := make([]byte, w*h*3)
		yuyv := make([]byte, w*h*2)
		nv12 := make([]byte, w*h*3/2)
		i420 := make([]byte, w*h*3/2)
		for _, rng := range []YUVRange{FullRange, LimitedRange} {
			for by := 0; by < h/2; by++ {
				for bx := 0; bx < w/2; bx++ {
					r, g, b := uint8(seed*37+bx*29), uint8(seed*11+by*53), uint8(bx*by*17+seed)
					Y, cb, cr := color.RGBToYCbCr(r, g, b)
					if rng == LimitedRange {
						Y, cb, cr = rgbToLimited(r, g, b)
					}
					for dy := 0; dy < 2; dy++ {
						for dx := 0; dx < 2; dx++ {
							x, y := bx*2+dx, by*2+dy
							copy(rgb[(y*w+x)*3:], []byte{r, g, b})
							nv12[y*w+x], i420[y*w+x] = Y, Y
							yuyv[(y*w+x)*2] = Y
						}
						yuyv[((by*2+dy)*w+bx*2)*2+1] = cb
						yuyv[((by*2+dy)*w+bx*2)*2+3] = cr
					}
					c := by*(w/2) + bx
					nv12[w*h+c*2], nv12[w*h+c*2+1] = cb, cr
					i420[w*h+c], i420[w*h+w*h/4+c] = cb, cr
				}
			}
			for _, conv := range []struct {
				fn  func(dst, src []byte, w, h int, r YUVRange) error
				src []byte
			}{{YUYVToRGB, yuyv}, {NV12ToRGB, nv12}, {I420ToRGB, i420}} {
				got := make([]byte, len(rgb))
				if err := conv.fn(got, conv.src, w, h, rng); err != nil {
					t.Fatal(err)
				}
				for i := range got {
					worst[rng] = max(worst[rng], absInt(int(got[i])-int(rgb[i])))
				}
			}
		}
	}
	// 8-bit Y'CbCr cannot hold every RGB triple: the forward rounding alone
	// costs up to about 2 levels in the full range, 3 in the coarser limited.
	if worst[FullRange] > 2 || worst[LimitedRange] > 3 {
		t.Errorf("worst round-trip error: full %d, limited %d", worst[FullRange], worst[LimitedRange])
	}
}

// TestRGBAMatchesPacked checks the RGBA writers against the packed ones,
// including a sub-image destination with its own stride.
func TestRGBAMatchesPacked(t *testing.T) {
	const w, h = 10, 6
	src := make([]byte, w*h*2)
	for i := range src {
		src[i] = byte(i*7 + 3)
	}
	for _, c := range []struct {
		name   string
		packed func(dst, src []byte, w, h int, r YUVRange) error
		rgba   func(dst *image.RGBA, src []byte, w, h int, r YUVRange) error
	}{{"YUYV", YUYVToRGB, YUYVToRGBA}, {"NV12", NV12ToRGB, NV12ToRGBA}, {"I420", I420ToRGB, I420ToRGBA}} {
		packed := make([]byte, w*h*3)
		if err := c.packed(packed, src, w, h, LimitedRange); err != nil {
			t.Fatal(err)
		}
		big := image.NewRGBA(image.Rect(0, 0, w+5, h+3))
		sub := big.SubImage(image.Rect(3, 2, 3+w, 2+h)).(*image.RGBA)
		if err := c.rgba(sub, src, w, h, LimitedRange); err != nil {
			t.Fatal(err)
		}
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				got := sub.RGBAAt(3+x, 2+y)
				p := packed[(y*w+x)*3:]
				if got != (color.RGBA{p[0], p[1], p[2], 255}) {
					t.Fatalf("%s: pixel %d,%d = %v, packed %v", c.name, x, y, got, p[:3])
				}
			}
		}
		if big.RGBAAt(0, 0) != (color.RGBA{}) || big.RGBAAt(w+4, h+2) != (color.RGBA{}) {
			t.Fatalf("%s wrote outside the sub-image", c.name)
		}
	}
}

func TestOddSizes420(t *testing.T) {
	const w, h = 5, 3
	cw, ch := chromaSize(w, h)
	src := make([]byte, w*h+2*cw*ch)
	for i := range src {
		src[i] = byte(i * 13)
	}
	dst := make([]byte, w*h*3)
	for _, fn := range []func(dst, src []byte, w, h int, r YUVRange) error{NV12ToRGB, I420ToRGB} {
		if err := fn(dst, src, w, h, FullRange); err != nil {
			t.Fatal(err)
		}
	}
	// Last pixel of I420: Y at 14, U at plane start + 5, V at + 5 + 6.
	r, g, b := fullCoeffs.pixel(src[14], src[15+5], src[15+6+5])
	if [3]byte(dst[14*3:]) != [3]byte{r, g, b} {
		t.Fatalf("I420 odd size: last pixel %v, want %v", dst[14*3:], []byte{r, g, b})
	}
}

func TestConvertRejectsBadInput(t *testing.T) {
	buf := make([]byte, 100)
	cases := []struct {
		name string
		err  error
	}{
		{"YUYV short source", YUYVToRGB(make([]byte, 300), buf, 10, 10, FullRange)},
		{"YUYV odd width", YUYVToRGB(make([]byte, 300), make([]byte, 1000), 9, 10, FullRange)},
		{"YUYV short destination", YUYVToRGB(make([]byte, 10), make([]byte, 200), 10, 10, FullRange)},
		{"NV12 short", NV12ToRGB(make([]byte, 300), make([]byte, 149), 10, 10, FullRange)},
		{"I420 short", I420ToRGB(make([]byte, 300), make([]byte, 149), 10, 10, FullRange)},
		{"zero size", I420ToRGB(buf, buf, 0, 10, FullRange)},
		{"negative size", NV12ToRGB(buf, buf, -2, 10, FullRange)},
		{"huge size", NV12ToRGB(buf, buf, 1<<20, 1<<20, FullRange)},
		{"RGBA wrong size", YUYVToRGBA(image.NewRGBA(image.Rect(0, 0, 4, 4)), buf, 4, 5, FullRange)},
		{"RGBA nil", I420ToRGBA(nil, buf, 4, 4, FullRange)},
		{"MJPEG frame", ConvertToRGB(buf, &Frame{Format: MJPEG, Width: 2, Height: 2, Data: buf}, FullRange)},
		{"unknown format", ConvertToRGB(buf, &Frame{Format: 99, Width: 2, Height: 2, Data: buf}, FullRange)},
		{"RGB24 short", ConvertToRGB(buf, &Frame{Format: RGB24, Width: 10, Height: 10, Data: buf}, FullRange)},
	}
	for _, c := range cases {
		if c.err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	// 150 bytes is exactly enough for a 10x10 NV12 frame.
	if err := NV12ToRGB(make([]byte, 300), make([]byte, 150), 10, 10, FullRange); err != nil {
		t.Errorf("exact-size NV12: %v", err)
	}
}

func TestConvertAllocatesNothing(t *testing.T) {
	const w, h = 64, 48
	src := make([]byte, w*h*2)
	dst := make([]byte, w*h*3)
	rgba := image.NewRGBA(image.Rect(0, 0, w, h))
	f := &Frame{Format: YUYV, Width: w, Height: h, Data: src}
	a := testing.AllocsPerRun(20, func() {
		ConvertToRGB(dst, f, FullRange)
		ConvertToRGBA(rgba, f, LimitedRange)
		NV12ToRGB(dst, src, w, h, FullRange)
		I420ToRGBA(rgba, src, w, h, FullRange)
	})
	if a != 0 {
		t.Errorf("%v allocations, want 0", a)
	}
}

func FuzzConvert(f *testing.F) {
	f.Add(uint8(YUYV), 4, 2, []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, false)
	f.Add(uint8(NV12), 3, 3, make([]byte, 17), true)
	f.Add(uint8(I420), 5, 1, make([]byte, 11), false)
	f.Add(uint8(MJPEG), 16, 16, encodeTestJPEG(nil, 16, 16, 0), false)
	f.Add(uint8(RGB24), 2, 2, make([]byte, 12), false)
	f.Fuzz(func(t *testing.T, format uint8, w, h int, data []byte, limited bool) {
		if w > 4096 || h > 4096 { // keep the destination small; bigger sizes are refused alike
			w, h = w%4097, h%4097
		}
		rng := FullRange
		if limited {
			rng = LimitedRange
		}
		fr := &Frame{Format: PixelFormat(format), Width: w, Height: h, Data: data}
		n := 0
		if w > 0 && h > 0 {
			n = w * h * 3
		}
		dst := make([]byte, n)
		err := ConvertToRGB(dst, fr, rng)
		need := map[PixelFormat]int{YUYV: w * h * 2, NV12: w*h + 2*((w+1)/2)*((h+1)/2), I420: w*h + 2*((w+1)/2)*((h+1)/2), RGB24: w * h * 3}
		if want, ok := need[fr.Format]; ok && w > 0 && h > 0 && !(fr.Format == YUYV && w%2 != 0) {
			if (err == nil) != (len(data) >= want) {
				t.Fatalf("%v %dx%d with %d bytes: err %v", fr.Format, w, h, len(data), err)
			}
		}
		if w > 0 && h > 0 && w <= 64 && h <= 64 {
			rgba := image.NewRGBA(image.Rect(0, 0, w, h))
			ConvertToRGBA(rgba, fr, rng)
		}
	})
}
